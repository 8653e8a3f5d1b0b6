/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpmessage.h"

GstMessage *
gst_guided_bp_message_new (GstObject * src, const GbpEngine * engine,
    const GbpSaliency * saliency, const GstGuidedBpTiming * timing,
    guint top_k)
{
  GstStructure *s = gst_structure_new_empty (GST_GUIDED_BP_MESSAGE_NAME);

  gst_guided_bp_result_fill (s, engine, saliency, timing, top_k);
  return gst_message_new_element (src, s);
}
