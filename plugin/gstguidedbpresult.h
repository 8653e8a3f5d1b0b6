/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the element reports about an explained frame, in one GstStructure
 * layout shared by the per-buffer meta and the bus message.
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

G_BEGIN_DECLS

/* The GstCustomMeta every output buffer with a saliency carries. */
#define GST_GUIDED_BP_META_NAME "GuidedBpMeta"

/**
 * GstGuidedBpTiming:
 * @timestamp: PTS of the frame the model ran on (GST_CLOCK_TIME_NONE if it
 *   had none)
 * @stream_time: @timestamp in its segment's stream time, or NONE
 * @running_time: @timestamp in its segment's running time, or NONE
 * @processing_time: nanoseconds the model's run on that frame took
 *
 * When the explained frame was, and what explaining it cost.
 */
typedef struct {
  GstClockTime timestamp;
  GstClockTime stream_time;
  GstClockTime running_time;
  GstClockTime processing_time;
} GstGuidedBpTiming;

/* @pts of @segment (NULL: no stream or running time) and @processing_time,
 * into @timing. */
void gst_guided_bp_timing_init (GstGuidedBpTiming * timing,
    const GstSegment * segment, GstClockTime pts,
    GstClockTime processing_time);

/* Sets on @s the fields that describe @saliency (computed at @timing):
 *   class (gint)                 the explained class
 *   score (gdouble)              its softmax probability
 *   label (string)               its label, only with labels
 *   top-classes (GstValueArray of gint)     the @top_k most probable classes,
 *                                           most probable first
 *   top-scores (GstValueArray of gdouble)   their probabilities
 *   top-labels (GstValueArray of string)    their labels, only with labels
 *   timestamp, stream-time, running-time, processing-time (guint64)
 *                                @timing's fields
 * Labels of the top classes come from @engine (labels only are read: safe
 * while another thread runs it). The one place that knows these fields. */
void gst_guided_bp_result_fill (GstStructure * s, const GbpEngine * engine,
    const GbpSaliency * saliency, const GstGuidedBpTiming * timing,
    guint top_k);

/* Sets on @s what describes one object's @saliency: class, score, label
 * (with labels), top-classes, top-scores, top-labels (with labels), as
 * gst_guided_bp_result_fill() does; no timing. The `guidedbp` param of a
 * GstVideoRegionOfInterestMeta. */
void gst_guided_bp_result_fill_object (GstStructure * s,
    const GbpEngine * engine, const GbpSaliency * saliency, guint top_k);

/* Sets on @s @timing's fields: timestamp, stream-time, running-time,
 * processing-time. */
void gst_guided_bp_result_fill_timing (GstStructure * s,
    const GstGuidedBpTiming * timing);

/* Registers the GuidedBpMeta custom meta (once; any thread). */
void gst_guided_bp_meta_register (void);

/* Adds a GuidedBpMeta describing @saliency to the writable @buffer. */
void gst_guided_bp_meta_add (GstBuffer * buffer, const GbpEngine * engine,
    const GbpSaliency * saliency, const GstGuidedBpTiming * timing,
    guint top_k);

/* Adds a GuidedBpMeta to the writable @buffer with @timing and the fields
 * of @objects (roi-ids, rois-skipped, ...; see gstguidedbpobjects.h). */
void gst_guided_bp_meta_add_objects (GstBuffer * buffer,
    const GstStructure * objects, const GstGuidedBpTiming * timing);

G_END_DECLS
