/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The GTypes of the element's enum properties (render-mode, colormap,
 * precision, inference-region), registered once; and what the render
 * modes mean to the element.
 */
#pragma once

#include <glib-object.h>
#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-render.h>

G_BEGIN_DECLS

/* The element's render-mode "none": nothing is drawn, the frame passes
 * through in place. Not a GbpRenderMode: the renderer never sees it. */
#define GST_GUIDED_BP_RENDER_NONE 100

/* TRUE for the render modes whose frames are drawn on in place: none
 * (nothing drawn but the label) and those blended over the frame (a new
 * buffer would need the frame copied in first). The others replace the
 * whole frame: a new buffer spares copying a frame shared with others. */
gboolean gst_guided_bp_mode_is_in_place (gint render_mode);

/* GstGuidedBpRenderMode: the values of GbpRenderMode, nicks "gradient",
 * "gray", "positive", "negative", "heatmap", "overlay", "gradcam",
 * "guided-gradcam", "guided-gradcam-gray" (gbp_render_mode_get_name()'s
 * names), and GST_GUIDED_BP_RENDER_NONE, "none". */
#define GST_TYPE_GUIDED_BP_RENDER_MODE (gst_guided_bp_render_mode_get_type ())
GType gst_guided_bp_render_mode_get_type (void);

/* GstGuidedBpColormap: the values of GbpColormap, nicks "jet", "turbo",
 * "inferno", "viridis". */
#define GST_TYPE_GUIDED_BP_COLORMAP (gst_guided_bp_colormap_get_type ())
GType gst_guided_bp_colormap_get_type (void);

/* GstGuidedBpPrecision: the values of GbpPrecision, nicks "fp32", "bf16". */
#define GST_TYPE_GUIDED_BP_PRECISION (gst_guided_bp_precision_get_type ())
GType gst_guided_bp_precision_get_type (void);

/**
 * GstGuidedBpInferenceRegion:
 * @GST_GUIDED_BP_INFERENCE_REGION_FULL_FRAME: the whole frame is explained
 * @GST_GUIDED_BP_INFERENCE_REGION_ROI_LIST: each region-of-interest box is
 *
 * What the model runs on (DL Streamer's names).
 */
typedef enum {
  GST_GUIDED_BP_INFERENCE_REGION_FULL_FRAME,
  GST_GUIDED_BP_INFERENCE_REGION_ROI_LIST,
} GstGuidedBpInferenceRegion;

#define GST_TYPE_GUIDED_BP_INFERENCE_REGION \
  (gst_guided_bp_inference_region_get_type ())
GType gst_guided_bp_inference_region_get_type (void);

G_END_DECLS
