/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++): the guided rule on tensors.
 */
#pragma once

#include <ATen/ATen.h>

#ifdef GBP_HAVE_IDEEP
#include <ideep.hpp>
#endif

namespace guidedbp {

/* The gradient at the input of the activation clamp(x, 0, @high) whose
 * output is @out, given @grad at its output, by the rule of
 * cpu/gbp-guided-rule.h (@guided or plain), in @out's layout: plain or
 * oneDNN's (MKLDNN) tensors. */
at::Tensor activation_gradient (const at::Tensor &out, const at::Tensor &grad,
    double high, bool guided);

#ifdef GBP_HAVE_IDEEP
/* The same on oneDNN memory: @grad is reordered to @out's layout. */
ideep::tensor activation_gradient (const ideep::tensor &out,
    const ideep::tensor &grad, double high, bool guided);
#endif

}  // namespace guidedbp
