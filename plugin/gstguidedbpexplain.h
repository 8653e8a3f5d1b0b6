/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one path from a model frame to its published result, whichever
 * thread runs it: explain (run the engine with the frame's options), then
 * publish (the result's timing and its bus message). The streaming thread
 * takes it in synchronous mode and with interval, the worker in
 * asynchronous mode; roi-list explains a batch of boxes with it.
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

#include "gstguidedbpresult.h"

G_BEGIN_DECLS

/**
 * GstGuidedBpRequest:
 * @options: what the run explains: the target class, and Grad-CAM when
 *   the render mode needs it
 * @pts: the frame's PTS
 * @segment: the frame's segment, for the result's stream and running time
 * @post_messages: post the "guidedbp" message of the result
 * @top_k: how many of the most probable classes the result lists
 *
 * A model frame's live settings, copied from the properties when the frame
 * came: all that explaining and publishing it needs besides its pixels.
 */
typedef struct {
  GbpRunOptions options;
  GstClockTime pts;
  GstSegment segment;
  gboolean post_messages;
  guint top_k;
} GstGuidedBpRequest;

/* Runs @engine on @image (@n_regions 0) or on its @n_regions @regions in
 * one batch (gbp_engine_run_regions()) with @options, filling one
 * saliency per image or region (valid until the engine's next run). On
 * failure returns FALSE and the error message for @element (naming
 * @model) in @error_message, for the caller to post once it has marked
 * itself failed (the worker: so that no frame passes after the message).
 * Called by whichever thread owns @engine. */
gboolean gst_guided_bp_explain (GstElement * element, GbpEngine * engine,
    const gchar * model, const GbpRunOptions * options,
    const GbpImage * image, const GbpRegion * regions, guint n_regions,
    GbpSaliency * saliencies, GstMessage ** error_message);

/* The timing of the result of @request, computed in @elapsed. */
void gst_guided_bp_request_timing (const GstGuidedBpRequest * request,
    GstClockTime elapsed, GstGuidedBpTiming * timing);

/* Publishes @saliency, the result of @request, with its @timing: posts
 * the "guidedbp" message on @element when @request asks. */
void gst_guided_bp_publish (GstElement * element, const GbpEngine * engine,
    const GbpSaliency * saliency, const GstGuidedBpRequest * request,
    const GstGuidedBpTiming * timing);

G_END_DECLS
