/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/video/video.h>
#include <guidedbp/gbp-render.h>

G_BEGIN_DECLS

/* The element's render-mode "none": nothing is drawn, the frame passes
 * through in place. Not a GbpRenderMode: the renderer never sees it. */
#define GST_GUIDED_BP_RENDER_NONE 100

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

/* What an output frame shows while there is no saliency to draw yet (the
 * asynchronous mode before its first result): the input frame unchanged
 * for the modes drawn over it, else the gradient mode's neutral mid-gray
 * (127; in YUV its luma, no chroma). Padding and alpha bytes are set to
 * 255, like the renderer's output. @in and @out are mapped frames of the
 * same size and format. */
void gst_guided_bp_render_placeholder (GbpRenderMode mode,
    const GstVideoFrame * in, GstVideoFrame * out);

G_END_DECLS
