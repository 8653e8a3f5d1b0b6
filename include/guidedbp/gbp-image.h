/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * GbpPixelFormat:
 *
 * 8-bit packed pixel layouts the engine reads and writes. The name lists the
 * bytes in memory order; `X` is a padding byte that is ignored on input and
 * set to 255 on output, `A` is alpha (ignored on input, 255 on output).
 */
typedef enum {
  GBP_PIXEL_FORMAT_RGB,
  GBP_PIXEL_FORMAT_BGR,
  GBP_PIXEL_FORMAT_RGBA,
  GBP_PIXEL_FORMAT_BGRA,
  GBP_PIXEL_FORMAT_RGBX,
  GBP_PIXEL_FORMAT_BGRX,
  GBP_PIXEL_FORMAT_XRGB,
  GBP_PIXEL_FORMAT_XBGR,
  GBP_PIXEL_FORMAT_ARGB,
  GBP_PIXEL_FORMAT_ABGR,
  GBP_PIXEL_FORMAT_COUNT
} GbpPixelFormat;

/**
 * GbpImage:
 * @data: first byte of the top row; borrowed, never freed by the engine
 * @width: pixels per row, >= 1
 * @height: rows, >= 1
 * @stride: bytes from one row to the next, >= width * bytes per pixel
 * @format: the pixel layout
 *
 * A borrowed view of a packed 8-bit image. Functions that only read an
 * image take `const GbpImage *`.
 */
typedef struct {
  guint8 *data;
  guint width;
  guint height;
  gsize stride;
  GbpPixelFormat format;
} GbpImage;

/**
 * GbpPixelLayout:
 * @bytes_per_pixel: 3 or 4
 * @red: byte offset of red within a pixel; likewise @green, @blue
 * @pad: byte offset of the alpha or padding byte, -1 when there is none
 */
typedef struct {
  guint bytes_per_pixel;
  guint red;
  guint green;
  guint blue;
  gint pad;
} GbpPixelLayout;

/* The byte layout of @format; @format must be a valid GbpPixelFormat. */
const GbpPixelLayout *gbp_pixel_format_get_layout (GbpPixelFormat format);

/* TRUE when @image's fields describe a usable image (sizes, stride, format),
 * else sets GBP_ERROR_INVALID_ARGUMENT naming the problem. */
gboolean gbp_image_validate (const GbpImage * image, GError ** error);

G_END_DECLS
