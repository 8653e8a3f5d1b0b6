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

/* Whether @node is one of guidedbp's oneDNN convolutions, which read
 * either layout and write oneDNN's. */
bool writes_blocked (torch::jit::Node *node);

struct ConvRewrite {
  unsigned convs;               /* convolutions on the oneDNN path */
  unsigned fused;               /* of them, fused with their activation */
};

/* Rewrites each frozen 2-D convolution of @graph (constant float weight,
 * bias and geometry, integer padding) into guidedbp::onednn_conv, whose
 * kernels @policy chooses per input shape with their weights packed once
 * and whose output stays in oneDNN's layouts; fuses a convolution with the
 * guided activation after it (and a residual add between) into
 * guidedbp::onednn_conv_guided. Then converts to the plain layout only
 * where a consumer cannot read oneDNN's. Counts nothing without the oneDNN
 * path. */
ConvRewrite rewrite_convs_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph,
    const KernelPolicy &policy);

/* Adds what @graph's oneDNN convolutions have chosen and packed so far
 * to @stats. */
void add_conv_stats (const std::shared_ptr<torch::jit::Graph> &graph,
    KernelStats &stats);

}  // namespace guidedbp
