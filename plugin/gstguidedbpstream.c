/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The per-frame work of the element: which frames the model runs on
 * (interval), running it here (synchronous) or handing the frame to the
 * worker (asynchronous), then drawing the saliency over the frame.
 */
#include "gstguidedbpprivate.h"

#include "gstguidedbpformat.h"
#include "gstguidedbpmessage.h"
#include "gstguidedbpnegotiation.h"
#include "gstguidedbprender.h"

#define GST_CAT_DEFAULT gst_guided_bp_debug

void
gst_guided_bp_restart (GstGuidedBp * self)
{
  if (self->renderer != NULL)
    gbp_renderer_reset (self->renderer);
  self->frames_since_run = G_MAXUINT;
}

/* Synchronous mode: runs the engine on @image into self->saliency. */
static gboolean
gst_guided_bp_explain (GstGuidedBp * self, const GbpImage * image,
    const GstGuidedBpRunSettings * settings)
{
  self->has_saliency = gst_guided_bp_run (GST_ELEMENT_CAST (self),
      self->engine, self->engine_model, &self->applied, settings, image,
      &self->saliency);
  return self->has_saliency;
}

/* Synchronous mode, after a model frame: the latency and the message. */
static void
gst_guided_bp_account (GstGuidedBp * self, GstClockTime pts,
    GstClockTime elapsed, gboolean post_messages)
{
  gboolean latency_grew;

  GST_LOG_OBJECT (self, "class %d score %f in %" GST_TIME_FORMAT,
      self->saliency.class_index, self->saliency.score,
      GST_TIME_ARGS (elapsed));

  GST_OBJECT_LOCK (self);
  latency_grew = gst_guided_bp_latency_add (&self->latency, elapsed);
  GST_OBJECT_UNLOCK (self);

  if (post_messages)
    gst_element_post_message (GST_ELEMENT_CAST (self),
        gst_guided_bp_message_new (GST_OBJECT_CAST (self),
            &GST_BASE_TRANSFORM (self)->segment, pts, &self->saliency,
            elapsed));

  if (latency_grew) {
    GST_INFO_OBJECT (self, "processing time grew to %" GST_TIME_FORMAT,
        GST_TIME_ARGS (elapsed));
    gst_element_post_message (GST_ELEMENT_CAST (self),
        gst_message_new_latency (GST_OBJECT_CAST (self)));
  }
}

/* Asynchronous mode: hands @image to the worker when @run and returns the
 * latest finished saliency, or NULL when there is none to draw yet. */
static const GbpSaliency *
gst_guided_bp_exchange (GstGuidedBp * self, const GbpImage * image,
    gboolean run, GstClockTime pts, const GstGuidedBpRunSettings * settings,
    gboolean post_messages, gboolean * failed)
{
  *failed = gst_guided_bp_worker_has_failed (self->worker);
  if (*failed)
    return NULL;
  if (run && !gst_guided_bp_worker_submit (self->worker, image, pts,
          &GST_BASE_TRANSFORM (self)->segment, settings, post_messages)) {
    *failed = TRUE;
    return NULL;
  }

  if (gst_guided_bp_worker_take_result (self->worker, &self->result))
    GST_LOG_OBJECT (self, "new saliency, of frame %" GST_TIME_FORMAT,
        GST_TIME_ARGS (self->result->pts));

  if (!self->result->valid)
    return NULL;
  /* Just switched to a Grad-CAM mode: the map comes with a later result. */
  if (settings->gradcam && self->result->view.cam == NULL)
    return NULL;
  return &self->result->view;
}

GstFlowReturn
gst_guided_bp_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * inframe, GstVideoFrame * outframe)
{
  GstGuidedBp *self = GST_GUIDED_BP (filter);
  GstClockTime pts = GST_BUFFER_PTS (inframe->buffer);
  GbpImage in_image, out_image;
  GbpRenderOptions options;
  GstGuidedBpRunSettings settings;
  const GbpSaliency *saliency;
  GError *error = NULL;
  GstClockTime started = 0;
  gboolean post_messages, run, ran = FALSE;
  guint interval;

  gbp_render_options_init (&options);
  GST_OBJECT_LOCK (self);
  options.mode = self->render_mode;
  options.colormap = self->colormap;
  options.alpha = self->alpha;
  options.smoothing = self->smoothing;
  settings.target_class = self->target_class;
  post_messages = self->post_messages;
  interval = self->interval;
  GST_OBJECT_UNLOCK (self);
  settings.gradcam = gbp_render_mode_needs_gradcam (options.mode);

  if (!gst_guided_bp_image_from_frame (inframe, &in_image)
      || !gst_guided_bp_image_from_frame (outframe, &out_image))
    goto unsupported_format;

  if (GST_BUFFER_FLAG_IS_SET (inframe->buffer, GST_BUFFER_FLAG_DISCONT)) {
    GST_DEBUG_OBJECT (self, "discontinuity: starting afresh");
    gst_guided_bp_restart (self);
  }

  /* Every interval-th frame is a model frame. */
  run = self->frames_since_run >= interval;
  if (run)
    self->frames_since_run = 1;
  else
    self->frames_since_run++;

  if (self->worker == NULL) {
    /* The kept saliency lacks the Grad-CAM map the mode now needs. */
    if (!run && (!self->has_saliency
            || (settings.gradcam && self->saliency.cam == NULL))) {
      run = TRUE;
      self->frames_since_run = 1;
    }
    if (run) {
      started = gst_util_get_timestamp ();
      if (!gst_guided_bp_explain (self, &in_image, &settings))
        return GST_FLOW_ERROR;
      ran = TRUE;
    }
    saliency = &self->saliency;
  } else {
    gboolean failed;

    saliency = gst_guided_bp_exchange (self, &in_image, run, pts, &settings,
        post_messages, &failed);
    if (failed)
      goto worker_failed;
  }

  if (saliency == NULL)
    gst_guided_bp_render_placeholder (options.mode, inframe, outframe);
  else if (!gbp_renderer_render (self->renderer, &options, saliency,
          &in_image, &out_image, &error))
    goto render_failed;

  if (ran)
    gst_guided_bp_account (self, pts, gst_util_get_timestamp () - started,
        post_messages);

  return GST_FLOW_OK;

  /* ERRORS */
unsupported_format:
  {
    gst_guided_bp_post_format_error (GST_ELEMENT_CAST (self),
        GST_VIDEO_FRAME_FORMAT (inframe));
    return GST_FLOW_NOT_NEGOTIATED;
  }
worker_failed:
  {
    /* The worker posted the error. */
    GST_DEBUG_OBJECT (self, "the model's thread failed");
    return GST_FLOW_ERROR;
  }
render_failed:
  {
    GST_ELEMENT_ERROR (self, LIBRARY, FAILED,
        ("Could not render the %s saliency of model '%s'",
            g_enum_get_value (g_type_class_peek
                (GST_TYPE_GUIDED_BP_RENDER_MODE), options.mode)->value_nick,
            self->engine_model), ("%s", error->message));
    g_clear_error (&error);
    return GST_FLOW_ERROR;
  }
}
