/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

#include <memory>
#include <string>

#include <torch/csrc/jit/ir/ir.h>

namespace guidedbp {

/* The value Grad-CAM explains: the output of the module at @module_path
 * ("layer4", "features.28"), found through the inlined call stacks of the
 * frozen @graph, or with an empty path the output of the last convolution.
 * Returns nullptr when there is none. */
torch::jit::Value *find_layer_output (const std::shared_ptr<torch::jit::Graph> &graph,
    const std::string &module_path);

}  // namespace guidedbp
