/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++), oneDNN path only: between
 * at::Tensor's MKLDNN (blocked) layout and ideep::tensor.
 */
#pragma once

#ifdef GBP_HAVE_IDEEP
#include <ATen/ATen.h>
#include <ideep.hpp>

/* Exported by libtorch_cpu (ATen/native/mkldnn/MKLDNNCommon.h, which
 * libtorch-dev does not install). The ideep headers must be the ones
 * libtorch was built with, which is why meson enables this path for the
 * system libtorch only. */
namespace at {
namespace native {
ideep::tensor &itensor_from_mkldnn (const at::Tensor &mkldnn_tensor);
ideep::tensor itensor_view_from_dense (const at::Tensor &tensor);
at::Tensor new_with_itensor_mkldnn (ideep::tensor &&it,
    c10::optional<c10::ScalarType> dtype, c10::optional<c10::Device> device);
}  // namespace native
}  // namespace at

namespace guidedbp {

/* A view of @t for oneDNN: its own memory when blocked, else the plain
 * memory of its contiguous float version (kept alive by @keep). */
inline ideep::tensor
as_ideep (const at::Tensor &t, at::Tensor &keep)
{
  if (t.is_mkldnn ())
    return at::native::itensor_from_mkldnn (t);
  keep = t.to (at::kFloat).contiguous ();
  return at::native::itensor_view_from_dense (keep);
}

}  // namespace guidedbp
#endif
