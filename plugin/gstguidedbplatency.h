/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_GUIDED_BP_LATENCY_WINDOW 16

/**
 * GstGuidedBpLatency:
 *
 * The processing time of the last GST_GUIDED_BP_LATENCY_WINDOW frames and
 * the latency last announced. The latency the element reports is the
 * longest processing time in the window: a frame leaves the element at
 * most that long after it entered. Not thread-safe: the element guards it
 * with its object lock.
 */
typedef struct {
  GstClockTime recent[GST_GUIDED_BP_LATENCY_WINDOW];
  guint n_recent;
  guint next;
  GstClockTime announced;
} GstGuidedBpLatency;

/* Forgets every measurement (at start). */
void gst_guided_bp_latency_reset (GstGuidedBpLatency * latency);

/* Records one frame's @processing_time. Returns TRUE for the first
 * measurement and when the latency to report has grown significantly (by
 * more than a quarter and at least a millisecond) over the one last
 * announced, which then becomes the
 * announced one: the caller posts a latency message so that live
 * pipelines query the latency again. */
gboolean gst_guided_bp_latency_add (GstGuidedBpLatency * latency,
    GstClockTime processing_time);

/* The latency to report: the longest processing time in the window, 0
 * before any frame was processed. */
GstClockTime gst_guided_bp_latency_get (const GstGuidedBpLatency * latency);

G_END_DECLS
