/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

#include <memory>

#include <ATen/ATen.h>
#include <torch/csrc/jit/ir/ir.h>

namespace guidedbp {

/* Rewrites, in @graph and every block nested in it, each ReLU-family node
 * (aten::relu, relu_, relu6, relu6_, hardtanh and hardtanh_ with a constant
 * min of 0) into the guided op with the same forward
 * (ops/gbp-guided-op.cpp). @guided_switch, a 0-d bool CPU tensor the
 * caller keeps, chooses the backward rule at backward time: true guided,
 * false plain. Returns how many nodes were rewritten. */
unsigned rewrite_relus_to_guided (const std::shared_ptr<torch::jit::Graph> &graph,
    const at::Tensor &guided_switch);

}  // namespace guidedbp
