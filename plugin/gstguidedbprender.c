/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbprender.h"

#include <string.h>

/* The gray GBP_RENDER_GRADIENT draws for a constant gradient:
 * trunc(0.5 * 255). */
#define NEUTRAL_GRAY 127

GType
gst_guided_bp_render_mode_get_type (void)
{
  static const GEnumValue values[] = {
    {GBP_RENDER_GRADIENT,
        "The reference colour gradient: normalized, mid-gray where the "
          "pixels do not matter", "gradient"},
    {GBP_RENDER_GRAY,
        "Gray magnitude: max over channels of |gradient|, scaled to its "
          "99th percentile", "gray"},
    {GBP_RENDER_POSITIVE, "Positive gradient only, in colour", "positive"},
    {GBP_RENDER_NEGATIVE, "Negative gradient only, in colour", "negative"},
    {GBP_RENDER_HEATMAP, "The gray magnitude through the colormap",
        "heatmap"},
    {GBP_RENDER_OVERLAY,
        "The heatmap blended over the original frame (weight: alpha)",
        "overlay"},
    {GBP_RENDER_GRADCAM,
        "Grad-CAM through the colormap, blended over the original frame "
          "(weight: alpha)", "gradcam"},
    {GBP_RENDER_GUIDED_GRADCAM,
        "Guided Grad-CAM: the gradient times Grad-CAM, drawn like gradient",
        "guided-gradcam"},
    {GBP_RENDER_GUIDED_GRADCAM_GRAY,
        "Guided Grad-CAM drawn like gray", "guided-gradcam-gray"},
    {GST_GUIDED_BP_RENDER_NONE,
        "Nothing drawn: the frame passes through unchanged, in place, with "
          "its result in the GuidedBpMeta", "none"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id)) {
    GType type = g_enum_register_static ("GstGuidedBpRenderMode", values);

    g_once_init_leave (&id, type);
  }
  return (GType) id;
}

GType
gst_guided_bp_colormap_get_type (void)
{
  static const GEnumValue values[] = {
    {GBP_COLORMAP_JET, "MATLAB's classic jet", "jet"},
    {GBP_COLORMAP_TURBO, "Google's turbo", "turbo"},
    {GBP_COLORMAP_INFERNO, "matplotlib's inferno", "inferno"},
    {GBP_COLORMAP_VIRIDIS, "matplotlib's viridis", "viridis"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id)) {
    GType type = g_enum_register_static ("GstGuidedBpColormap", values);

    g_once_init_leave (&id, type);
  }
  return (GType) id;
}

gboolean
gst_guided_bp_render_mode_shows_frame (GbpRenderMode mode)
{
  return mode == GBP_RENDER_OVERLAY || mode == GBP_RENDER_GRADCAM;
}

void
gst_guided_bp_render_placeholder (GbpRenderMode mode, const GbpImage * in,
    GbpImage * out)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);
  const gsize row_bytes = (gsize) out->width * layout->bytes_per_pixel;
  const gboolean copy = gst_guided_bp_render_mode_shows_frame (mode);
  guint x, y;

  for (y = 0; y < out->height; y++) {
    guint8 *row = out->data + y * out->stride;

    if (copy)
      memcpy (row, in->data + y * in->stride, row_bytes);
    else
      memset (row, NEUTRAL_GRAY, row_bytes);
    if (layout->pad >= 0)
      for (x = 0; x < out->width; x++)
        row[x * layout->bytes_per_pixel + layout->pad] = 255;
  }
}
