/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element's instance structure, shared by gstguidedbp.c (properties,
 * lifecycle, queries, events) and gstguidedbpstream.c (the per-frame
 * work). Internal.
 */
#pragma once

#include "gstguidedbp.h"

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-render.h>

#include "gstguidedbplatency.h"
#include "gstguidedbprun.h"
#include "gstguidedbpsaliency.h"
#include "gstguidedbpworker.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);

struct _GstGuidedBp
{
  GstVideoFilter parent;

  /* Properties, under the object lock. target_class, post_messages,
   * interval and the rendering ones are read per frame, the others once,
   * in start(). */
  gchar *model;
  gchar *labels;
  gchar *device;
  guint input_width;
  guint input_height;
  gfloat mean[3];
  gfloat std[3];
  gint target_class;
  guint num_threads;
  gboolean post_messages;
  GbpRenderMode render_mode;
  GbpColormap colormap;
  gdouble alpha;
  gdouble smoothing;
  gchar *gradcam_layer;
  gboolean fold_batch_norm;
  guint interval;
  gboolean async;

  /* Measured processing times and whether the running engine is
   * asynchronous, under the object lock (the latency query comes from any
   * thread). */
  GstGuidedBpLatency latency;
  gboolean running_async;
  gchar *refused_offer;         /* the last offer warned about */

  /* Set in start(), used by the streaming thread, freed in stop(). */
  GbpEngine *engine;
  GbpRenderer *renderer;
  gchar *engine_model;
  guint frames_since_run;       /* G_MAXUINT: run on the next frame */

  /* Synchronous mode: the engine's settings and its last saliency, valid
   * until its next run. */
  GstGuidedBpRunSettings applied;
  GbpSaliency saliency;
  gboolean has_saliency;

  /* Asynchronous mode: the model's thread (which owns the engine) and the
   * latest result taken from it. */
  GstGuidedBpWorker *worker;
  GstGuidedBpSaliency *result;
};

/* gstguidedbpstream.c */

/* The next frame starts afresh: no smoothing history, and the model runs
 * on it. Streaming thread (or with the stream stopped). */
void gst_guided_bp_restart (GstGuidedBp * self);

/* GstVideoFilter::transform_frame. */
GstFlowReturn gst_guided_bp_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * inframe, GstVideoFrame * outframe);

G_END_DECLS
