/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What start() takes from the properties, and the checks of the values
 * the engine cannot judge, or would judge without naming the property.
 */
#pragma once

#include "gstguidedbpprivate.h"

G_BEGIN_DECLS

/* What start() takes from the properties, copied under the object lock. */
typedef struct
{
  GbpEngineConfig config;
  gchar *model;
  gchar *labels;
  gchar *device;
  gchar *gradcam_layer;
  gchar *target_label;
  gchar *invalid_mean;
  gchar *invalid_std;
  gdouble alpha;
  gdouble smoothing;
  guint interval;
  gboolean async;
  gboolean none;
  gint inference_region;
  guint max_objects;
} GstGuidedBpStartSettings;

/* Copies the properties under the object lock into @s (an engine
 * configuration whose strings @s owns). */
void gst_guided_bp_start_settings_read (GstGuidedBp * self,
    GstGuidedBpStartSettings * s);

/* The first value wrong sets @error, naming the property and the value. */
gboolean gst_guided_bp_start_settings_check (const GstGuidedBpStartSettings * s,
    GError ** error);

/* Frees the strings; @s->model only when @free_model (else the element
 * keeps it). */
void gst_guided_bp_start_settings_clear (GstGuidedBpStartSettings * s,
    gboolean free_model);

G_END_DECLS
