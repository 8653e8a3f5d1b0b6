/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

#include <memory>
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

/* Whether @node is of @kind ("aten::add"). */
bool is_kind (torch::jit::Node *node, const char *kind);

/* The constant int list @value holds, as two entries (a one-entry list
 * repeated), or empty when it is not such a constant. */
std::vector<int64_t> constant_pair (torch::jit::Value *value);

/* Whether @node is aten::add(self, other, alpha) with a constant alpha of
 * 1: a plain sum, such as a residual block's. */
bool is_unit_add (torch::jit::Node *node);

/* Rewrites, in @graph and every block nested in it, each ReLU-family node
 * (aten::relu, relu_, relu6, relu6_, hardtanh and hardtanh_ with a constant
 * min of 0) into the guided op with the same forward. @guided_switch, a 0-d
 * bool CPU tensor the caller keeps, chooses the backward rule at backward
 * time: true guided, false plain. Returns how many nodes were rewritten. */
unsigned rewrite_relus_to_guided (const std::shared_ptr<torch::jit::Graph> &graph,
    const at::Tensor &guided_switch);

/* The value Grad-CAM explains: the output of the module at @module_path
 * ("layer4", "features.28"), found through the inlined call stacks of the
 * frozen @graph, or with an empty path the output of the last convolution.
 * Returns nullptr when there is none. */
torch::jit::Value *find_layer_output (const std::shared_ptr<torch::jit::Graph> &graph,
    const std::string &module_path);

}  // namespace guidedbp
