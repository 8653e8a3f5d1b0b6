/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The per-frame work of the element: which frames the model runs on
 * (interval), running it here (synchronous) or handing the frame to the
 * worker (asynchronous), then drawing the saliency over the frame (or, with
 * render-mode none, leaving the frame as it is), the label if asked, and
 * the result as the buffer's GuidedBpMeta.
 */
#include "gstguidedbpprivate.h"

#include "gstguidedbpformat.h"
#include "gstguidedbpmessage.h"
#include "gstguidedbpnegotiation.h"
#include "gstguidedbpobjects.h"
#include "gstguidedbprender.h"
#include "gstguidedbpsettings.h"

#define GST_CAT_DEFAULT gst_guided_bp_debug

typedef GstGuidedBpFrameSettings FrameSettings;

static void
frame_settings_read (GstGuidedBp * self, FrameSettings * settings)
{
  gbp_render_options_init (&settings->options);
  GST_OBJECT_LOCK (self);
  settings->render_mode = self->render_mode;
  if (self->render_mode != GST_GUIDED_BP_RENDER_NONE)
    settings->options.mode = self->render_mode;
  settings->options.colormap = self->colormap;
  settings->options.alpha = self->alpha;
  settings->options.smoothing = self->smoothing;
  settings->target_class = self->target_class;
  settings->target_label = g_strdup (self->target_label);
  settings->post_messages = self->post_messages;
  settings->interval = self->interval;
  settings->top_k = self->top_k;
  settings->annotate = self->annotate;
  settings->inference_region = self->inference_region;
  settings->object_class = g_strdup (self->object_class);
  settings->max_objects = self->max_objects;
  GST_OBJECT_UNLOCK (self);
}

static void
frame_settings_clear (FrameSettings * settings)
{
  g_clear_pointer (&settings->target_label, g_free);
  g_clear_pointer (&settings->object_class, g_free);
}

void
gst_guided_bp_restart (GstGuidedBp * self)
{
  if (self->renderer != NULL)
    gbp_renderer_reset (self->renderer);
  gst_guided_bp_objects_reset (self);
  self->frames_since_run = G_MAXUINT;
}

void
gst_guided_bp_set_in_place (GstGuidedBp * self, gboolean in_place)
{
  GST_DEBUG_OBJECT (self, "frames %s", in_place ? "pass in place" :
      "are rendered into new buffers");
  gst_base_transform_set_in_place (GST_BASE_TRANSFORM (self), in_place);
  /* The next buffer renegotiates: no output pool in place, one otherwise. */
  gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
  self->in_place = in_place;
}

void
gst_guided_bp_before_transform (GstBaseTransform * trans, GstBuffer * buffer)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  gboolean in_place;

  GST_OBJECT_LOCK (self);
  in_place = self->render_mode == GST_GUIDED_BP_RENDER_NONE;
  GST_OBJECT_UNLOCK (self);

  if (in_place != self->in_place)
    gst_guided_bp_set_in_place (self, in_place);
}

gboolean
gst_guided_bp_resolve_target_label (GstGuidedBp * self, const gchar * label,
    gint * class_index, GError ** error)
{
  GError *find_error = NULL;
  gint found;

  if (g_strcmp0 (label, self->resolved_label) == 0) {
    *class_index = self->resolved_class;
    return TRUE;
  }
  if (!gbp_engine_find_label (self->engine, label, &found, &find_error)) {
    g_set_error (error, find_error->domain, find_error->code,
        "Invalid value for property 'target-label': %s", find_error->message);
    g_clear_error (&find_error);
    return FALSE;
  }
  GST_DEBUG_OBJECT (self, "target label '%s' is class %d", label, found);
  g_free (self->resolved_label);
  self->resolved_label = g_strdup (label);
  self->resolved_class = found;
  *class_index = found;
  return TRUE;
}

/* Synchronous mode: runs the engine on @image into self->saliency. */
static gboolean
gst_guided_bp_explain (GstGuidedBp * self, const GbpImage * image,
    const GstGuidedBpRunSettings * settings)
{
  GstMessage *error_message = NULL;

  self->has_saliency = gst_guided_bp_run (GST_ELEMENT_CAST (self),
      self->engine, self->engine_model, &self->applied, settings, image,
      &self->saliency, &error_message);
  if (error_message != NULL)
    gst_element_post_message (GST_ELEMENT_CAST (self), error_message);
  return self->has_saliency;
}

