/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpmessage.h"

GstMessage *
gst_guided_bp_message_new (GstObject * src, const GstSegment * segment,
    GstClockTime pts, const GbpSaliency * saliency,
    GstClockTime processing_time)
{
  GstClockTime stream_time = GST_CLOCK_TIME_NONE;
  GstClockTime running_time = GST_CLOCK_TIME_NONE;
  GstStructure *s;

  if (GST_CLOCK_TIME_IS_VALID (pts) && segment->format == GST_FORMAT_TIME) {
    stream_time = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, pts);
    running_time = gst_segment_to_running_time (segment, GST_FORMAT_TIME, pts);
  }

  s = gst_structure_new (GST_GUIDED_BP_MESSAGE_NAME,
      "timestamp", G_TYPE_UINT64, (guint64) pts,
      "stream-time", G_TYPE_UINT64, (guint64) stream_time,
      "running-time", G_TYPE_UINT64, (guint64) running_time,
      "class", G_TYPE_INT, saliency->class_index,
      "score", G_TYPE_DOUBLE, (gdouble) saliency->score,
      "processing-time", G_TYPE_UINT64, (guint64) processing_time, NULL);
  if (saliency->label != NULL)
    gst_structure_set (s, "label", G_TYPE_STRING, saliency->label, NULL);

  return gst_message_new_element (src, s);
}
