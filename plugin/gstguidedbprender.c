/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbprender.h"

#include <string.h>

#include "gstguidedbpformat.h"

/* The gray GBP_RENDER_GRADIENT draws for a constant gradient:
 * trunc(0.5 * 255). */
#define NEUTRAL_GRAY 127

GType
gst_guided_bp_render_mode_get_type (void)
{
  /* the nicks of the library's modes are its names, filled in below */
  static GEnumValue values[] = {
    {GBP_RENDER_GRADIENT,
        "The reference colour gradient: normalized, mid-gray where the "
          "pixels do not matter", NULL},
    {GBP_RENDER_GRAY,
        "Gray magnitude: max over channels of |gradient|, scaled to its "
          "99th percentile", NULL},
    {GBP_RENDER_POSITIVE, "Positive gradient only, in colour", NULL},
    {GBP_RENDER_NEGATIVE, "Negative gradient only, in colour", NULL},
    {GBP_RENDER_HEATMAP, "The gray magnitude through the colormap", NULL},
    {GBP_RENDER_OVERLAY,
        "The heatmap blended over the original frame (weight: alpha)", NULL},
    {GBP_RENDER_GRADCAM,
        "Grad-CAM through the colormap, blended over the original frame "
          "(weight: alpha)", NULL},
    {GBP_RENDER_GUIDED_GRADCAM,
        "Guided Grad-CAM: the gradient times Grad-CAM, drawn like gradient",
        NULL},
    {GBP_RENDER_GUIDED_GRADCAM_GRAY, "Guided Grad-CAM drawn like gray", NULL},
    {GST_GUIDED_BP_RENDER_NONE,
        "Nothing drawn: the frame passes through unchanged, in place, with "
          "its result in the GuidedBpMeta", "none"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id)) {
    GType type;

    for (guint i = 0; values[i].value_name != NULL; i++)
      if (values[i].value_nick == NULL)
        values[i].value_nick = gbp_render_mode_get_name (values[i].value);
    type = g_enum_register_static ("GstGuidedBpRenderMode", values);

    g_once_init_leave (&id, type);
  }
  return (GType) id;
}

GType
gst_guided_bp_colormap_get_type (void)
{
  /* the nicks are the library's names, filled in below */
  static GEnumValue values[] = {
    {GBP_COLORMAP_JET, "MATLAB's classic jet", NULL},
    {GBP_COLORMAP_TURBO, "Google's turbo", NULL},
    {GBP_COLORMAP_INFERNO, "matplotlib's inferno", NULL},
    {GBP_COLORMAP_VIRIDIS, "matplotlib's viridis", NULL},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id)) {
    GType type;

    for (guint i = 0; values[i].value_name != NULL; i++)
      values[i].value_nick = gbp_colormap_get_name (values[i].value);
    type = g_enum_register_static ("GstGuidedBpColormap", values);

    g_once_init_leave (&id, type);
  }
  return (GType) id;
}

void
gst_guided_bp_render_placeholder (GbpRenderMode mode, const GstVideoFrame * in,
    GstVideoFrame * out)
{
  const GstVideoFormatInfo *finfo = out->info.finfo;
  const gboolean copy = gbp_render_mode_needs_frame (mode);
  GbpImage image;

  if (copy)
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
