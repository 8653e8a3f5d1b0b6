/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

G_BEGIN_DECLS

/**
 * GstGuidedBpSaliency:
 * @view: the copy, as a GbpSaliency whose pointers lead into the buffers
 *   below; meaningful only when @valid
 * @pts: timestamp of the frame it was computed from
 * @valid: FALSE until a saliency is copied in, and after
 *   gst_guided_bp_saliency_invalidate()
 *
 * An owned copy of a GbpSaliency (the engine's is valid only until its next
 * run): gradient, Grad-CAM map, class, score and label. The buffers grow
 * when a larger saliency comes and are reused otherwise, so copying the
 * same model's results allocates nothing. Not thread-safe.
 */
typedef struct {
  GbpSaliency view;
  GstClockTime pts;
  gboolean valid;

  /*< private >*/
  gfloat *gradient;
  gsize gradient_capacity;
  gfloat *cam;
  gsize cam_capacity;
  gchar *label;
} GstGuidedBpSaliency;

GstGuidedBpSaliency *gst_guided_bp_saliency_new (void);

void gst_guided_bp_saliency_free (GstGuidedBpSaliency * saliency);

/* Copies @src (computed from the frame with timestamp @pts) into @dest,
 * which becomes valid. */
void gst_guided_bp_saliency_copy (GstGuidedBpSaliency * dest,
    const GbpSaliency * src, GstClockTime pts);

/* Marks @saliency as holding nothing (keeps its buffers). */
void gst_guided_bp_saliency_invalidate (GstGuidedBpSaliency * saliency);

G_END_DECLS
