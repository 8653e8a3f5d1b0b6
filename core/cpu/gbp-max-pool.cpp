/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-max-pool.h"
#include "gbp-parallel-for.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace guidedbp {
namespace {

/* Channels a thread pools together in the channels-last layout. */
const int64_t LAST_CHUNK = 16;

/* One output row of one plane: per output pixel and channel the maximum
 * of the window and its input position (y * width + x). B channels, or
 * with B = 0 @channels of them (a plane's tail). */
template <int B>
__attribute__ ((optimize ("tree-vectorize"))) void
pool_row (const PoolGeometry &p, const float *plane, int64_t oy,
    int64_t channels, float *out, int32_t *where)
{
  const int64_t n = B > 0 ? B : channels;
  const int64_t in_stride = p.planes.pixel_stride;
  int64_t y0 = std::max<int64_t> (oy * p.stride_h - p.pad_h, 0);
  int64_t y1 = std::min (oy * p.stride_h - p.pad_h + p.kernel_h, p.height);

  for (int64_t ox = 0; ox < p.out_width; ox++) {
    int64_t x0 = std::max<int64_t> (ox * p.stride_w - p.pad_w, 0);
    int64_t x1 = std::min (ox * p.stride_w - p.pad_w + p.kernel_w, p.width);
    float best[B > 0 ? B : LAST_CHUNK];
    int32_t at[B > 0 ? B : LAST_CHUNK];

    for (int64_t c = 0; c < n; c++) {
      best[c] = -std::numeric_limits<float>::infinity ();
      at[c] = (int32_t) (y0 * p.width + x0);
    }
    for (int64_t y = y0; y < y1; y++)
      for (int64_t x = x0; x < x1; x++) {
        const float *v = plane + (y * p.width + x) * in_stride;
        int32_t position = (int32_t) (y * p.width + x);
        /* branch-free, so that it vectorises */
        for (int64_t c = 0; c < n; c++) {
          bool wins = (v[c] > best[c]) | (v[c] != v[c]);
          best[c] = wins ? v[c] : best[c];
          at[c] = wins ? position : at[c];
        }
      }
    for (int64_t c = 0; c < n; c++) {
      out[ox * in_stride + c] = best[c];
      where[ox * in_stride + c] = at[c];
    }
  }
}

}  // namespace

void
max_pool (const PoolGeometry &p, const float *src, float *dst,
    int32_t *where)
{
  const Planes &planes = p.planes;
  const int64_t pixels_in = p.height * p.width;
  const int64_t pixels_out = p.out_height * p.out_width;
  const int64_t row_out = p.out_width * planes.pixel_stride;

  parallel_for (0, planes.count () * p.out_height, 8,
      [&] (int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; r++) {
          int64_t plane = r / p.out_height, oy = r % p.out_height;
          int64_t channels = planes.width_of (plane);
          const float *in = src + planes.offset (plane, pixels_in);
          int64_t at_out = planes.offset (plane, pixels_out) + oy * row_out;
          if (channels == 16)
            pool_row<16> (p, in, oy, 16, dst + at_out, where + at_out);
          else if (channels == 8)
            pool_row<8> (p, in, oy, 8, dst + at_out, where + at_out);
          else
            pool_row<0> (p, in, oy, channels, dst + at_out, where + at_out);
        }
      });
}

/* Windows overlap, so a thread owns whole planes. */
void
max_pool_gradient (const PoolGeometry &p, const float *grad,
    const int32_t *where, float *diff_src, size_t diff_src_floats)
{
  const Planes &planes = p.planes;
  const int64_t pixels_in = p.height * p.width;
  const int64_t pixels_out = p.out_height * p.out_width;
  const int64_t stride = planes.pixel_stride;

  parallel_for (0, (int64_t) diff_src_floats, 65536,
      [&] (int64_t begin, int64_t end) {
        std::memset (diff_src + begin, 0, (end - begin) * sizeof (float));
      });
  parallel_for (0, planes.count (), 1, [&] (int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; plane++) {
      const int64_t channels = planes.width_of (plane);
      const int64_t out_at = planes.offset (plane, pixels_out);
      float *d = diff_src + planes.offset (plane, pixels_in);
      const float *g = grad + out_at;
      const int32_t *w = where + out_at;
      for (int64_t i = 0; i < pixels_out * stride; i += stride)
        for (int64_t c = 0; c < channels; c++)
          d[(int64_t) w[i + c] * stride + c] += g[i + c];
    }
  });
}

int64_t
pooled_size (int64_t size, int64_t kernel, int64_t stride, int64_t pad,
    bool ceil_mode)
{
  if (kernel < 1 || stride < 1 || pad < 0 || 2 * pad > kernel
      || size + 2 * pad < kernel)
    return 0;
  int64_t out = (size + 2 * pad - kernel + (ceil_mode ? stride - 1 : 0))
      / stride + 1;
  /* the last window must start inside the input or its left padding */
  if (ceil_mode && (out - 1) * stride >= size + pad)
    out--;
  return out;
}

Planes
planes_of (int64_t images, int64_t channels, PoolLayout layout)
{
  Planes p;
  p.images = images;
  p.channels_last = layout == PoolLayout::CHANNELS_LAST;
  if (p.channels_last) {
    p.width = std::min (LAST_CHUNK, channels);
    p.per_image = (channels + p.width - 1) / p.width;
    p.tail = channels - (p.per_image - 1) * p.width;
    p.pixel_stride = channels;
  } else {
    /* blocked: channels are padded to whole blocks in memory */
    p.width = layout == PoolLayout::BLOCKED_8 ? 8 : 16;
    p.per_image = (channels + p.width - 1) / p.width;
    p.tail = p.width;
    p.pixel_stride = p.width;
  }
  return p;
}

}  // namespace guidedbp
