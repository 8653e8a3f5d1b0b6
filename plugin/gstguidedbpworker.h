/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

#include "gstguidedbpexplain.h"
#include "gstguidedbpsaliency.h"

G_BEGIN_DECLS

/**
 * GstGuidedBpWorker:
 *
 * The asynchronous mode's model thread. The streaming thread never waits
 * for the model: it copies a frame into the single pending slot
 * (replacing a frame the worker has not taken yet, so the worker always
 * takes the newest one) and takes the latest finished result, if a new one
 * was published, by swapping buffers. Both only hold the worker's mutex for
 * a copy or a pointer swap. The worker owns the engine while it runs: it
 * explains each frame with the request that came with it and publishes the
 * result (gstguidedbpexplain.h), and on an engine error fails every later
 * submission, then posts the element error (so that no frame passes once
 * the error is on the bus).
 */
typedef struct _GstGuidedBpWorker GstGuidedBpWorker;

/* Starts the thread. @element (not reffed: it owns the worker and frees it
 * in stop()) receives the messages and errors; @engine is used only by the
 * worker until gst_guided_bp_worker_free(); @model, its path for messages,
 * is borrowed until then too. */
GstGuidedBpWorker *gst_guided_bp_worker_new (GstElement * element,
    GbpEngine * engine, const gchar * model, GError ** error);

/* Stops the thread (waiting for a run in progress to finish) and frees the
 * worker; the engine is the caller's again. */
void gst_guided_bp_worker_free (GstGuidedBpWorker * worker);

/* Copies @frame and its @request into the pending slot. FALSE once the
 * worker has failed. */
gboolean gst_guided_bp_worker_submit (GstGuidedBpWorker * worker,
    const GbpImage * frame, const GstGuidedBpRequest * request);

/* When a result newer than the one in *@saliency was published, swaps it
 * into *@saliency (the worker keeps the old buffers) and returns TRUE. */
gboolean gst_guided_bp_worker_take_result (GstGuidedBpWorker * worker,
    GstGuidedBpSaliency ** saliency);

/* Forgets the pending frame and any result of a frame submitted before
 * (flush). */
void gst_guided_bp_worker_flush (GstGuidedBpWorker * worker);

/* TRUE once a run failed (the error was posted). */
gboolean gst_guided_bp_worker_has_failed (GstGuidedBpWorker * worker);

G_END_DECLS