/* Synchronous mode, after a model frame: its timing, the latency and the
 * message. */
static void
gst_guided_bp_account (GstGuidedBp * self, GstClockTime pts,
    GstClockTime elapsed, const FrameSettings * settings)
{
  gboolean latency_grew;

  GST_LOG_OBJECT (self, "class %d score %f in %" GST_TIME_FORMAT,
      self->saliency.class_index, self->saliency.score,
      GST_TIME_ARGS (elapsed));

  gst_guided_bp_timing_init (&self->timing,
      &GST_BASE_TRANSFORM (self)->segment, pts, elapsed);

  GST_OBJECT_LOCK (self);
  latency_grew = gst_guided_bp_latency_add (&self->latency, elapsed);
  GST_OBJECT_UNLOCK (self);

  if (settings->post_messages)
    gst_element_post_message (GST_ELEMENT_CAST (self),
        gst_guided_bp_message_new (GST_OBJECT_CAST (self), self->engine,
            &self->saliency, &self->timing, settings->top_k));

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
    gboolean run, GstClockTime pts, const GstGuidedBpRunSettings * run_settings,
    const FrameSettings * settings, gboolean * failed)
{
  *failed = gst_guided_bp_worker_has_failed (self->worker);
  if (*failed)
    return NULL;
  if (run && !gst_guided_bp_worker_submit (self->worker, image, pts,
          &GST_BASE_TRANSFORM (self)->segment, run_settings,
          settings->post_messages, settings->top_k)) {
    *failed = TRUE;
    return NULL;
  }

  if (gst_guided_bp_worker_take_result (self->worker, &self->result))
    GST_LOG_OBJECT (self, "new saliency, of frame %" GST_TIME_FORMAT,
        GST_TIME_ARGS (self->result->timing.timestamp));

  if (!self->result->valid)
    return NULL;
  /* Just switched to a Grad-CAM mode: the map comes with a later result. */
  if (run_settings->gradcam && self->result->view.cam == NULL)
    return NULL;
  return &self->result->view;
}

/* The frame: @outframe is @inframe itself for render-mode none, mapped
 * writable only when @settings asks for the label to be drawn. */
static GstFlowReturn
gst_guided_bp_process (GstGuidedBp * self, GstVideoFrame * inframe,
    GstVideoFrame * outframe, const FrameSettings * settings)
{
  GstClockTime pts = GST_BUFFER_PTS (inframe->buffer);
  GbpImage in_image, out_image;
  GstGuidedBpRunSettings run_settings;
  const GbpSaliency *saliency;
  const GstGuidedBpTiming *timing;
  GError *error = NULL;
  GstClockTime started = 0;
  gboolean run, ran = FALSE;

  if (!gst_guided_bp_check_live_values (settings->target_class,
          settings->options.alpha, settings->options.smoothing,
          settings->interval, &error))
    goto settings_failed;
  run_settings.target_class = settings->target_class;
  if (settings->target_label != NULL
      && !gst_guided_bp_resolve_target_label (self, settings->target_label,
          &run_settings.target_class, &error))
    goto settings_failed;
  run_settings.gradcam = settings->render_mode != GST_GUIDED_BP_RENDER_NONE
      && gbp_render_mode_needs_gradcam (settings->options.mode);

  if (!gst_guided_bp_image_from_frame (inframe, &in_image)
      || !gst_guided_bp_image_from_frame (outframe, &out_image))
    goto unsupported_format;

  if (GST_BUFFER_FLAG_IS_SET (inframe->buffer, GST_BUFFER_FLAG_DISCONT)) {
    GST_DEBUG_OBJECT (self, "discontinuity: starting afresh");
    gst_guided_bp_restart (self);
  }

  if (settings->inference_region == GST_GUIDED_BP_INFERENCE_REGION_ROI_LIST)
    return gst_guided_bp_process_objects (self, inframe, outframe, &in_image,
        &out_image, &run_settings, settings);

  /* Every interval-th frame is a model frame. */
  run = self->frames_since_run >= settings->interval;
  if (run)
    self->frames_since_run = 1;
  else
    self->frames_since_run++;

  if (self->worker == NULL) {
    /* The kept saliency lacks the Grad-CAM map the mode now needs. */
    if (!run && (!self->has_saliency
            || (run_settings.gradcam && self->saliency.cam == NULL))) {
      run = TRUE;
      self->frames_since_run = 1;
    }
    if (run) {
      started = gst_util_get_timestamp ();
      if (!gst_guided_bp_explain (self, &in_image, &run_settings))
        return GST_FLOW_ERROR;
      ran = TRUE;
    }
    saliency = &self->saliency;
    timing = &self->timing;
  } else {
    gboolean failed;

    saliency = gst_guided_bp_exchange (self, &in_image, run, pts,
        &run_settings, settings, &failed);
    if (failed)
      goto worker_failed;
    timing = &self->result->timing;
  }

  if (settings->render_mode == GST_GUIDED_BP_RENDER_NONE)
    GST_LOG_OBJECT (self, "render-mode none: the frame passes unchanged");
  else if (saliency == NULL)
    gst_guided_bp_render_placeholder (settings->options.mode, inframe,
        outframe);
  else if (!gbp_renderer_render (self->renderer, &settings->options,
          saliency, &in_image, &out_image, &error))
    goto render_failed;

  if (ran)
    gst_guided_bp_account (self, pts, gst_util_get_timestamp () - started,
        settings);

  if (saliency != NULL) {
    if (settings->annotate) {
      gchar *text = gst_guided_bp_annotation_text (self->engine, saliency,
          settings->target_label != NULL
          || settings->target_class != GBP_TARGET_CLASS_TOP);

      /* Made on first use: Pango and fontconfig load their configuration
       * and fonts only for elements that draw text. */
      if (self->annotator == NULL)
        self->annotator = gst_guided_bp_annotator_new ();
      gst_guided_bp_annotator_draw (self->annotator, text, &out_image);
      g_free (text);
    }
    gst_guided_bp_meta_add (outframe->buffer, self->engine, saliency, timing,
        settings->top_k);
  }

  return GST_FLOW_OK;

  /* ERRORS */
settings_failed:
  {
    gst_guided_bp_post_settings_error (GST_ELEMENT_CAST (self), error);
    g_clear_error (&error);
    return GST_FLOW_ERROR;
  }
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
                (GST_TYPE_GUIDED_BP_RENDER_MODE),
                settings->options.mode)->value_nick, self->engine_model),
        ("%s", error->message));
    g_clear_error (&error);
    return GST_FLOW_ERROR;
  }
}

