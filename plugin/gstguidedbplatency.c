/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbplatency.h"

#include <string.h>

void
gst_guided_bp_latency_reset (GstGuidedBpLatency * latency)
{
  memset (latency, 0, sizeof (*latency));
}

GstClockTime
gst_guided_bp_latency_get (const GstGuidedBpLatency * latency)
{
  GstClockTime longest = 0;
  guint i;

  for (i = 0; i < latency->n_recent; i++)
    longest = MAX (longest, latency->recent[i]);
  return longest;
}

gboolean
gst_guided_bp_latency_add (GstGuidedBpLatency * latency,
    GstClockTime processing_time)
{
  GstClockTime current, threshold;

  latency->recent[latency->next] = processing_time;
  latency->next = (latency->next + 1) % GST_GUIDED_BP_LATENCY_WINDOW;
  if (latency->n_recent < GST_GUIDED_BP_LATENCY_WINDOW)
    latency->n_recent++;

  /* The first measurement is always news; later ones when they grow. */
  current = gst_guided_bp_latency_get (latency);
  threshold = latency->announced + MAX (latency->announced / 4, GST_MSECOND);
  if (latency->announced != 0 && current <= threshold)
    return FALSE;
  if (current == 0)
    return FALSE;

  latency->announced = current;
  return TRUE;
}
