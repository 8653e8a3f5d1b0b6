/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

#include <torch/csrc/jit/ir/ir.h>

namespace guidedbp {

/* Replaces @node, an aten::max_pool2d whose input is in oneDNN's blocked
 * layout, with guidedbp::blocked_max_pool2d: the same pooling with the
 * same arguments, forward and backward in that layout on every thread,
 * where libtorch's MKLDNN max pooling keeps a workspace forward and runs
 * oneDNN's slower backward. Without the oneDNN path @node stays. */
void use_blocked_max_pool (torch::jit::Node *node);

}  // namespace guidedbp
