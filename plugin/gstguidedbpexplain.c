/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpexplain.h"

#include <guidedbp/gbp-error.h>

#include "gstguidedbpmessage.h"

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

/* The error message @element posts for @cause, with @text (taken). */
static GstMessage *
explain_error (GstElement * element, GQuark domain, gint code, gchar * text,
    const GError * cause)
{
  GError *error = g_error_new_literal (domain, code, text);
  GstMessage *message;

  GST_WARNING_OBJECT (element, "%s: %s", text, cause->message);
  message = gst_message_new_error (GST_OBJECT_CAST (element), error,
      cause->message);
  g_error_free (error);
  g_free (text);
  return message;
}

/* What @element says when the engine refused a run. The element hands it
 * only frames it mapped and boxes it clamped, so an invalid argument is
 * one of @options: Grad-CAM the model cannot give, or a class it does not
 * have (the engine's message, the debug text, says how many it has). */
static GstMessage *
refused_error (GstElement * element, const GbpEngine * engine,
    const gchar * model, const GbpRunOptions * options,
    const GError * error, guint n_regions)
{
  if (error->code == GBP_ERROR_INVALID_ARGUMENT && options->gradcam
      && !gbp_engine_has_gradcam (engine))
    return explain_error (element, GST_LIBRARY_ERROR,
        GST_LIBRARY_ERROR_SETTINGS,
        g_strdup_printf ("The render mode needs Grad-CAM, which model '%s' "
            "cannot give: %s", model, error->message), error);
  if (error->code == GBP_ERROR_INVALID_ARGUMENT
      && options->target_class >= (gint) gbp_engine_get_num_classes (engine))
    return explain_error (element, GST_LIBRARY_ERROR,
        GST_LIBRARY_ERROR_SETTINGS,
        g_strdup_printf ("Invalid target class %d for model '%s'",
            options->target_class, model), error);
  return explain_error (element, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
      n_regions == 0 ?
      g_strdup_printf ("Guided backpropagation failed with model '%s'",
          model) :
      g_strdup_printf ("Guided backpropagation of %u objects failed with "
          "model '%s'", n_regions, model), error);
}

gboolean
gst_guided_bp_explain (GstElement * element, GbpEngine * engine,
    const gchar * model, const GbpRunOptions * options,
    const GbpImage * image, const GbpRegion * regions, guint n_regions,
    GbpSaliency * saliencies, GstMessage ** error_message)
{
  GError *error = NULL;
  gboolean ok;

  ok = n_regions == 0 ?
      gbp_engine_run (engine, image, options, saliencies, &error) :
      gbp_engine_run_regions (engine, image, regions, n_regions, options,
      saliencies, &error);
  if (!ok) {
    *error_message = refused_error (element, engine, model, options, error,
        n_regions);
    g_clear_error (&error);
  }
  return ok;
}

void
gst_guided_bp_request_timing (const GstGuidedBpRequest * request,
    GstClockTime elapsed, GstGuidedBpTiming * timing)
{
  gst_guided_bp_timing_init (timing, &request->segment, request->pts,
      elapsed);
}

void
gst_guided_bp_publish (GstElement * element, const GbpEngine * engine,
    const GbpSaliency * saliency, const GstGuidedBpRequest * request,
    const GstGuidedBpTiming * timing)
{
  GST_LOG_OBJECT (element, "frame %" GST_TIME_FORMAT ": class %d score %f "
      "in %" GST_TIME_FORMAT, GST_TIME_ARGS (request->pts),
      saliency->class_index, saliency->score,
      GST_TIME_ARGS (timing->processing_time));

  if (request->post_messages)
    gst_element_post_message (element,
        gst_guided_bp_message_new (GST_OBJECT_CAST (element), engine,
            saliency, timing, request->top_k));
}
