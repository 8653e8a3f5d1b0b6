/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

G_BEGIN_DECLS

/**
 * GstGuidedBpRunSettings:
 * @target_class: the class to explain, GBP_TARGET_CLASS_TOP for the top one
 * @gradcam: compute Grad-CAM too (the render mode needs it)
 *
 * The per-run engine settings that come from live properties.
 */
typedef struct {
  gint target_class;
  gboolean gradcam;
} GstGuidedBpRunSettings;

/* Runs @engine on @image with @wanted settings and fills @saliency (valid
 * until the engine's next run). @applied holds what the engine was last set
 * to and is updated: only settings that changed are applied. On failure
 * returns FALSE and the error message for @element (naming @model) in
 * @error_message, for the caller to post once it has marked itself failed
 * (the worker: so that no frame passes after the message). Called by
 * whichever thread owns @engine: the streaming thread, or the worker in
 * asynchronous mode. */
gboolean gst_guided_bp_run (GstElement * element, GbpEngine * engine,
    const gchar * model, GstGuidedBpRunSettings * applied,
    const GstGuidedBpRunSettings * wanted, const GbpImage * image,
    GbpSaliency * saliency, GstMessage ** error_message);

/* gst_guided_bp_run() on @n_regions (>= 1) regions of @image in one batch
 * (gbp_engine_run_regions()): @saliencies[i] for @regions[i]. */
gboolean gst_guided_bp_run_regions (GstElement * element, GbpEngine * engine,
    const gchar * model, GstGuidedBpRunSettings * applied,
    const GstGuidedBpRunSettings * wanted, const GbpImage * image,
    const GbpRegion * regions, guint n_regions, GbpSaliency * saliencies,
    GstMessage ** error_message);

G_END_DECLS
