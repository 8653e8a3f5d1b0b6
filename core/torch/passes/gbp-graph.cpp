/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-graph.h"

namespace guidedbp {

void
collect_nodes (torch::jit::Block *block, std::vector<torch::jit::Node *> &nodes)
{
  for (torch::jit::Node *node : block->nodes ()) {
    nodes.push_back (node);
    for (torch::jit::Block *sub : node->blocks ())
      collect_nodes (sub, nodes);
  }
}

void
replace_node (torch::jit::Node *node, torch::jit::Value *replacement)
{
  if (node->callstack ())
    replacement->node ()->setCallStack (*node->callstack ());
  replacement->setType (node->output ()->type ());
  node->output ()->replaceAllUsesWith (replacement);
  node->destroy ();
}

void
replace_with_packed_op (torch::jit::Node *node, const char *op,
    const c10::IValue &pack)
{
  torch::jit::Graph *graph = node->owningGraph ();
  torch::jit::WithInsertPoint insert_point (node);
  torch::jit::Value *pack_value = graph->insertConstant (pack);

  replace_node (node, graph->insert (c10::Symbol::fromQualString (op),
          {node->input (0), pack_value}));
}

bool
is_kind (torch::jit::Node *node, const char *kind)
{
  return node->kind () == c10::Symbol::fromQualString (kind);
}

std::vector<int64_t>
constant_pair (torch::jit::Value *value)
{
  c10::optional<c10::IValue> constant = torch::jit::toIValue (value);
  if (!constant || !constant->isIntList ())
    return {};
  std::vector<int64_t> pair = constant->toIntVector ();
  if (pair.size () == 1)
    pair.push_back (pair[0]);
  return pair.size () == 2 ? pair : std::vector<int64_t> ();
}

bool
is_unit_add (torch::jit::Node *node)
{
  if (!is_kind (node, "aten::add") || node->inputs ().size () != 3)
    return false;
  c10::optional<c10::IValue> alpha = torch::jit::toIValue (node->input (2));
  return alpha && alpha->isInt () && alpha->toInt () == 1;
}

}  // namespace guidedbp
