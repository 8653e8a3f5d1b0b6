/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Property values the element checks itself: the mean and std triplets in
 * every form applications give them, and numeric ranges. GObject clamps a
 * value outside a property's declared range with a GLib warning and never
 * shows it to the element, so the numeric properties declare their type's
 * whole range and the element refuses what it cannot use, by name, when it
 * starts (and, for those that change while playing, at the next frame).
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

G_BEGIN_DECLS

/* Parses @text as three numbers (R, G, B) into @values: "r,g,b"; a
 * GstValueArray "<r, g, b>" (also what a GstValueArray GValue set on a
 * string property turns into); or "[r, g, b]" or "(r, g, b)", what
 * PyGObject passes for a Python list or tuple. Else FALSE, with a
 * GBP_ERROR_INVALID_ARGUMENT naming @property and @text. */
gboolean gst_guided_bp_parse_triplet (const gchar * property,
    const gchar * text, gfloat values[3], GError ** error);

/* FALSE, with a GBP_ERROR_INVALID_ARGUMENT naming @property and @value,
 * when @value is not within [@min, @max] (NaN never is). */
gboolean gst_guided_bp_check_range (const gchar * property, gdouble value,
    gdouble min, gdouble max, GError ** error);

/* The valid ranges of the properties checked here. */
#define GST_GUIDED_BP_MAX_INPUT_SIZE GBP_MAX_INPUT_SIZE
#define GST_GUIDED_BP_MAX_NUM_THREADS GBP_MAX_THREADS
#define GST_GUIDED_BP_MAX_SMOOTHING 0.99

/* Checks the live properties that have a fixed range: target-class >= -1
 * (its upper bound is the model's), alpha 0..1, smoothing
 * 0..GST_GUIDED_BP_MAX_SMOOTHING, interval 1..G_MAXINT. The first one out
 * of range sets @error. */
gboolean gst_guided_bp_check_live_values (gint target_class, gdouble alpha,
    gdouble smoothing, guint interval, GError ** error);

/* Posts *@error (from the functions above) as a LIBRARY SETTINGS error
 * and clears it. */
void gst_guided_bp_post_settings_error (GstElement * element,
    GError ** error);

G_END_DECLS
