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

#include "gstguidedbpannotate.h"
#include "gstguidedbplatency.h"
#include "gstguidedbpresult.h"
#include "gstguidedbprun.h"
#include "gstguidedbpsaliency.h"
#include "gstguidedbpworker.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);

struct _GstGuidedBp
{
  GstVideoFilter parent;

  /* Properties, under the object lock. target_class, target_label,
   * post_messages, interval, top_k, annotate and the rendering ones are
   * read per frame, the others once, in start(). */
  gchar *model;
  gchar *labels;
  gchar *device;
  guint input_width;
  guint input_height;
  gfloat mean[3];
  gfloat std[3];
  gchar *invalid_mean;          /* text set that is not three numbers, */
  gchar *invalid_std;           /* which fails the start; else NULL */
  gint target_class;
  gchar *target_label;
  guint num_threads;
  gboolean post_messages;
  gint render_mode;             /* GbpRenderMode or GST_GUIDED_BP_RENDER_NONE */
  GbpColormap colormap;
  gdouble alpha;
  gdouble smoothing;
  gchar *gradcam_layer;
  gboolean fold_batch_norm;
  gboolean tune_kernels;
  GbpPrecision precision;
  guint interval;
  gboolean async;
  guint top_k;
  gboolean annotate;
  gint inference_region;        /* GstGuidedBpInferenceRegion */
  gchar *object_class;          /* "" for every ROI type */
  guint max_objects;

  /* Measured processing times, under the object lock (the latency query
   * comes from any thread). */
  GstGuidedBpLatency latency;
  gchar *refused_offer;         /* the last offer warned about */

  /* Set in start(), used by the streaming thread, freed in stop(). */
  GbpEngine *engine;
  GbpRenderer *renderer;
  GstGuidedBpAnnotator *annotator;     /* NULL until annotate draws */
  gchar *engine_model;
  guint frames_since_run;       /* G_MAXUINT: run on the next frame */
  gboolean in_place;            /* render-mode none: frames pass in place */
  gchar *resolved_label;        /* the target-label last looked up, */
  gint resolved_class;          /* and its class */

  /* Synchronous mode: the engine's settings and its last saliency, valid
   * until its next run. */
  GstGuidedBpRunSettings applied;
  GbpSaliency saliency;
  GstGuidedBpTiming timing;
  gboolean has_saliency;

  /* Asynchronous mode: the model's thread (which owns the engine; set and
   * cleared under the object lock, as the latency query asks whether
   * there is one) and the latest result taken from it. */
  GstGuidedBpWorker *worker;
  GstGuidedBpSaliency *result;

  /* inference-region roi-list (gstguidedbpobjects.c): a renderer per ROI
   * id, for its own smoothing history; whether the all-invalid warning
   * was posted. Streaming thread. */
  GHashTable *object_renderers;
  GbpRenderer *object_scratch;
  gboolean warned_invalid_objects;
};

/* The live properties, copied under the object lock for one frame. */
typedef struct
{
  gint render_mode;
  GbpRenderOptions options;
  gint target_class;
  gchar *target_label;
  gboolean post_messages;
  guint interval;
  guint top_k;
  gboolean annotate;
  gint inference_region;
  gchar *object_class;
  guint max_objects;
} GstGuidedBpFrameSettings;

/* gstguidedbpstream.c */

/* The next frame starts afresh: no smoothing history, and the model runs
 * on it. Streaming thread (or with the stream stopped). */
void gst_guided_bp_restart (GstGuidedBp * self);

/* The class labelled @label (target-label), looked up once per new label;
 * else an error naming the property. Streaming thread, or start(). */
gboolean gst_guided_bp_resolve_target_label (GstGuidedBp * self,
    const gchar * label, gint * class_index, GError ** error);

/* GstVideoFilter::transform_frame: every render mode but none. */
GstFlowReturn gst_guided_bp_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * inframe, GstVideoFrame * outframe);

/* GstBaseTransform::transform_ip: render-mode none, the frame in place. */
GstFlowReturn gst_guided_bp_transform_ip (GstBaseTransform * trans,
    GstBuffer * buffer);

/* GstBaseTransform::before_transform: switches between in-place (none)
 * and rendering into a new buffer before each frame. */
void gst_guided_bp_before_transform (GstBaseTransform * trans,
    GstBuffer * buffer);

/* Makes frames pass in place (render-mode none) or not, from the next
 * buffer on (renegotiating the buffer pool). Streaming thread, or with the
 * stream stopped. */
void gst_guided_bp_set_in_place (GstGuidedBp * self, gboolean in_place);

G_END_DECLS
