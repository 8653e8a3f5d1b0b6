/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpenums.h"

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

gboolean
gst_guided_bp_mode_is_in_place (gint render_mode)
{
  return render_mode == GST_GUIDED_BP_RENDER_NONE
      || gbp_render_mode_needs_frame (render_mode);
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

GType
gst_guided_bp_precision_get_type (void)
{
  static const GEnumValue values[] = {
    {GBP_PRECISION_FP32, "float32 throughout", "fp32"},
    {GBP_PRECISION_BF16,
        "Convolutions and linear layers in bfloat16 with float32 "
          "accumulation (the guided rule, pooling, scores and the saliency "
          "stay float32): about twice as fast; needs a CPU with native "
          "bfloat16 (AVX512_BF16 or AMX), else starting fails", "bf16"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id)) {
    GType type = g_enum_register_static ("GstGuidedBpPrecision", values);

    g_once_init_leave (&id, type);
  }
  return (GType) id;
}

GType
gst_guided_bp_inference_region_get_type (void)
{
  static const GEnumValue values[] = {
    {GST_GUIDED_BP_INFERENCE_REGION_FULL_FRAME,
        "The whole frame is explained", "full-frame"},
    {GST_GUIDED_BP_INFERENCE_REGION_ROI_LIST,
          "Each GstVideoRegionOfInterestMeta box (of the object-class types) "
          "is explained on its own, all boxes in one batch", "roi-list"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id)) {
    GType type = g_enum_register_static ("GstGuidedBpInferenceRegion",
        values);

    g_once_init_leave (&id, type);
  }
  return (GType) id;
}
