/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element's instance structure, shared by gstguidedbp.c (lifecycle,
 * queries, events), gstguidedbpproperties.c (the properties),
 * gstguidedbpstream.c (the per-frame work) and gstguidedbpobjects.c
 * (roi-list). Internal.
 */
#pragma once

#include "gstguidedbp.h"

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-render.h>

#include "gstguidedbpannotate.h"
#include "gstguidedbplatency.h"
#include "gstguidedbpresult.h"
#include "gstguidedbpexplain.h"
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
  GArray *object_types;         /* object_class parsed, GQuarks (NULL: every
                                 * type); replaced whole, never changed */
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
  gboolean in_place;            /* frames are drawn on in place */
  gchar *resolved_label;        /* the target-label last looked up, */
  gint resolved_class;          /* and its class */

  /* The latest result, drawn until the next: in synchronous mode the
   * engine's own saliency (valid until its next run), in asynchronous mode
   * the copy taken from the worker. */
  GstGuidedBpSaliency *result;

  /* Asynchronous mode: the model's thread, which owns the engine. Set and
   * cleared under the object lock, as the latency query asks whether
   * there is one. */
  GstGuidedBpWorker *worker;

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
  GArray *object_types;         /* a reference */
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

/* Adds @elapsed, the processing time of a model frame, to the latency,
 * posting a latency message when that grew. Streaming thread. */
void gst_guided_bp_add_latency (GstGuidedBp * self, GstClockTime elapsed);

/* Draws the label of @saliency (with "target" when @settings name the
 * class) over @out_image: a frame, or a box's crop of one. Streaming
 * thread. */
void gst_guided_bp_annotate (GstGuidedBp * self,
    const GstGuidedBpFrameSettings * settings, const GbpSaliency * saliency,
    GbpImage * out_image);

/* GstVideoFilter::transform_frame: every render mode but none. */
GstFlowReturn gst_guided_bp_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * inframe, GstVideoFrame * outframe);

/* GstBaseTransform::transform_ip: render-mode none and the modes drawn
 * over the frame, on the frame itself. */
GstFlowReturn gst_guided_bp_transform_ip (GstBaseTransform * trans,
    GstBuffer * buffer);

/* Whether frames are drawn on in place, from the live properties: for
 * the modes of gst_guided_bp_mode_is_in_place(), except that roi-list
 * draws only none in place (each box is blended over the input frame,
 * not over an overlapping box drawn before it). */
gboolean gst_guided_bp_frames_in_place (GstGuidedBp * self);

/* GstBaseTransform::before_transform: switches between in place and
 * rendering into a new buffer before each frame, as
 * gst_guided_bp_frames_in_place() says. */
void gst_guided_bp_before_transform (GstBaseTransform * trans,
    GstBuffer * buffer);

/* Makes frames be drawn on in place or rendered into new buffers, from
 * the next buffer on (renegotiating the buffer pool). Streaming thread, or
 * with the stream stopped. */
void gst_guided_bp_set_in_place (GstGuidedBp * self, gboolean in_place);

G_END_DECLS
