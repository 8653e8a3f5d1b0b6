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

/* guidedbp::onednn_conv(_guided) returns activations in oneDNN's layouts
 * (MKLDNN tensors). This pass follows them through the nodes that read and
 * differentiate those layouts (guided ReLU, add, max pooling, which becomes
 * guidedbp::blocked_max_pool2d) and puts an aten::to_dense before every
 * other reader. A oneDNN value may be returned only inside the graph's
 * output tuple (the Grad-CAM layer); the wrapper converts it. */
void insert_layout_conversions (const std::shared_ptr<torch::jit::Graph> &graph);

}  // namespace guidedbp
