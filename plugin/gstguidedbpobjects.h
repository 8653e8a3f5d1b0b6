/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * inference-region=roi-list: per-object explanations. Every
 * GstVideoRegionOfInterestMeta of a frame (of the object-class types) is
 * cropped, explained in one batch with the others, its result added to it
 * as a `guidedbp` param, its saliency drawn inside its box.
 */
#pragma once

#include <gst/video/video.h>

#include "gstguidedbpenums.h"
#include "gstguidedbpprivate.h"

G_BEGIN_DECLS

/* Name of the param structure each explained box's meta gets. */
#define GST_GUIDED_BP_ROI_PARAM_NAME "guidedbp"

/* The valid range of max-objects. */
#define GST_GUIDED_BP_MAX_OBJECTS GBP_MAX_REGIONS

/* max-objects out of 1..GST_GUIDED_BP_MAX_OBJECTS sets @error naming it;
 * roi-list runs synchronously on every frame: with async or an interval
 * other than 1 it sets @error naming the properties. */
gboolean gst_guided_bp_check_objects_settings (gint inference_region,
    gboolean async, guint interval, guint max_objects, GError ** error);

/* object-class parsed: "face, person" -> the GQuarks of "face" and
 * "person"; NULL (every type) for "" or only commas and spaces. */
GArray *gst_guided_bp_parse_object_class (const gchar * text);

/* Forgets every box's smoothing history (flushes, discontinuities, caps).
 * Streaming thread, or with the stream stopped. */
void gst_guided_bp_objects_reset (GstGuidedBp * self);

/* Frees what roi-list kept (stop()). */
void gst_guided_bp_objects_clear (GstGuidedBp * self);

/* The frame in roi-list mode, from gst_guided_bp_process(): @outframe is
 * @inframe for render-mode none. The frame's ROI metas (on the output
 * buffer) get their `guidedbp` params, the buffer its GuidedBpMeta with
 *   roi-ids (GstValueArray of gint)  ids of the boxes explained, in order
 *   rois-skipped (guint)             valid boxes beyond max-objects
 *   rois-invalid (guint)             zero-sized or outside boxes
 * and the timing fields. Outside the boxes the output is the input. */
GstFlowReturn gst_guided_bp_process_objects (GstGuidedBp * self,
    GstVideoFrame * inframe, GstVideoFrame * outframe,
    const GbpImage * in_image, GbpImage * out_image,
    const GstGuidedBpRequest * request,
    const GstGuidedBpFrameSettings * settings);

G_END_DECLS
