/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a frame shows before there is a saliency to draw.
 */
#pragma once

#include <gst/video/video.h>
#include <guidedbp/gbp-render.h>

G_BEGIN_DECLS

/* What an output frame shows while there is no saliency to draw yet (the
 * asynchronous mode before its first result): the input frame unchanged
 * for the modes drawn over it, else the gradient mode's neutral mid-gray
 * (127; in YUV its luma, no chroma). Padding and alpha bytes are set to
 * 255, like the renderer's output. @in and @out are mapped frames of the
 * same size and format, or the same frame (in place). */
void gst_guided_bp_render_placeholder (GbpRenderMode mode,
    const GstVideoFrame * in, GstVideoFrame * out);

G_END_DECLS
