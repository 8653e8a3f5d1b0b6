/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The per-frame work of the element: which frames the model runs on
 * (interval), explaining it here (synchronous) or handing it to the worker
 * (asynchronous), then publishing the latest result: drawing it (over the
 * frame itself for none and the modes blended over the frame, into a new
 * buffer for the others), the label if asked, and the result as the
 * buffer's GuidedBpMeta.
 */
#include "gstguidedbpprivate.h"

#include "gstguidedbpformat.h"
#include "gstguidedbpmessage.h"
#include "gstguidedbpnegotiation.h"
#include "gstguidedbpobjects.h"
#include "gstguidedbpenums.h"
#include "gstguidedbpplaceholder.h"
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
  settings->object_types = self->object_types ?
      g_array_ref (self->object_types) : NULL;
  settings->max_objects = self->max_objects;
  GST_OBJECT_UNLOCK (self);
}

static void
frame_settings_clear (FrameSettings * settings)
{
  g_clear_pointer (&settings->target_label, g_free);
  g_clear_pointer (&settings->object_types, g_array_unref);
}

void
gst_guided_bp_restart (GstGuidedBp * self)
{
  if (self->renderer != NULL)
    gbp_renderer_reset (self->renderer);
  gst_guided_bp_objects_reset (self);
  self->frames_since_run = G_MAXUINT;
}

gboolean
gst_guided_bp_frames_in_place (GstGuidedBp * self)
{
  gboolean in_place;

  GST_OBJECT_LOCK (self);
  in_place = self->render_mode == GST_GUIDED_BP_RENDER_NONE
      || (gst_guided_bp_mode_is_in_place (self->render_mode)
      && self->inference_region != GST_GUIDED_BP_INFERENCE_REGION_ROI_LIST);
  GST_OBJECT_UNLOCK (self);
  return in_place;
}

