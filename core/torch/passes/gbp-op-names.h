/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++): the names of guidedbp's
 * operators, which the graph passes insert and the ops register
 * (ops/gbp-ops.cpp), in one place.
 */
#pragma once

namespace guidedbp {
namespace op_names {

const char *const GUIDED_RELU = "guidedbp::guided_relu";
const char *const GUIDED_HARDTANH = "guidedbp::guided_hardtanh";
const char *const ONEDNN_CONV = "guidedbp::onednn_conv";
const char *const ONEDNN_CONV_GUIDED = "guidedbp::onednn_conv_guided";
const char *const ONEDNN_LINEAR = "guidedbp::onednn_linear";
const char *const BLOCKED_MAX_POOL = "guidedbp::blocked_max_pool2d";

}  // namespace op_names
}  // namespace guidedbp
