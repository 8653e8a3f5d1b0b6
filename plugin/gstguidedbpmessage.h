/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

G_BEGIN_DECLS

#define GST_GUIDED_BP_MESSAGE_NAME "guidedbp"

/* A new element message from @src describing one processed frame: a
 * structure named "guidedbp" with
 *   timestamp (guint64)        the buffer PTS, GST_CLOCK_TIME_NONE if none
 *   stream-time (guint64)      @pts in @segment's stream time
 *   running-time (guint64)     @pts in @segment's running time
 *   class (gint)               the explained class
 *   label (string)             its label, only when the model has labels
 *   score (gdouble)            its softmax probability
 *   processing-time (guint64)  nanoseconds spent on the frame */
GstMessage *gst_guided_bp_message_new (GstObject * src,
    const GstSegment * segment, GstClockTime pts,
    const GbpSaliency * saliency, GstClockTime processing_time);

G_END_DECLS