GstFlowReturn
gst_guided_bp_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * inframe, GstVideoFrame * outframe)
{
  GstGuidedBp *self = GST_GUIDED_BP (filter);
  FrameSettings settings;
  GstFlowReturn ret;

  frame_settings_read (self, &settings);
  /* Switched to none after this buffer was allocated: the next one passes
   * in place; this one is a copy. */
  if (settings.render_mode == GST_GUIDED_BP_RENDER_NONE)
    gst_video_frame_copy (outframe, inframe);
  ret = gst_guided_bp_process (self, inframe, outframe, &settings);
  frame_settings_clear (&settings);
  return ret;
}

GstFlowReturn
gst_guided_bp_transform_ip (GstBaseTransform * trans, GstBuffer * buffer)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  GstVideoFilter *filter = GST_VIDEO_FILTER (trans);
  FrameSettings settings;
  GstVideoFrame frame;
  GstMapFlags flags = GST_MAP_READ | GST_VIDEO_FRAME_MAP_FLAG_NO_REF;
  GstFlowReturn ret;

  if (G_UNLIKELY (!filter->negotiated))
    goto not_negotiated;

  frame_settings_read (self, &settings);
  /* Switched away from none after this buffer came: it shows the
   * frame; the next one is rendered. */
  settings.render_mode = GST_GUIDED_BP_RENDER_NONE;
  /* Only the label is ever written: a frame shared with others is copied
   * then, and only then. */
  if (settings.annotate)
    flags |= GST_MAP_WRITE;
  if (!gst_video_frame_map (&frame, &filter->in_info, buffer, flags))
    goto map_failed;
  ret = gst_guided_bp_process (self, &frame, &frame, &settings);
  gst_video_frame_unmap (&frame);
  frame_settings_clear (&settings);
  return ret;

  /* ERRORS */
not_negotiated:
  {
    GST_ELEMENT_ERROR (self, CORE, NOT_IMPLEMENTED, (NULL),
        ("a frame came before the caps"));
    return GST_FLOW_NOT_NEGOTIATED;
  }
map_failed:
  {
    GST_ELEMENT_ERROR (self, STREAM, FAILED, (NULL),
        ("could not map the frame %" GST_PTR_FORMAT, buffer));
    frame_settings_clear (&settings);
    return GST_FLOW_ERROR;
  }
}
