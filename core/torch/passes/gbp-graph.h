/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++): what the graph passes share.
 */
#pragma once

#include <cstdint>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>

namespace guidedbp {

/* Appends every node of @block and of the blocks nested in it, in order. */
void collect_nodes (torch::jit::Block *block,
    std::vector<torch::jit::Node *> &nodes);

/* Hands @node's readers @replacement, which takes @node's output type and
 * the module it was inlined from (for find_layer_output()), and destroys
 * @node. */
void replace_node (torch::jit::Node *node, torch::jit::Value *replacement);

/* Replaces the layer @node by the op @op (a guidedbp:: name) of its first
 * input and @pack, inserted before it as a constant: a layer rewritten to
 * its packed kernel. */
void replace_with_packed_op (torch::jit::Node *node, const char *op,
    const c10::IValue &pack);

/* Rewrites each node of @graph that @pack_of gives a pack for (a layer
 * whose weights it packed) to @op with that pack, set to @policy first;
 * returns how many. */
template <typename PackOf, typename Policy>
unsigned
rewrite_to_packed_ops (torch::jit::Graph &graph, PackOf pack_of,
    const Policy &policy, const char *op)
{
  std::vector<torch::jit::Node *> nodes;
  unsigned rewritten = 0;

  collect_nodes (graph.block (), nodes);
  for (torch::jit::Node *node : nodes) {
    auto pack = pack_of (node);
    if (!pack)
      continue;
    pack->policy = policy;
    replace_with_packed_op (node, op, c10::IValue (pack));
    rewritten++;
  }
  return rewritten;
}

/* Whether @node is of @kind ("aten::add"). */
bool is_kind (torch::jit::Node *node, const char *kind);

/* The constant int list @value holds, as two entries (a one-entry list
 * repeated), or empty when it is not such a constant. */
std::vector<int64_t> constant_pair (torch::jit::Value *value);

/* Whether @node is aten::add(self, other, alpha) with a constant alpha of
 * 1: a plain sum, such as a residual block's. */
bool is_unit_add (torch::jit::Node *node);

}  // namespace guidedbp
