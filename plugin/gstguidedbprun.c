/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbprun.h"

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

/* The error message @element posts for @cause, with @text (taken). */
static GstMessage *
run_error (GstElement * element, GQuark domain, gint code, gchar * text,
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

/* Runs @image (@n_regions 0) or its @regions, after applying @wanted. */
static gboolean
run_engine (GstElement * element, GbpEngine * engine,
    const gchar * model, GstGuidedBpRunSettings * applied,
    const GstGuidedBpRunSettings * wanted, const GbpImage * image,
    const GbpRegion * regions, guint n_regions, GbpSaliency * saliencies,
    GstMessage ** error_message)
{
  GError *error = NULL;

  if (wanted->target_class != applied->target_class) {
    if (!gbp_engine_set_target_class (engine, wanted->target_class, &error))
      goto target_failed;
    GST_DEBUG_OBJECT (element, "target class now %d", wanted->target_class);
    applied->target_class = wanted->target_class;
  }

  if (wanted->gradcam != applied->gradcam) {
    if (!gbp_engine_set_gradcam_enabled (engine, wanted->gradcam, &error))
      goto gradcam_failed;
    GST_DEBUG_OBJECT (element, "Grad-CAM %s",
        wanted->gradcam ? "enabled" : "disabled");
    applied->gradcam = wanted->gradcam;
  }

  if (n_regions == 0 ? !gbp_engine_run (engine, image, saliencies, &error)
      : !gbp_engine_run_regions (engine, image, regions, n_regions,
          saliencies, &error))
    goto run_failed;

  return TRUE;

  /* ERRORS */
target_failed:
  {
    *error_message = run_error (element, GST_LIBRARY_ERROR,
        GST_LIBRARY_ERROR_SETTINGS,
        g_strdup_printf ("Invalid target class %d for model '%s'",
            wanted->target_class, model), error);
    g_clear_error (&error);
    return FALSE;
  }
gradcam_failed:
  {
    *error_message = run_error (element, GST_LIBRARY_ERROR,
        GST_LIBRARY_ERROR_SETTINGS,
        g_strdup_printf ("The render mode needs Grad-CAM, which model '%s' "
            "cannot give: %s", model, error->message), error);
    g_clear_error (&error);
    return FALSE;
  }
run_failed:
  {
    *error_message = run_error (element, GST_LIBRARY_ERROR,
        GST_LIBRARY_ERROR_FAILED,
        n_regions == 0 ?
        g_strdup_printf ("Guided backpropagation failed with model '%s'",
            model) :
        g_strdup_printf ("Guided backpropagation of %u objects failed with "
            "model '%s'", n_regions, model), error);
    g_clear_error (&error);
    return FALSE;
  }
}

gboolean
gst_guided_bp_run (GstElement * element, GbpEngine * engine,
    const gchar * model, GstGuidedBpRunSettings * applied,
    const GstGuidedBpRunSettings * wanted, const GbpImage * image,
    GbpSaliency * saliency, GstMessage ** error_message)
{
  return run_engine (element, engine, model, applied, wanted, image, NULL, 0,
      saliency, error_message);
}

gboolean
gst_guided_bp_run_regions (GstElement * element, GbpEngine * engine,
    const gchar * model, GstGuidedBpRunSettings * applied,
    const GstGuidedBpRunSettings * wanted, const GbpImage * image,
    const GbpRegion * regions, guint n_regions, GbpSaliency * saliencies,
    GstMessage ** error_message)
{
  g_return_val_if_fail (n_regions > 0, FALSE);
  return run_engine (element, engine, model, applied, wanted, image, regions,
      n_regions, saliencies, error_message);
}
