/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What start() takes from the properties, the checks of the values the
 * engine cannot judge (or would judge without naming the property), and
 * the errors it posts for a model that does not load.
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
  gint target_class;
  gdouble alpha;
  gdouble smoothing;
  guint interval;
  gboolean async;
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

/* Posts on @element the error for a model that could not be loaded
 * (@error: a GbpError from gbp_engine_new()). */
void gst_guided_bp_post_load_error (GstElement * element, const gchar * model,
    const gchar * labels, const gchar * device, const GError * error);

G_END_DECLS
