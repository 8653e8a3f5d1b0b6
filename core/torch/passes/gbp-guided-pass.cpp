/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Why custom ops rather than overriding aten::relu's autograd kernel: the
 * override would change every model in the process, and the profiling
 * executor fuses aten::relu into differentiable graphs with the plain ReLU
 * gradient anyway. An op the executor knows nothing about is left alone and
 * its autograd kernel always runs.
 */
#include "gbp-guided-pass.h"
#include "gbp-graph.h"
#include "gbp-op-names.h"

#include <string>
#include <vector>

#include <torch/csrc/jit/ir/constants.h>

namespace guidedbp {
namespace {

bool
is_constant_zero (torch::jit::Value *value)
{
  c10::optional<c10::IValue> constant = torch::jit::toIValue (value);
  return constant && (constant->isDouble () || constant->isInt ())
      && constant->toScalar ().toDouble () == 0.0;
}

/* The guided replacement of @node, inserted just before it, or nullptr
 * when @node is not a ReLU-family activation. */
torch::jit::Value *
insert_guided_replacement (torch::jit::Graph &graph, torch::jit::Node *node,
    torch::jit::Value *guided)
{
  std::string kind = node->kind ().toQualString ();

  if (node->inputs ().empty ())
    return nullptr;
  torch::jit::Value *self = node->input (0);

  if (kind == "aten::relu" || kind == "aten::relu_")
    return graph.insert (c10::Symbol::fromQualString (op_names::GUIDED_RELU),
        {self, guided});

  if (kind == "aten::relu6" || kind == "aten::relu6_")
    return graph.insert (c10::Symbol::fromQualString (op_names::GUIDED_HARDTANH),
        {self, 0.0, 6.0, guided});

  if ((kind == "aten::hardtanh" || kind == "aten::hardtanh_")
      && node->inputs ().size () == 3 && is_constant_zero (node->input (1)))
    return graph.insert (c10::Symbol::fromQualString (op_names::GUIDED_HARDTANH),
        {self, node->input (1), node->input (2), guided});

  return nullptr;
}

}  // namespace

unsigned
rewrite_relus_to_guided (const std::shared_ptr<torch::jit::Graph> &graph,
    const at::Tensor &guided_switch)
{
  std::vector<torch::jit::Node *> nodes;
  unsigned rewritten = 0;
  torch::jit::Value *switch_value;

  collect_nodes (graph->block (), nodes);
  {
    torch::jit::WithInsertPoint at_start (graph->block ()->nodes ().front ());
    switch_value = graph->insertConstant (guided_switch);
  }
  for (torch::jit::Node *node : nodes) {
    torch::jit::WithInsertPoint insert_point (node);
    torch::jit::Value *guided = insert_guided_replacement (*graph, node,
        switch_value);

    if (guided == nullptr)
      continue;
    /* An in-place activation the mutation passes could not remove also
     * changed its input for every later reader: hand them the new value. */
    if (std::string (node->kind ().toUnqualString ()).back () == '_')
      node->input (0)->replaceAllUsesDominatedByNodeWith (node, guided);
    replace_node (node, guided);
    rewritten++;
  }
  return rewritten;
}

}  // namespace guidedbp
