/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Where activations may stay in oneDNN's layouts (see the header).
 * Every node accepted here was checked, forward and backward, against
 * libtorch 1.13's MKLDNN kernels; anything else reads a plain copy.
 */
#include "gbp-layout-pass.h"
#include "gbp-conv-pass.h"
#include "gbp-graph.h"
#include "gbp-op-names.h"

#include <unordered_set>
#include <vector>

namespace guidedbp {
namespace {

/* Replaces @node, an aten::max_pool2d whose input is in a oneDNN layout,
 * with guidedbp::blocked_max_pool2d (ops/gbp-pool-op.cpp): the same
 * pooling with the same arguments, forward and backward in that layout on
 * every thread, where libtorch's MKLDNN max pooling keeps a workspace
 * forward and runs oneDNN's slower backward. */
void
use_blocked_max_pool (torch::jit::Node *node)
{
  torch::jit::Graph *graph = node->owningGraph ();
  torch::jit::WithInsertPoint insert_point (node);
  torch::jit::Value *replacement = graph->insert (
      c10::Symbol::fromQualString (op_names::BLOCKED_MAX_POOL),
      std::vector<torch::jit::NamedValue> (node->inputs ().begin (),
          node->inputs ().end ()));
  replace_node (node, replacement);
}

/* How many leading inputs of @node are activations it can read in
 * oneDNN's layouts, forward and backward; 0 when it cannot. */
size_t
blocked_inputs (torch::jit::Node *node)
{
  if (is_kind (node, op_names::GUIDED_RELU))
    return 1;
  /* same-shape residual adds */
  if (is_unit_add (node))
    return 2;
  /* oneDNN pooling has no dilation; it becomes guidedbp's own pooling */
  if (is_kind (node, "aten::max_pool2d") && node->inputs ().size () == 6
      && constant_pair (node->input (4)) == std::vector<int64_t> {1, 1})
    return 1;
  /* Not global average pooling: its MKLDNN backward is oneDNN's reference
   * kernel (1.2 ms on ResNet18's 512x7x7, where converting the input to
   * plain costs 0.03 ms). */
  return 0;
}

/* The graph's output tuple, whose elements may stay blocked. */
torch::jit::Node *
output_tuple (const std::shared_ptr<torch::jit::Graph> &graph)
{
  torch::jit::Node *producer = graph->outputs ()[0]->node ();
  return producer->kind () == c10::prim::TupleConstruct ? producer : nullptr;
}

}  // namespace

void
insert_layout_conversions (const std::shared_ptr<torch::jit::Graph> &graph)
{
  std::unordered_set<torch::jit::Value *> blocked;
  std::unordered_set<torch::jit::Node *> readers;
  torch::jit::Node *tuple = output_tuple (graph);

  /* top-level nodes are in topological order; nested blocks read plain */
  for (torch::jit::Node *node : graph->block ()->nodes ()) {
    if (writes_blocked (node)) {
      /* the convolutions read either layout (input and residual) */
      readers.insert (node);
      blocked.insert (node->output ());
      continue;
    }
    size_t count = blocked_inputs (node);
    if (node->outputs ().size () != 1 || count == 0)
      continue;
    bool all_blocked = true;
    for (size_t i = 0; i < count; i++)
      all_blocked = all_blocked && blocked.count (node->input (i));
    if (all_blocked) {
      readers.insert (node);
      blocked.insert (node->output ());
    }
  }

  for (torch::jit::Value *value : blocked) {
    torch::jit::Value *plain = nullptr;
    /* copy the use list: it changes under us */
    std::vector<torch::jit::Use> uses = value->uses ();
    for (const torch::jit::Use &use : uses) {
      if (readers.count (use.user) || use.user == tuple)
        continue;
      if (plain == nullptr) {
        torch::jit::WithInsertPoint after (value->node ()->next ());
        plain = graph->insert (c10::Symbol::fromQualString ("aten::to_dense"),
            {value});
        plain->setType (value->type ());
      }
      use.user->replaceInput (use.offset, plain);
    }
  }

  /* last: the replacement takes over the conversions' inputs too */
  for (torch::jit::Node *node : readers)
    if (is_kind (node, "aten::max_pool2d"))
      use_blocked_max_pool (node);
}

}  // namespace guidedbp
