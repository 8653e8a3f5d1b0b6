/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "guidedbp/gbp-image.h"
#include "guidedbp/gbp-error.h"

/* Byte order in memory, as the format names say. */
static const GbpPixelLayout layouts[GBP_PIXEL_FORMAT_COUNT] = {
  [GBP_PIXEL_FORMAT_RGB] = {3, 0, 1, 2, -1},
  [GBP_PIXEL_FORMAT_BGR] = {3, 2, 1, 0, -1},
  [GBP_PIXEL_FORMAT_RGBA] = {4, 0, 1, 2, 3},
  [GBP_PIXEL_FORMAT_BGRA] = {4, 2, 1, 0, 3},
  [GBP_PIXEL_FORMAT_RGBX] = {4, 0, 1, 2, 3},
  [GBP_PIXEL_FORMAT_BGRX] = {4, 2, 1, 0, 3},
  [GBP_PIXEL_FORMAT_XRGB] = {4, 1, 2, 3, 0},
  [GBP_PIXEL_FORMAT_XBGR] = {4, 3, 2, 1, 0},
  [GBP_PIXEL_FORMAT_ARGB] = {4, 1, 2, 3, 0},
  [GBP_PIXEL_FORMAT_ABGR] = {4, 3, 2, 1, 0},
};

const GbpPixelLayout *
gbp_pixel_format_get_layout (GbpPixelFormat format)
{
  g_return_val_if_fail ((guint) format < GBP_PIXEL_FORMAT_COUNT, &layouts[0]);
  return &layouts[format];
}

static gboolean
validate_plane (const gchar * what, const guint8 * data, gsize stride,
    gsize row_bytes, GError ** error)
{
  if (data == NULL) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "no %s data", what);
    return FALSE;
  }
  if (stride < row_bytes) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "%s stride %" G_GSIZE_FORMAT " is too small for rows of %"
        G_GSIZE_FORMAT " bytes", what, stride, row_bytes);
    return FALSE;
  }
  return TRUE;
}

static gboolean
validate_yuv (const GbpImage * image, GError ** error)
{
  const gsize chroma_width = (image->width + 1) / 2;

  if ((guint) image->colorimetry.matrix >= GBP_YUV_MATRIX_COUNT) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "unknown YUV matrix %d", (gint) image->colorimetry.matrix);
    return FALSE;
  }
  switch (image->yuv_format) {
    case GBP_YUV_FORMAT_NV12:
      return validate_plane ("luma", image->data, image->stride,
          image->width, error)
          && validate_plane ("chroma", image->chroma[0],
          image->chroma_stride[0], 2 * chroma_width, error);
    case GBP_YUV_FORMAT_I420:
      return validate_plane ("luma", image->data, image->stride,
          image->width, error)
          && validate_plane ("U", image->chroma[0], image->chroma_stride[0],
          chroma_width, error)
          && validate_plane ("V", image->chroma[1], image->chroma_stride[1],
          chroma_width, error);
    default:
      return validate_plane ("image", image->data, image->stride,
          4 * chroma_width, error);
  }
}

gboolean
gbp_image_validate (const GbpImage * image, GError ** error)
{
  if (image == NULL || image->data == NULL) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "no image data");
    return FALSE;
  }
  if ((guint) image->yuv_format >= GBP_YUV_FORMAT_COUNT) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "unknown YUV format %d", (gint) image->yuv_format);
    return FALSE;
  }
  if (image->yuv_format == GBP_YUV_FORMAT_NONE
      && (guint) image->format >= GBP_PIXEL_FORMAT_COUNT) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "unknown pixel format %d", (gint) image->format);
    return FALSE;
  }
  if (image->width < 1 || image->height < 1) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "image size %ux%u is empty", image->width, image->height);
    return FALSE;
  }
  if (image->yuv_format != GBP_YUV_FORMAT_NONE)
    return validate_yuv (image, error);
  if (image->stride / layouts[image->format].bytes_per_pixel < image->width) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "stride %" G_GSIZE_FORMAT " is too small for %u pixels of %u bytes",
        image->stride, image->width, layouts[image->format].bytes_per_pixel);
    return FALSE;
  }
  return TRUE;
}
