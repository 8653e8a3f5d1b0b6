/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++, no libtorch type), oneDNN path only.
 */
#pragma once

#include <cstddef>
#include <cstdint>

namespace guidedbp {

/* One image's convolution, ungrouped, in the plain (NCHW) layout. */
struct ConvGeometry {
  int64_t in_channels, in_height, in_width;
  int64_t out_channels, out_height, out_width;
  int64_t kernel_height, kernel_width;
  int64_t stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w;
};

/* The floats of scratch memory conv_input_gradient_by_gemm() needs. */
size_t conv_gemm_gradient_scratch_floats (const ConvGeometry &g);

/* The input gradient @diff_src [in_channels, in_height, in_width] of a
 * convolution with @weight [out_channels, in_channels, kh, kw] given the
 * output gradient @diff_dst [out_channels, out_height, out_width]: band by
 * band of output rows, a multithreaded GEMM (weightᵀ · diff_dst, oneDNN's
 * sgemm) into columns [in_channels * kh * kw, band pixels], then the
 * columns summed into the pixels they came from, rows in parallel. */
void conv_input_gradient_by_gemm (const ConvGeometry &g, const float *weight,
    const float *diff_dst, float *scratch, float *diff_src);

}  // namespace guidedbp
