/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpsaliency.h"

#include <string.h>

GstGuidedBpSaliency *
gst_guided_bp_saliency_new (void)
{
  GstGuidedBpSaliency *saliency = g_new0 (GstGuidedBpSaliency, 1);

  gst_guided_bp_saliency_invalidate (saliency);
  return saliency;
}

void
gst_guided_bp_saliency_free (GstGuidedBpSaliency * saliency)
{
  if (saliency == NULL)
    return;
  g_free (saliency->gradient);
  g_free (saliency->cam);
  g_free (saliency->probabilities);
  g_free (saliency->label);
  g_free (saliency);
}

/* Makes @buffer hold at least @size floats; keeps it when it does. */
static gfloat *
ensure_floats (gfloat * buffer, gsize * capacity, gsize size)
{
  if (size <= *capacity)
    return buffer;
  g_free (buffer);
  *capacity = size;
  return g_new (gfloat, size);
}

void
gst_guided_bp_saliency_copy (GstGuidedBpSaliency * dest,
    const GbpSaliency * src, const GstGuidedBpTiming * timing)
{
  const gsize gradient_size = (gsize) 3 * src->width * src->height;
  const gsize cam_size = src->cam != NULL ?
      (gsize) src->cam_width * src->cam_height : 0;

  dest->gradient = ensure_floats (dest->gradient, &dest->gradient_capacity,
      gradient_size);
  memcpy (dest->gradient, src->gradient, gradient_size * sizeof (gfloat));

  if (cam_size > 0) {
    dest->cam = ensure_floats (dest->cam, &dest->cam_capacity, cam_size);
    memcpy (dest->cam, src->cam, cam_size * sizeof (gfloat));
  }

  if (src->probabilities != NULL) {
    dest->probabilities = ensure_floats (dest->probabilities,
        &dest->probabilities_capacity, src->num_classes);
    memcpy (dest->probabilities, src->probabilities,
        src->num_classes * sizeof (gfloat));
  }

  /* Labels repeat from frame to frame: copy only a new one. */
  if (g_strcmp0 (dest->label, src->label) != 0) {
    g_free (dest->label);
    dest->label = g_strdup (src->label);
  }

  dest->view = *src;
  dest->view.gradient = dest->gradient;
  dest->view.label = dest->label;
  dest->view.probabilities = src->probabilities ? dest->probabilities : NULL;
  if (cam_size > 0) {
    dest->view.cam = dest->cam;
  } else {
    dest->view.cam = NULL;
    dest->view.cam_width = 0;
    dest->view.cam_height = 0;
  }
  dest->timing = *timing;
  dest->valid = TRUE;
}

void
gst_guided_bp_saliency_borrow (GstGuidedBpSaliency * dest,
    const GbpSaliency * src)
{
  dest->view = *src;
  dest->valid = TRUE;
}

void
gst_guided_bp_saliency_invalidate (GstGuidedBpSaliency * saliency)
{
  saliency->valid = FALSE;
  gst_guided_bp_timing_init (&saliency->timing, NULL, GST_CLOCK_TIME_NONE,
      0);
}
