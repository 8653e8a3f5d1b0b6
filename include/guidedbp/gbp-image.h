/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-api.h>

G_BEGIN_DECLS

/**
 * GbpPixelFormat:
 *
 * 8-bit packed RGB-family layouts the engine reads and writes. The name
 * lists the bytes in memory order; `X` is a padding byte that is ignored on
 * input and set to 255 on output, `A` is alpha (ignored on input, 255 on
 * output).
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
 * GbpYuvFormat:
 * @GBP_YUV_FORMAT_NONE: not YUV: the image is in its GbpPixelFormat
 * @GBP_YUV_FORMAT_NV12: a Y plane, then a plane of interleaved U, V
 * @GBP_YUV_FORMAT_I420: Y, U and V planes
 * @GBP_YUV_FORMAT_YUY2: packed Y0 U Y1 V for each pair of pixels
 *
 * 8-bit Y'CbCr layouts, as decoders and cameras produce them. Chroma has
 * half the width, rounded up (and for NV12 and I420 half the height,
 * rounded up). GbpImage.colorimetry says how they map to RGB.
 */
typedef enum {
  GBP_YUV_FORMAT_NONE,
  GBP_YUV_FORMAT_NV12,
  GBP_YUV_FORMAT_I420,
  GBP_YUV_FORMAT_YUY2,
  GBP_YUV_FORMAT_COUNT
} GbpYuvFormat;

/**
 * GbpYuvMatrix:
 *
 * The luma coefficients of a Y'CbCr encoding (ITU-R BT.601, BT.709,
 * BT.2020, SMPTE 240M, FCC): Kr and Kb of Y' = Kr R' + (1 - Kr - Kb) G' +
 * Kb B'.
 */
typedef enum {
  GBP_YUV_MATRIX_BT601,
  GBP_YUV_MATRIX_BT709,
  GBP_YUV_MATRIX_BT2020,
  GBP_YUV_MATRIX_SMPTE240M,
  GBP_YUV_MATRIX_FCC,
  GBP_YUV_MATRIX_COUNT
} GbpYuvMatrix;

/**
 * GbpYuvColorimetry:
 * @matrix: the luma coefficients
 * @full_range: TRUE when Y, U and V use 0..255 (JPEG, many cameras); FALSE
 *   for studio range, Y in 16..235 and U, V in 16..240 (most video)
 * @chroma_h_cosited: chroma samples sit on the even luma columns (MPEG-2,
 *   H.264 and later by default), not halfway between two columns
 * @chroma_v_cosited: chroma samples sit on the even luma rows, not halfway
 *
 * How a YUV image maps to RGB. All zero is BT.601, studio range, chroma
 * centred between the luma samples.
 */
typedef struct {
  GbpYuvMatrix matrix;
  gboolean full_range;
  gboolean chroma_h_cosited;
  gboolean chroma_v_cosited;
} GbpYuvColorimetry;

/**
 * GbpImage:
 * @data: first byte of the top row (of the Y plane for NV12 and I420);
 *   borrowed, never freed by the engine
 * @width: pixels per row, >= 1
 * @height: rows, >= 1
 * @stride: bytes from one row to the next (of the Y plane for NV12 and
 *   I420), >= width * bytes per pixel
 * @format: the RGB-family layout; unused when @yuv_format is set
 * @yuv_format: a YUV layout, or GBP_YUV_FORMAT_NONE for an RGB-family image
 * @chroma: NV12: the U, V plane in @chroma[0]; I420: the U plane in
 *   @chroma[0], the V plane in @chroma[1]; borrowed; unused otherwise
 * @chroma_stride: bytes from one row of each @chroma plane to the next
 * @colorimetry: how a YUV image maps to RGB; unused by RGB-family images
 *
 * A borrowed view of an 8-bit image. Functions that only read an image
 * take `const GbpImage *`. Start from all zeros (`GbpImage image = { 0 }`
 * or a compound literal): an RGB-family image leaves the fields after
 * @format zero.
 */
typedef struct {
  guint8 *data;
  guint width;
  guint height;
  gsize stride;
  GbpPixelFormat format;
  GbpYuvFormat yuv_format;
  guint8 *chroma[2];
  gsize chroma_stride[2];
  GbpYuvColorimetry colorimetry;
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
GBP_API
const GbpPixelLayout *gbp_pixel_format_get_layout (GbpPixelFormat format);


/* TRUE when @image's fields describe a usable image (sizes, strides,
 * planes, format, colorimetry), else sets GBP_ERROR_INVALID_ARGUMENT naming
 * the problem. */
GBP_API
gboolean gbp_image_validate (const GbpImage * image, GError ** error);

G_END_DECLS
