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
    const GbpRegion * regions, guint n_regions, const GbpRunOptions * options,
    GbpSaliency * saliencies, GError ** error)
{
  g_autofree GbpImage *crops = NULL;

  g_return_val_if_fail (engine != NULL, FALSE);
  g_return_val_if_fail (n_regions == 0 || (regions != NULL
          && saliencies != NULL), FALSE);

  options = gbp_run_options_or_default (options);
  if (!gbp_image_validate (image, error)
      || !gbp_engine_check_run_options (engine, options, error))
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
  /* Each crop is resized and normalized exactly as a whole frame is. */
  return gbp_engine_run_batch (engine, crops, n_regions, options, TRUE,
      saliencies, error);
}
