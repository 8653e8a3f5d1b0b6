/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++, no libtorch type): 2-D max pooling of
 * float activations in oneDNN's channel-blocked (nChw8c, nChw16c) and
 * channels-last (nhwc) layouts, forward and backward.
 *
 * Semantics are aten::max_pool2d's: windows clipped to the input, the
 * first maximum in scan order wins, NaN wins.
 */
#pragma once

#include <cstddef>
#include <cstdint>

namespace guidedbp {

enum class PoolLayout {
  BLOCKED_8,                    /* nChw8c: channels padded to 8 */
  BLOCKED_16,                   /* nChw16c: channels padded to 16 */
  CHANNELS_LAST,                /* nhwc */
};

/* Where a plane's values are: a plane is a group of channels of one image,
 * contiguous for each pixel; pixels of a plane are @pixel_stride floats
 * apart. Blocked layouts: one plane per block, the pixel stride is the
 * block. Channels-last: planes of 16 channels (the last one may hold
 * fewer), the pixel stride is the channel count. */
struct Planes {
  int64_t images, per_image;    /* planes */
  int64_t width;                /* channels in a plane; the last: tail */
  int64_t tail;
  int64_t pixel_stride;
  bool channels_last;

  int64_t count () const { return images * per_image; }

  /* channels of plane @p */
  int64_t width_of (int64_t p) const
  {
    return p % per_image == per_image - 1 ? tail : width;
  }

  /* the offset of plane @p's first value in an image of @pixels pixels */
  int64_t offset (int64_t p, int64_t pixels) const
  {
    int64_t image = p / per_image, group = p % per_image;
    int64_t image_floats = channels_last ? pixels * pixel_stride :
        per_image * pixels * width;
    return image * image_floats + (channels_last ? group * width :
        group * pixels * width);
  }
};

/* One pooling: @images x @channels, @height x @width in, @out_height x
 * @out_width out. */
struct PoolGeometry {
  Planes planes;
  int64_t height, width, out_height, out_width;
  int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
};

/* The planes of a tensor of @images x @channels in @layout. */
Planes planes_of (int64_t images, int64_t channels, PoolLayout layout);

/* aten::max_pool2d's output size, or 0 where it would fail. */
int64_t pooled_size (int64_t size, int64_t kernel, int64_t stride,
    int64_t pad, bool ceil_mode);

/* The maxima of @src into @dst and, per output value, the winning input
 * position (y * width + x) into @where; @dst and @where as large as the
 * output in memory. On all threads. */
void max_pool (const PoolGeometry &g, const float *src, float *dst,
    int32_t *where);

/* Each output gradient of @grad added at its window's maximum, @where from
 * max_pool(), into @diff_src (@diff_src_floats floats, zeroed first). */
void max_pool_gradient (const PoolGeometry &g, const float *grad,
    const int32_t *where, float *diff_src, size_t diff_src_floats);

}  // namespace guidedbp
