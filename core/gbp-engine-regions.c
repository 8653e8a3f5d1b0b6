/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Explaining several regions of one image (the boxes of a detector) in one
 * batch through the model.
 */
#include "gbp-engine-private.h"

#include "guidedbp/gbp-region.h"

void
gbp_engine_reserve (GbpEngine * engine, guint n)
{
  gsize item = (gsize) 3 * engine->input_width * engine->input_height;

  if (n <= engine->capacity)
    return;
  engine->input = g_renew (gfloat, engine->input, n * item);
  engine->gradient = g_renew (gfloat, engine->gradient, n * item);
  engine->probabilities = g_renew (gfloat, engine->probabilities,
      (gsize) n * engine->num_classes);
  if (engine->cam != NULL)
    engine->cam = g_renew (gfloat, engine->cam,
        (gsize) n * engine->cam_width * engine->cam_height);
  engine->targets = g_renew (gint, engine->targets, n);
  engine->classes = g_renew (gint, engine->classes, n);
  engine->scores = g_renew (gfloat, engine->scores, n);
  engine->capacity = n;
}

gboolean
gbp_engine_run_regions (GbpEngine * engine, const GbpImage * image,
    const GbpRegion * regions, guint n_regions, GbpSaliency * saliencies,
    GError ** error)
{
  g_autofree gchar *message = NULL;
  g_autofree GbpImage *crops = NULL;
  gsize item, cam_item;
  GbpTorchStatus status;

  g_return_val_if_fail (engine != NULL, FALSE);
  g_return_val_if_fail (n_regions == 0 || (regions != NULL
          && saliencies != NULL), FALSE);

  if (!gbp_image_validate (image, error))
    return FALSE;
  if (n_regions == 0 || n_regions > GBP_MAX_REGIONS) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "%u regions is out of range (1..%u)", n_regions, GBP_MAX_REGIONS);
    return FALSE;
  }

  /* Every region is checked before any work. */
  crops = g_new (GbpImage, n_regions);
  for (guint i = 0; i < n_regions; i++) {
    g_autoptr (GError) region_error = NULL;
    GbpRegion clamped;

    if (!gbp_region_clamp (&regions[i], image, &clamped, &region_error)
        || !gbp_image_crop (image, &clamped, &crops[i], &region_error)) {
      g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
          "region %u: %s", i, region_error->message);
      return FALSE;
    }
  }
  if (!gbp_engine_apply_num_threads (engine, error))
    return FALSE;

  gbp_engine_reserve (engine, n_regions);
  item = (gsize) 3 * engine->input_width * engine->input_height;
  cam_item = (gsize) engine->cam_width * engine->cam_height;
  for (guint i = 0; i < n_regions; i++) {
    /* Each crop is resized and normalized exactly as a whole frame is. */
    gbp_preprocessor_run (engine->preprocessor, &crops[i],
        engine->input + i * item);
    engine->targets[i] = engine->target_class;
  }
  status = gbp_torch_model_run (engine->model, engine->input, n_regions, 3,
      engine->input_height, engine->input_width, engine->targets, NULL,
      engine->classes, engine->scores, engine->probabilities,
      engine->gradient, engine->cam_enabled ? engine->cam : NULL, &message);
  if (status != GBP_TORCH_OK) {
    g_set_error (error, GBP_ERROR, gbp_engine_error_from_torch (status),
        "running model '%s' on %u regions failed: %s", engine->model_path,
        n_regions, message);
    return FALSE;
  }
  for (guint i = 0; i < n_regions; i++) {
    gint chosen = engine->classes[i];

    saliencies[i] = (GbpSaliency) {
      .class_index = chosen,
      .score = engine->scores[i],
      .label = gbp_engine_get_label (engine, chosen),
      .gradient = engine->gradient + i * item,
      .width = engine->input_width,
      .height = engine->input_height,
      .cam = engine->cam_enabled ? engine->cam + i * cam_item : NULL,
      .cam_width = engine->cam_enabled ? engine->cam_width : 0,
      .cam_height = engine->cam_enabled ? engine->cam_height : 0,
      .probabilities = engine->probabilities
          + (gsize) i * engine->num_classes,
      .num_classes = engine->num_classes,
    };
  }
  return TRUE;
}
