/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * guidedbp's operators and custom classes: the one TORCH_LIBRARY block.
 * Their kernels are registered next to their code (TORCH_LIBRARY_IMPL in
 * gbp-guided-op.cpp, gbp-conv-op.cpp, gbp-linear-op.cpp, gbp-pool-op.cpp);
 * the graph passes insert them by the names of passes/gbp-op-names.h.
 */
#include "gbp-ops.h"
#include "gbp-conv-pack.h"
#include "gbp-linear-pack.h"

#include <torch/library.h>

namespace guidedbp {

bool
onednn_available ()
{
#ifdef GBP_HAVE_IDEEP
  return at::hasMKLDNN ();
#else
  return false;
#endif
}

}  // namespace guidedbp

TORCH_LIBRARY (guidedbp, m)
{
  m.class_<guidedbp::ConvPack> ("ConvPack");
  m.class_<guidedbp::LinearPack> ("LinearPack");
  m.def ("guided_relu(Tensor self, Tensor guided) -> Tensor");
  m.def ("guided_hardtanh(Tensor self, Scalar min_val, Scalar max_val, "
      "Tensor guided) -> Tensor");
  m.def ("onednn_conv(Tensor input, __torch__.torch.classes.guidedbp.ConvPack "
      "pack) -> Tensor");
  m.def ("onednn_conv_guided(Tensor input, Tensor? residual, "
      "__torch__.torch.classes.guidedbp.ConvPack pack, float max_val, "
      "Tensor guided) -> Tensor");
  m.def ("onednn_linear(Tensor input, "
      "__torch__.torch.classes.guidedbp.LinearPack pack) -> Tensor");
  m.def ("blocked_max_pool2d(Tensor self, int[2] kernel_size, int[2] stride, "
      "int[2] padding, int[2] dilation, bool ceil_mode) -> Tensor");
}
