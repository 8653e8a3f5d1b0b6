/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-guided-rule.h"
#include "gbp-parallel-for.h"

namespace guidedbp {
namespace {

/* The rule over a range, guided or plain by template, with both loads
 * unconditional and no branch so that the compiler vectorizes either (the
 * pass is memory-bound: SSE is as good as wider vectors). */
template <bool guided>
__attribute__ ((optimize ("tree-vectorize"))) void
gradient_range (const float *out, const float *grad, float *result,
    int64_t n, float high)
{
  for (int64_t i = 0; i < n; i++) {
    float o = out[i], g = grad[i];
    bool pass = (o > 0.0f) & (o < high) & (!guided | (g > 0.0f));
    result[i] = pass ? g : 0.0f;
  }
}

}  // namespace

void
activation_gradient (const float *out, const float *grad, float *result,
    int64_t n, float high, bool guided)
{
  parallel_for (0, n, 16384, [&] (int64_t begin, int64_t end) {
    if (guided)
      gradient_range<true> (out + begin, grad + begin, result + begin,
          end - begin, high);
    else
      gradient_range<false> (out + begin, grad + begin, result + begin,
          end - begin, high);
  });
}

}  // namespace guidedbp
