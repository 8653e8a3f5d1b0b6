/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

#include "gstguidedbpresult.h"

G_BEGIN_DECLS

/**
 * GstGuidedBpSaliency:
 * @view: the saliency: borrowed from the engine
 *   (gst_guided_bp_saliency_borrow()), or a copy whose pointers lead into
 *   the buffers below (gst_guided_bp_saliency_copy()); meaningful only
 *   when @valid
 * @timing: when the frame it was computed from was (timing.timestamp is
 *   its PTS), and how long that took
 * @valid: FALSE until a saliency is copied in, and after
 *   gst_guided_bp_saliency_invalidate()
 *
 * The element's latest result. A copy of a GbpSaliency (the engine's is
 * valid only until its next run) owns its gradient, Grad-CAM map, class
 * probabilities and label, for the asynchronous mode, whose engine runs
 * on; the buffers grow when a larger saliency comes and are reused
 * otherwise, so copying the same model's results allocates nothing. Not
 * thread-safe.
 */
typedef struct {
  GbpSaliency view;
  GstGuidedBpTiming timing;
  gboolean valid;

  /*< private >*/
  gfloat *gradient;
  gsize gradient_capacity;
  gfloat *cam;
  gsize cam_capacity;
  gfloat *probabilities;
  gsize probabilities_capacity;
  gchar *label;
} GstGuidedBpSaliency;

GstGuidedBpSaliency *gst_guided_bp_saliency_new (void);

void gst_guided_bp_saliency_free (GstGuidedBpSaliency * saliency);

/* Copies @src (computed from the frame @timing describes) into @dest,
 * which becomes valid. */
void gst_guided_bp_saliency_copy (GstGuidedBpSaliency * dest,
    const GbpSaliency * src, const GstGuidedBpTiming * timing);

/* Makes @dest show @src, borrowed: valid until the engine's next run (the
 * synchronous mode, which draws it before that). @dest's timing is the
 * caller's to set. */
void gst_guided_bp_saliency_borrow (GstGuidedBpSaliency * dest,
    const GbpSaliency * src);

/* Marks @saliency as holding nothing (keeps its buffers). */
void gst_guided_bp_saliency_invalidate (GstGuidedBpSaliency * saliency);

G_END_DECLS
