/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++, no libtorch type): the guided rule,
 * the one place it is written.
 */
#pragma once

#include <cstdint>

namespace guidedbp {

/* The gradient at the input of the activation clamp(x, 0, @high) (@high
 * infinite: a ReLU) whose output is @out, given @grad at its output: @grad
 * where 0 < out < high (the activation is linear there), 0 elsewhere (exact
 * zeros at the boundary included); @guided, only where @grad is positive
 * too (Springenberg et al.'s rule). @n values of each, in any layout the
 * three share (a blocked layout's padding included), on all threads. */
void activation_gradient (const float *out, const float *grad, float *result,
    int64_t n, float high, bool guided);

}  // namespace guidedbp
