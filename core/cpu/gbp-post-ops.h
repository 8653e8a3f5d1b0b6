/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++, no libtorch type).
 */
#pragma once

namespace guidedbp {

/* What a convolution applies to its sum y (bias included), fused from the
 * graph: plus what its destination held (a residual add), then the
 * activation clamp(y, 0, max_val) (max_val infinite: a ReLU). The same
 * for oneDNN's post-ops and guidedbp's Winograd. */
struct PostOps {
  bool residual = false;
  bool activation = false;
  double max_val = 0;

  bool operator== (const PostOps &o) const
  {
    return residual == o.residual && activation == o.activation
        && max_val == o.max_val;
  }
};

}  // namespace guidedbp
