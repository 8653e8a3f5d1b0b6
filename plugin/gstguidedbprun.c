/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbprun.h"

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

gboolean
gst_guided_bp_run (GstElement * element, GbpEngine * engine,
    const gchar * model, GstGuidedBpRunSettings * applied,
    const GstGuidedBpRunSettings * wanted, const GbpImage * image,
    GbpSaliency * saliency)
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

  if (!gbp_engine_run (engine, image, saliency, &error))
    goto run_failed;

  return TRUE;

  /* ERRORS */
target_failed:
  {
    GST_ELEMENT_ERROR (element, LIBRARY, SETTINGS,
        ("Invalid target class %d for model '%s'", wanted->target_class,
            model), ("%s", error->message));
    g_clear_error (&error);
    return FALSE;
  }
gradcam_failed:
  {
    GST_ELEMENT_ERROR (element, LIBRARY, SETTINGS,
        ("The render mode needs Grad-CAM, which model '%s' cannot give: %s",
            model, error->message), ("%s", error->message));
    g_clear_error (&error);
    return FALSE;
  }
run_failed:
  {
    GST_ELEMENT_ERROR (element, LIBRARY, FAILED,
        ("Guided backpropagation failed with model '%s'", model),
        ("%s", error->message));
    g_clear_error (&error);
    return FALSE;
  }
}
