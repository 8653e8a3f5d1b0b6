/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpstart.h"

#include <string.h>

#include <guidedbp/gbp-error.h>

#include "gstguidedbpenums.h"
#include "gstguidedbpmodel.h"
#include "gstguidedbpobjects.h"
#include "gstguidedbpsettings.h"

#define GST_CAT_DEFAULT gst_guided_bp_debug

void
gst_guided_bp_start_settings_read (GstGuidedBp * self,
    GstGuidedBpStartSettings * s)
{
  GbpEngineConfig *config = &s->config;

  gbp_engine_config_init (config);

  GST_OBJECT_LOCK (self);
  s->model = g_strdup (self->model);
  s->labels = gst_guided_bp_resolve_labels (self->model, self->labels);
  s->device = g_strdup (self->device);
  s->gradcam_layer = g_strdup (self->gradcam_layer);
  s->target_label = g_strdup (self->target_label);
  s->invalid_mean = g_strdup (self->invalid_mean);
  s->invalid_std = g_strdup (self->invalid_std);
  config->input_width = self->input_width;
  config->input_height = self->input_height;
  memcpy (config->mean, self->mean, sizeof (config->mean));
  memcpy (config->std, self->std, sizeof (config->std));
  config->num_threads = self->num_threads;
  config->fold_batch_norm = self->fold_batch_norm;
  config->tune_kernels = self->tune_kernels;
  config->precision = self->precision;
  s->target_class = self->target_class;
  s->alpha = self->alpha;
  s->smoothing = self->smoothing;
  s->interval = self->interval;
  s->async = self->async;
  s->inference_region = self->inference_region;
  s->max_objects = self->max_objects;
  gst_guided_bp_latency_reset (&self->latency);
  GST_OBJECT_UNLOCK (self);

  config->model_path = s->model;
  config->labels_path = s->labels;
  config->device = s->device;
  /* Always a layer ("" is the last convolution), so that a Grad-CAM render
   * mode can be chosen while playing; it costs nothing until then. */
  config->gradcam_layer = s->gradcam_layer;
}

void
gst_guided_bp_start_settings_clear (GstGuidedBpStartSettings * s,
    gboolean free_model)
{
  if (free_model)
    g_free (s->model);
  g_free (s->labels);
  g_free (s->device);
  g_free (s->gradcam_layer);
  g_free (s->target_label);
  g_free (s->invalid_mean);
  g_free (s->invalid_std);
}

gboolean
gst_guided_bp_start_settings_check (const GstGuidedBpStartSettings * s,
    GError ** error)
{
  const GbpEngineConfig *config = &s->config;
  gfloat unused[3];

  if (s->invalid_mean != NULL
      && !gst_guided_bp_parse_triplet ("mean", s->invalid_mean, unused, error))
    return FALSE;
  if (s->invalid_std != NULL
      && !gst_guided_bp_parse_triplet ("std", s->invalid_std, unused, error))
    return FALSE;
  return gst_guided_bp_check_range ("input-width", config->input_width, 1,
      GST_GUIDED_BP_MAX_INPUT_SIZE, error)
      && gst_guided_bp_check_range ("input-height", config->input_height, 1,
      GST_GUIDED_BP_MAX_INPUT_SIZE, error)
      && gst_guided_bp_check_range ("num-threads", config->num_threads, 0,
      GST_GUIDED_BP_MAX_NUM_THREADS, error)
      && gst_guided_bp_check_live_values (s->target_class, s->alpha,
      s->smoothing, s->interval, error)
      && gst_guided_bp_check_objects_settings (s->inference_region, s->async,
      s->interval, s->max_objects, error);
}

void
gst_guided_bp_post_load_error (GstElement * element, const gchar * model,
    const gchar * labels, const gchar * device, const GError * error)
{
  switch (error->code) {
    case GBP_ERROR_MODEL_LOAD:
      GST_ELEMENT_ERROR (element, RESOURCE, OPEN_READ,
          ("Could not load model '%s'", model), ("%s", error->message));
      break;
    case GBP_ERROR_LABELS:
      GST_ELEMENT_ERROR (element, RESOURCE, OPEN_READ,
          ("Could not load labels '%s' for model '%s'", GST_STR_NULL (labels),
              model), ("%s", error->message));
      break;
    case GBP_ERROR_DEVICE:
      GST_ELEMENT_ERROR (element, RESOURCE, SETTINGS,
          ("Could not load model '%s' on device '%s'", model, device),
          ("%s", error->message));
      break;
    case GBP_ERROR_MODEL_NOT_CLASSIFIER:
    case GBP_ERROR_MODEL_UNSUPPORTED:
    case GBP_ERROR_RUN:
      GST_ELEMENT_ERROR (element, LIBRARY, INIT,
          ("Could not load model '%s'", model), ("%s", error->message));
      break;
    case GBP_ERROR_INVALID_ARGUMENT:
    default:
      /* the model is fine; a property (target-class, std, gradcam-layer,
       * input size) does not fit it */
      GST_ELEMENT_ERROR (element, LIBRARY, SETTINGS,
          ("Invalid settings for model '%s': %s", model, error->message),
          ("%s", error->message));
      break;
  }
}
