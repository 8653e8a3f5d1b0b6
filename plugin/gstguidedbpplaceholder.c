/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpplaceholder.h"

#include <string.h>

#include "gstguidedbpformat.h"

/* The gray GBP_RENDER_GRADIENT draws for a constant gradient:
 * trunc(0.5 * 255). */
#define NEUTRAL_GRAY 127

void
gst_guided_bp_render_placeholder (GbpRenderMode mode, const GstVideoFrame * in,
    GstVideoFrame * out)
{
  const GstVideoFormatInfo *finfo = out->info.finfo;
  const gboolean copy = gbp_render_mode_needs_frame (mode);
  GbpImage image;

  if (copy && in != out)
    gst_video_frame_copy (out, in);

  if (GST_VIDEO_FORMAT_INFO_IS_YUV (finfo)) {
    gint offset[GST_VIDEO_MAX_COMPONENTS], scale[GST_VIDEO_MAX_COMPONENTS];

    if (copy)
      return;
    /* neutral gray in the frame's range: luma of level 127, no chroma */
    gst_video_color_range_offsets (GST_VIDEO_INFO_COLORIMETRY (&out->info).
        range, finfo, offset, scale);
    for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (out); p++) {
      guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (out, p);
      gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (out, p);
      guint rows = GST_VIDEO_FRAME_COMP_HEIGHT (out, p);
      guint8 value = p == 0 ? offset[0] + scale[0] * NEUTRAL_GRAY / 255 : 128;

      for (guint y = 0; y < rows; y++)
        memset (data + (gsize) y * stride, value, ABS (stride));
    }
    if (GST_VIDEO_FRAME_FORMAT (out) == GST_VIDEO_FORMAT_YUY2) {
      /* packed: Y0 U Y1 V, the chroma bytes 128 */
      guint8 luma = offset[0] + scale[0] * NEUTRAL_GRAY / 255;

      for (guint y = 0; y < (guint) GST_VIDEO_FRAME_HEIGHT (out); y++) {
        guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (out, 0)
            + (gsize) y * GST_VIDEO_FRAME_PLANE_STRIDE (out, 0);

        for (guint x = 0; x < (guint) GST_VIDEO_FRAME_WIDTH (out); x += 2) {
          row[2 * x] = row[2 * x + 2] = luma;
          row[2 * x + 1] = row[2 * x + 3] = 128;
        }
      }
    }
    return;
  }

  if (!gst_guided_bp_image_from_frame (out, &image))
    return;
  {
    const GbpPixelLayout *layout = gbp_pixel_format_get_layout (image.format);
    const gsize row_bytes = (gsize) image.width * layout->bytes_per_pixel;

    for (guint y = 0; y < image.height; y++) {
      guint8 *row = image.data + y * image.stride;

      if (!copy)
        memset (row, NEUTRAL_GRAY, row_bytes);
      if (layout->pad >= 0)
        for (guint x = 0; x < image.width; x++)
          row[x * layout->bytes_per_pixel + layout->pad] = 255;
    }
  }
}
