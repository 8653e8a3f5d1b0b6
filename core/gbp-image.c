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

gboolean
gbp_image_validate (const GbpImage * image, GError ** error)
{
  if (image == NULL || image->data == NULL) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "no image data");
    return FALSE;
  }
  if ((guint) image->format >= GBP_PIXEL_FORMAT_COUNT) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "unknown pixel format %d", (gint) image->format);
    return FALSE;
  }
  if (image->width < 1 || image->height < 1) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "image size %ux%u is empty", image->width, image->height);
    return FALSE;
  }
  if (image->stride / layouts[image->format].bytes_per_pixel < image->width) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "stride %" G_GSIZE_FORMAT " is too small for %u pixels of %u bytes",
        image->stride, image->width, layouts[image->format].bytes_per_pixel);
    return FALSE;
  }
  return TRUE;
}
