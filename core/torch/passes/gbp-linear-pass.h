/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

#include <memory>

#include <torch/csrc/jit/ir/ir.h>

#include "gbp-kernel-choice.h"

namespace guidedbp {

/* Rewrites, in @graph and every block nested in it, each aten::linear with
 * a constant float CPU weight into guidedbp::onednn_linear: the same
 * function, whose forward and input gradient run as oneDNN inner products
 * with the weight packed once per batch size for the kernels @policy
 * chooses. Returns how many nodes were rewritten; none without the oneDNN
 * path. */
unsigned rewrite_linears_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph,
    const KernelPolicy &policy);

/* Adds what @graph's oneDNN linear layers have chosen and packed so far to
 * @stats. */
void add_linear_stats (const std::shared_ptr<torch::jit::Graph> &graph,
    KernelStats &stats);

}  // namespace guidedbp