void
gst_guided_bp_set_in_place (GstGuidedBp * self, gboolean in_place)
{
  GST_DEBUG_OBJECT (self, "frames %s", in_place ? "are drawn on in place" :
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
  gboolean in_place = gst_guided_bp_frames_in_place (self);

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

void
gst_guided_bp_add_latency (GstGuidedBp * self, GstClockTime elapsed)
{
  gboolean latency_grew;

  GST_OBJECT_LOCK (self);
  latency_grew = gst_guided_bp_latency_add (&self->latency, elapsed);
  GST_OBJECT_UNLOCK (self);

  if (latency_grew) {
    GST_INFO_OBJECT (self, "processing time grew to %" GST_TIME_FORMAT,
        GST_TIME_ARGS (elapsed));
    gst_element_post_message (GST_ELEMENT_CAST (self),
        gst_message_new_latency (GST_OBJECT_CAST (self)));
  }
}

/* The request of the frame in @buffer from @settings: the class to
 * explain (target-label looked up), Grad-CAM when the mode needs it, the
 * frame's time and what the result carries. */
static gboolean
frame_request (GstGuidedBp * self, const FrameSettings * settings,
    GstBuffer * buffer, GstGuidedBpRequest * request, GError ** error)
{
  gbp_run_options_init (&request->options);
  request->options.target_class = settings->target_class;
  if (settings->target_label != NULL
      && !gst_guided_bp_resolve_target_label (self, settings->target_label,
          &request->options.target_class, error))
    return FALSE;
  request->options.gradcam =
      settings->render_mode != GST_GUIDED_BP_RENDER_NONE
      && gbp_render_mode_needs_gradcam (settings->options.mode);
  request->pts = GST_BUFFER_PTS (buffer);
  request->segment = GST_BASE_TRANSFORM (self)->segment;
  request->post_messages = settings->post_messages;
  request->top_k = settings->top_k;
  return TRUE;
}

/* TRUE when self->result can be drawn for @request: there is one, and it
 * has the Grad-CAM map if the mode needs it (just switched to a Grad-CAM
 * mode, the map comes with the next model frame). */
static gboolean
result_serves (GstGuidedBp * self, const GstGuidedBpRequest * request)
{
  return self->result->valid
      && (!request->options.gradcam || self->result->view.cam != NULL);
}

/* Synchronous mode: explains @image here; self->result borrows the
 * engine's saliency until its next run. */
static gboolean
explain_here (GstGuidedBp * self, const GbpImage * image,
    const GstGuidedBpRequest * request)
{
  GstMessage *error_message = NULL;
  GbpSaliency saliency;

  if (!gst_guided_bp_explain (GST_ELEMENT_CAST (self), self->engine,
          self->engine_model, &request->options, image, NULL, 0, &saliency,
          &error_message)) {
    gst_guided_bp_saliency_invalidate (self->result);
    gst_element_post_message (GST_ELEMENT_CAST (self), error_message);
    return FALSE;
  }
  gst_guided_bp_saliency_borrow (self->result, &saliency);
  return TRUE;
}

/* Asynchronous mode: hands @image to the worker when @run, and takes its
 * latest published result into self->result. FALSE once it failed. */
static gboolean
exchange_with_worker (GstGuidedBp * self, const GbpImage * image,
    gboolean run, const GstGuidedBpRequest * request)
{
  if (gst_guided_bp_worker_has_failed (self->worker))
    return FALSE;
  if (run && !gst_guided_bp_worker_submit (self->worker, image, request))
    return FALSE;
  if (gst_guided_bp_worker_take_result (self->worker, &self->result))
    GST_LOG_OBJECT (self, "new saliency, of frame %" GST_TIME_FORMAT,
        GST_TIME_ARGS (self->result->timing.timestamp));
  return TRUE;
}

void
gst_guided_bp_annotate (GstGuidedBp * self,
    const GstGuidedBpFrameSettings * settings, const GbpSaliency * saliency,
    GbpImage * out_image)
{
  gchar *text = gst_guided_bp_annotation_text (self->engine, saliency,
      settings->target_label != NULL
      || settings->target_class != GBP_TARGET_CLASS_TOP);

  /* Made on first use: Pango and fontconfig load their configuration
   * and fonts only for elements that draw text. */
  if (self->annotator == NULL)
    self->annotator = gst_guided_bp_annotator_new ();
  gst_guided_bp_annotator_draw (self->annotator, text, out_image);
  g_free (text);
}

/* The frame: @outframe is @inframe itself for render-mode none, mapped
 * writable only when @settings asks for the label to be drawn. Explain
 * (here, or by the worker), then publish: draw the latest result, label
 * it, attach it. */
static GstFlowReturn
gst_guided_bp_process (GstGuidedBp * self, GstVideoFrame * inframe,
    GstVideoFrame * outframe, const FrameSettings * settings)
{
  GbpImage in_image, out_image;
  GstGuidedBpRequest request;
  const GbpSaliency *saliency = NULL;
  GError *error = NULL;
  GstClockTime started = 0;
  gboolean run, ran = FALSE;

  if (!gst_guided_bp_check_live_values (settings->target_class,
          settings->options.alpha, settings->options.smoothing,
          settings->interval, &error)
      || !frame_request (self, settings, inframe->buffer, &request, &error))
    goto settings_failed;

  if (!gst_guided_bp_image_from_frame (inframe, &in_image)
      || !gst_guided_bp_image_from_frame (outframe, &out_image))
    goto unsupported_format;

  if (GST_BUFFER_FLAG_IS_SET (inframe->buffer, GST_BUFFER_FLAG_DISCONT)) {
    GST_DEBUG_OBJECT (self, "discontinuity: starting afresh");
    gst_guided_bp_restart (self);
  }

  if (settings->inference_region == GST_GUIDED_BP_INFERENCE_REGION_ROI_LIST)
    return gst_guided_bp_process_objects (self, inframe, outframe, &in_image,
        &out_image, &request, settings);

  /* Every interval-th frame is a model frame; so is one whose kept result
   * cannot be drawn, in synchronous mode (asynchronous mode shows the
   * placeholder until the worker has one). */
  run = self->frames_since_run >= settings->interval
      || (self->worker == NULL && !result_serves (self, &request));
  if (run)
    self->frames_since_run = 1;
  else
    self->frames_since_run++;

  if (self->worker == NULL) {
    if (run) {
      started = gst_util_get_timestamp ();
      if (!explain_here (self, &in_image, &request))
        return GST_FLOW_ERROR;
      ran = TRUE;
    }
  } else if (!exchange_with_worker (self, &in_image, run, &request)) {
    goto worker_failed;
  }
  if (result_serves (self, &request))
    saliency = &self->result->view;

  if (settings->render_mode == GST_GUIDED_BP_RENDER_NONE)
    GST_LOG_OBJECT (self, "render-mode none: the frame passes unchanged");
  else if (saliency == NULL)
    gst_guided_bp_render_placeholder (settings->options.mode, inframe,
        outframe);
  else if (!gbp_renderer_render (self->renderer, &settings->options,
          saliency, &in_image, &out_image, &error))
    goto render_failed;

  /* Synchronous: the frame's processing time covers the drawing too. */
  if (ran) {
    GstClockTime elapsed = gst_util_get_timestamp () - started;

    gst_guided_bp_request_timing (&request, elapsed, &self->result->timing);
    gst_guided_bp_add_latency (self, elapsed);
    gst_guided_bp_publish (GST_ELEMENT_CAST (self), self->engine, saliency,
        &request, &self->result->timing);
  }

  if (saliency != NULL) {
    if (settings->annotate)
      gst_guided_bp_annotate (self, settings, saliency, &out_image);
    gst_guided_bp_meta_add (outframe->buffer, self->engine, saliency,
        &self->result->timing, settings->top_k);
  }

  return GST_FLOW_OK;

  /* ERRORS */
settings_failed:
  {
    gst_guided_bp_post_settings_error (GST_ELEMENT_CAST (self), &error);
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
   * in place; this one is a copy. (A mode drawn over the frame reads it
   * from @inframe.) */
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
  /* Mapped writable only to be drawn on (a mode drawn over the frame, or
   * the label): a frame shared with others is copied then, and only then.
   * A mode that replaces the frame, switched to after this buffer came,
   * draws over it too; the next buffer is a new one. */
  if (settings.render_mode != GST_GUIDED_BP_RENDER_NONE || settings.annotate)
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
