/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A convolution's input gradient as GEMM + col2im on all threads.
 *
 * Why: for a first layer (3 input channels) oneDNN has no direct kernel
 * for the input gradient and runs a GEMM-based one that parallelises over
 * the batch only: at batch 1 one thread does it all. On ResNet18 that one
 * primitive took 6.4 ms of a 75 ms guided pass while its forward took
 * 1.8 ms. Here the GEMM runs on oneDNN's multithreaded sgemm and the
 * column sums on every thread, a band of output rows at a time so that
 * the columns stay in cache between the two (all at once, the column
 * matrix is 7 MiB on ResNet18 and the sums alone took 2 ms).
 */
#ifdef GBP_HAVE_IDEEP
#include "gbp-gemm-gradient.h"
#include "gbp-parallel-for.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include <dnnl.h>

namespace guidedbp {

namespace {

/* floats of columns per band: about 1 MiB, within a core's L2 */
const int64_t BAND_COLUMN_FLOATS = 256 * 1024;

int64_t
taps_of (const ConvGeometry &g)
{
  return g.in_channels * g.kernel_height * g.kernel_width;
}

/* Output rows per band: as many as keep the band's columns within
 * BAND_COLUMN_FLOATS, at least one. */
int64_t
band_rows_of (const ConvGeometry &g)
{
  return std::max<int64_t> (1,
      std::min (g.out_height, BAND_COLUMN_FLOATS / (taps_of (g) * g.out_width)));
}

/* Pixels of one phase of an input row: one in stride_w. */
int64_t
phase_width_of (const ConvGeometry &g)
{
  return (g.in_width + g.stride_w - 1) / g.stride_w;
}

/* The scratch memory: one band's columns, then every input row split by
 * phase. */
int64_t
column_floats (const ConvGeometry &g)
{
  return taps_of (g) * band_rows_of (g) * g.out_width;
}

/* dst[i] += src[i]: contiguous, so that the compiler vectorises it */
__attribute__ ((optimize ("tree-vectorize"))) void
add_to (float *__restrict dst, const float *__restrict src, int64_t n)
{
  for (int64_t i = 0; i < n; i++)
    dst[i] += src[i];
}

/* Adds to input row @iy of channel @c every entry of @columns (the band of
 * output rows [@oy0, @oy1)) that the forward read from that row. A stride
 * spreads one column's entries over every stride-th pixel of the row, so
 * the row is kept split by pixel index modulo the stride, each phase
 * contiguous (@phase_row). Each call writes one row only: rows can run in
 * parallel. */
void
sum_band_into_row (const ConvGeometry &g, const float *columns, int64_t oy0,
    int64_t oy1, int64_t c, int64_t iy, float *phase_row)
{
  const int64_t band_pixels = (oy1 - oy0) * g.out_width;
  const int64_t phase_width = phase_width_of (g);

  for (int64_t ky = 0; ky < g.kernel_height; ky++) {
    int64_t t = iy + g.pad_h - ky * g.dilation_h;
    if (t < 0 || t % g.stride_h != 0 || t / g.stride_h < oy0
        || t / g.stride_h >= oy1)
      continue;
    int64_t oy = t / g.stride_h;
    for (int64_t kx = 0; kx < g.kernel_width; kx++) {
      /* output column ox read input column ox * stride + offset: pixel
       * ox + shift of phase (offset mod stride) */
      int64_t offset = kx * g.dilation_w - g.pad_w;
      int64_t phase = ((offset % g.stride_w) + g.stride_w) % g.stride_w;
      int64_t shift = (offset - phase) / g.stride_w;
      int64_t first = offset >= 0 ? 0 : (-offset + g.stride_w - 1) / g.stride_w;
      int64_t last = g.in_width - 1 - offset < 0 ? -1 :
          std::min (g.out_width - 1, (g.in_width - 1 - offset) / g.stride_w);
      const float *column = columns
          + ((c * g.kernel_height + ky) * g.kernel_width + kx) * band_pixels
          + (oy - oy0) * g.out_width;
      if (last >= first)
        add_to (phase_row + phase * phase_width + first + shift,
            column + first, last - first + 1);
    }
  }
}

}  // namespace

size_t
conv_gemm_gradient_scratch_floats (const ConvGeometry &g)
{
  return column_floats (g)
      + g.in_channels * g.in_height * g.stride_w * phase_width_of (g);
}

void
conv_input_gradient_by_gemm (const ConvGeometry &g, const float *weight,
    const float *diff_dst, float *scratch, float *diff_src)
{
  const int64_t taps = taps_of (g);
  const int64_t pixels = g.out_height * g.out_width;
  const int64_t band_rows = band_rows_of (g);
  const int64_t phase_width = phase_width_of (g);
  const int64_t phase_row_size = g.stride_w * phase_width;
  float *columns = scratch;
  float *phases = scratch + column_floats (g);

  std::memset (phases, 0,
      g.in_channels * g.in_height * phase_row_size * sizeof (float));
  for (int64_t oy0 = 0; oy0 < g.out_height; oy0 += band_rows) {
    int64_t oy1 = std::min (oy0 + band_rows, g.out_height);
    int64_t band_pixels = (oy1 - oy0) * g.out_width;
    /* row-major: columns [taps, band] = weightᵀ [taps, out] · diff_dst
     * [out, band], the weight read as stored, [out, taps] */
    dnnl_status_t status = dnnl_sgemm ('T', 'N', taps, band_pixels,
        g.out_channels, 1.0f, weight, taps, diff_dst + oy0 * g.out_width,
        pixels, 0.0f, columns, band_pixels);
    if (status != dnnl_success)
      throw std::runtime_error ("oneDNN's sgemm failed (status "
          + std::to_string ((int) status) + ") in a convolution's input "
          "gradient");

    /* the input rows this band of output rows read */
    int64_t iy0 = std::max<int64_t> (0, oy0 * g.stride_h - g.pad_h);
    int64_t iy1 = std::min (g.in_height, (oy1 - 1) * g.stride_h - g.pad_h
        + (g.kernel_height - 1) * g.dilation_h + 1);
    int64_t rows = iy1 - iy0;
    if (rows > 0)
      parallel_for (0, g.in_channels * rows, 4,
          [&] (int64_t begin, int64_t end) {
            for (int64_t r = begin; r < end; r++) {
              int64_t c = r / rows, iy = iy0 + r % rows;
              sum_band_into_row (g, columns, oy0, oy1, c, iy,
                  phases + (c * g.in_height + iy) * phase_row_size);
            }
          });
  }

  /* interleave the phases back into pixel order */
  parallel_for (0, g.in_channels * g.in_height, 16,
      [&] (int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; r++) {
          const float *phase_row = phases + r * phase_row_size;
          float *row = diff_src + r * g.in_width;
          for (int64_t p = 0; p < g.stride_w; p++)
            for (int64_t j = 0; j * g.stride_w + p < g.in_width; j++)
              row[j * g.stride_w + p] = phase_row[p * phase_width + j];
        }
      });
}

}  // namespace guidedbp
#endif
