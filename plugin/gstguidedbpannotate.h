/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The annotate property: the explained class's label and score drawn in a
 * corner of the output with Pango and Cairo.
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-image.h>

G_BEGIN_DECLS

/* Text height in pixels: this share of the frame height, at least the
 * minimum (legible from 64x64 to 4K). */
#define GST_GUIDED_BP_ANNOTATION_HEIGHT_SHARE (1.0 / 24.0)
#define GST_GUIDED_BP_ANNOTATION_MIN_PIXELS 10

/* Keeps Pango's font map and the last text drawn; one per element, used by
 * one thread at a time. */
typedef struct _GstGuidedBpAnnotator GstGuidedBpAnnotator;

GstGuidedBpAnnotator *gst_guided_bp_annotator_new (void);

void gst_guided_bp_annotator_free (GstGuidedBpAnnotator * annotator);

/* What is drawn for @saliency: "<label> <score>%" of the explained class
 * ("class N" without labels); when @targeted (a target class or label is
 * set) "target: ..." and, if another class is the most probable, a second
 * line "top: ..." (its label from @engine). A new string. */
gchar *gst_guided_bp_annotation_text (const GbpEngine * engine,
    const GbpSaliency * saliency, gboolean targeted);

/* Draws @text (UTF-8; lines split at '\n', wrapped to the frame width) in
 * white on a translucent black box in the top-left corner of @image. Only
 * the box's pixels change; alpha and padding bytes are left alone. */
void gst_guided_bp_annotator_draw (GstGuidedBpAnnotator * annotator,
    const gchar * text, GbpImage * image);

G_END_DECLS
