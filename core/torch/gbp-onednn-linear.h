/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

#include <memory>

#include <torch/csrc/jit/ir/ir.h>

namespace guidedbp {

/* Rewrites, in @graph and every block nested in it, each aten::linear into
 * guidedbp::onednn_linear: the same function, whose forward and input
 * gradient on CPU run as oneDNN inner products instead of BLAS calls.
 * Returns how many nodes were rewritten. */
unsigned rewrite_linears_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph);

}  // namespace guidedbp
