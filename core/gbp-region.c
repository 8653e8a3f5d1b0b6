/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "guidedbp/gbp-region.h"
#include "guidedbp/gbp-error.h"
#include "gbp-yuv.h"

gboolean
gbp_region_clamp (const GbpRegion * region, const GbpImage * image,
    GbpRegion * clamped, GError ** error)
{
  gint64 left, top, right, bottom;
  guint x_step, y_step;

  g_return_val_if_fail (region != NULL && image != NULL && clamped != NULL,
      FALSE);

  if (region->width == 0 || region->height == 0) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "region %d,%d %ux%u is empty (zero-sized)", region->x, region->y,
        region->width, region->height);
    return FALSE;
  }
  left = MAX ((gint64) region->x, 0);
  top = MAX ((gint64) region->y, 0);
  right = MIN ((gint64) region->x + region->width, (gint64) image->width);
  bottom = MIN ((gint64) region->y + region->height, (gint64) image->height);
  if (left >= right || top >= bottom) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "region %d,%d %ux%u lies outside the %ux%u image", region->x,
        region->y, region->width, region->height, image->width,
        image->height);
    return FALSE;
  }
  /* a YUV crop starts on the chroma grid */
  gbp_yuv_subsampling (image->yuv_format, &x_step, &y_step);
  left -= left % x_step;
  top -= top % y_step;
  *clamped = (GbpRegion) {
    .x = (gint) left,
    .y = (gint) top,
    .width = (guint) (right - left),
    .height = (guint) (bottom - top),
  };
  return TRUE;
}

gboolean
gbp_image_crop (const GbpImage * image, const GbpRegion * region,
    GbpImage * crop, GError ** error)
{
  guint x_step, y_step;
  gsize x, y;

  g_return_val_if_fail (image != NULL && region != NULL && crop != NULL,
      FALSE);

  gbp_yuv_subsampling (image->yuv_format, &x_step, &y_step);
  if (region->x < 0 || region->y < 0 || region->width == 0
      || region->height == 0
      || (guint64) region->x + region->width > image->width
      || (guint64) region->y + region->height > image->height
      || region->x % x_step != 0 || region->y % y_step != 0) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "region %d,%d %ux%u is not a crop of the %ux%u image (clamp it "
        "first with gbp_region_clamp())", region->x, region->y,
        region->width, region->height, image->width, image->height);
    return FALSE;
  }
  x = (gsize) region->x;
  y = (gsize) region->y;
  *crop = *image;
  crop->width = region->width;
  crop->height = region->height;
  switch (image->yuv_format) {
    case GBP_YUV_FORMAT_NV12:
      crop->data = image->data + y * image->stride + x;
      crop->chroma[0] = image->chroma[0] + (y / 2) * image->chroma_stride[0]
          + x;
      break;
    case GBP_YUV_FORMAT_I420:
      crop->data = image->data + y * image->stride + x;
      for (guint p = 0; p < 2; p++)
        crop->chroma[p] = image->chroma[p]
            + (y / 2) * image->chroma_stride[p] + x / 2;
      break;
    case GBP_YUV_FORMAT_YUY2:
      crop->data = image->data + y * image->stride + 2 * x;
      break;
    case GBP_YUV_FORMAT_NONE:
    default:
      crop->data = image->data + y * image->stride
          + x * gbp_pixel_format_get_layout (image->format)->bytes_per_pixel;
      break;
  }
  return TRUE;
}
