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

/* Whether this build has the oneDNN convolution path (ideep and oneDNN
 * headers matching the system libtorch). */
bool onednn_conv_available ();

/* Whether @node is one of this path's convolutions, which read either
 * layout and write the blocked one. */
bool writes_blocked (torch::jit::Node *node);

struct ConvRewrite {
  unsigned convs;               /* convolutions on the oneDNN path */
  unsigned fused;               /* of them, fused with their activation */
};

/* Rewrites each frozen 2-D convolution of @graph (constant float weight,
 * bias and geometry, integer padding) into guidedbp::onednn_conv, whose
 * weights are packed once for oneDNN's forward and input-gradient kernels
 * and whose output stays in oneDNN's blocked layout; fuses a convolution
 * with the guided activation after it (and a residual add between) into
 * guidedbp::onednn_conv_guided. Then converts to the plain layout only
 * where a consumer cannot read the blocked one. Counts nothing without the
 * oneDNN path. */
ConvRewrite rewrite_convs_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph,
    const KernelPolicy &policy);

/* Adds what @graph's oneDNN convolutions have chosen and packed so far
 * to @stats. */
void add_conv_stats (const std::shared_ptr<torch::jit::Graph> &graph,
    KernelStats &stats);

}  // namespace guidedbp
