/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-guidedbp
 * @title: guidedbp
 * @short_description: replaces each video frame by its Guided
 * Backpropagation saliency map
 *
 * guidedbp runs an image classifier (a TorchScript file) on the frames,
 * back-propagates the score of the top class (or of #GstGuidedBp:target-class)
 * to the input with the Guided Backpropagation rule, and outputs a picture
 * of the input gradient of the frame's size and format. #GstGuidedBp:render-mode
 * chooses the picture: the reference colour gradient (grey where the pixels
 * do not matter to the class, coloured where they do), gray magnitudes,
 * the positive or negative part, a heatmap through #GstGuidedBp:colormap,
 * the heatmap blended over the frame (#GstGuidedBp:alpha), or Grad-CAM and
 * Guided Grad-CAM (at #GstGuidedBp:gradcam-layer). #GstGuidedBp:smoothing
 * steadies the map over time.
 *
 * Frames may be any size: they are stretched to #GstGuidedBp:input-width x
 * #GstGuidedBp:input-height for the model, and the saliency map is resized
 * back. The element takes the packed RGB family and the YUV layouts
 * decoders and cameras produce (NV12, I420, YUY2), converted to the model's
 * RGB in the same pass as the resize with the caps' colorimetry; output
 * caps equal input caps, the saliency drawn in the frame's own format.
 * When upstream offers only other formats the element posts a warning
 * naming them and suggesting videoconvert. Late frames are dropped before
 * any work (QoS).
 *
 * Live pipelines whose model is slower than the video have two ways out.
 * #GstGuidedBp:interval runs the model on every Nth frame only and draws
 * the last saliency over the frames in between. #GstGuidedBp:async runs the
 * model in a thread of its own on the newest frame: no frame waits for it,
 * every frame leaves at once with the most recent finished saliency drawn
 * over it. The element then adds no latency; otherwise it adds its measured
 * processing time to the latency.
 *
 * Every output buffer with a saliency carries its result as a
 * #GstCustomMeta named `GuidedBpMeta` (gst_buffer_get_custom_meta(),
 * gst_custom_meta_get_structure()): `class` (gint, the explained class),
 * `score` (gdouble, its softmax probability), `label` (string, only with
 * labels), `top-classes`, `top-scores` and `top-labels` (#GstValueArray of
 * gint, gdouble and string: the #GstGuidedBp:top-k most probable classes),
 * and `timestamp`, `stream-time`, `running-time` (guint64, of the frame the
 * model ran on: with #GstGuidedBp:interval or #GstGuidedBp:async, an
 * earlier frame than the buffer's own) and `processing-time` (guint64,
 * nanoseconds). The meta has no tags: elements that convert or scale the
 * frame keep it. #GstGuidedBp:render-mode `none` passes the frames through
 * unchanged, in place, with the meta, for applications that draw
 * themselves; #GstGuidedBp:annotate draws the label and score on the video.
 *
 * With #GstGuidedBp:post-messages, an element message named `guidedbp`
 * with the same fields describes each explained frame (each frame the
 * model ran on). In asynchronous mode it is posted from the model's thread
 * when the result is ready.
 *
 * Invalid property values fail the start with an error naming the property
 * and the value (and, for those that change while playing, fail streaming
 * at the next frame): the numeric properties declare their type's whole
 * range, because GObject would otherwise drop an out-of-range value with a
 * warning the element never sees; each one's description gives its valid
 * range. gst-launch-1.0 parses enumerations itself and, for an unknown
 * nick, says only that it could not set the property:
 * `gst-inspect-1.0 guidedbp` lists the valid ones.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! video/x-raw,width=320,height=240 ! \
 *     guidedbp ! videoconvert ! autovideosink
 * ]| Saliency of the test pattern with the bundled demo model.
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=30 ! \
 *     video/x-raw,width=320,height=240 ! \
 *     guidedbp model=tests/data/models/alexnet_inplace.pt input-width=64 \
 *     input-height=64 post-messages=true ! videoconvert ! pngenc ! \
 *     multifilesink location=/tmp/saliency-%02d.png -m
 * ]| Thirty PNG files from a small test model (run in the source tree),
 * printing each frame's class and score.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true pattern=ball ! \
 *     video/x-raw,width=640,height=480,framerate=30/1 ! videoconvert ! \
 *     guidedbp async=true render-mode=overlay colormap=turbo alpha=0.4 \
 *     smoothing=0.5 ! videoconvert ! autovideosink
 * ]| A live source at full frame rate, the latest saliency as a heatmap
 * over each frame, however slow the model.
 * |[
 * gst-launch-1.0 -e v4l2src ! videoconvert ! guidedbp render-mode=overlay \
 *     annotate=true ! videoconvert ! x264enc ! mp4mux ! \
 *     filesink location=explained.mp4
 * ]| A recording with the class and its score drawn in the corner.
 * |[
 * gst-launch-1.0 filesrc location=tests/data/faces/astronaut-256.jpg ! \
 *     jpegdec ! videoconvert ! facedetect display=false ! \
 *     guidedbp inference-region=roi-list object-class=face \
 *     render-mode=overlay annotate=true ! videoconvert ! pngenc ! \
 *     filesink location=/tmp/faces.png
 * ]| Each face facedetect found explained on its own, the saliency drawn
 * inside its box (see #GstGuidedBp:inference-region; run in the source
 * tree).
 */

#include "gstguidedbp.h"

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-error.h>
#include <guidedbp/gbp-render.h>

#include "gstguidedbpenums.h"
#include "gstguidedbpformat.h"
#include "gstguidedbpnegotiation.h"
#include "gstguidedbpobjects.h"
#include "gstguidedbpprivate.h"
#include "gstguidedbpproperties.h"
#include "gstguidedbpsettings.h"
#include "gstguidedbpstart.h"

/* Not static: the other plugin files log and post errors in it. */
GST_DEBUG_CATEGORY (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

/* GstVideoFilter rather than plain GstBaseTransform: it parses the caps
 * into GstVideoInfo, maps both buffers as GstVideoFrames (strides, plane
 * offsets, GstVideoMeta), proposes and decides a video buffer pool, keeps
 * video metas and turns on QoS, which leaves the element only the per-frame
 * work. */
#define gst_guided_bp_parent_class parent_class
G_DEFINE_TYPE (GstGuidedBp, gst_guided_bp, GST_TYPE_VIDEO_FILTER);

GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (guidedbp, "guidedbp", GST_RANK_NONE,
    GST_TYPE_GUIDED_BP,
    GST_DEBUG_CATEGORY_INIT (gst_guided_bp_debug, "guidedbp", 0,
        "Guided Backpropagation saliency element"));

#define GUIDED_BP_CAPS GST_VIDEO_CAPS_MAKE (GST_GUIDED_BP_VIDEO_FORMATS)

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (GUIDED_BP_CAPS));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (GUIDED_BP_CAPS));

static void gst_guided_bp_finalize (GObject * object);
static gboolean gst_guided_bp_start (GstBaseTransform * trans);
static gboolean gst_guided_bp_stop (GstBaseTransform * trans);
static gboolean gst_guided_bp_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query);
static gboolean gst_guided_bp_sink_event (GstBaseTransform * trans,
    GstEvent * event);
static gboolean gst_guided_bp_query_upstream_caps (GstGuidedBp * self,
    GstQuery * query);
static gboolean gst_guided_bp_transform_meta (GstBaseTransform * trans,
    GstBuffer * outbuf, GstMeta * meta, GstBuffer * inbuf);
static gboolean gst_guided_bp_set_info (GstVideoFilter * filter,
    GstCaps * incaps, GstVideoInfo * in_info, GstCaps * outcaps,
    GstVideoInfo * out_info);

static void
gst_guided_bp_class_init (GstGuidedBpClass * klass)
{
  GObjectClass *gobject_class = (GObjectClass *) klass;
  GstElementClass *element_class = (GstElementClass *) klass;
  GstBaseTransformClass *trans_class = (GstBaseTransformClass *) klass;
  GstVideoFilterClass *filter_class = (GstVideoFilterClass *) klass;

  gobject_class->finalize = gst_guided_bp_finalize;
  gst_guided_bp_install_properties (gobject_class);

  gst_guided_bp_meta_register ();
  gst_type_mark_as_plugin_api (GST_TYPE_GUIDED_BP_RENDER_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GUIDED_BP_COLORMAP, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GUIDED_BP_PRECISION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GUIDED_BP_INFERENCE_REGION, 0);

  gst_element_class_set_static_metadata (element_class,
      "Guided Backpropagation saliency", "Filter/Effect/Video/Analyzer",
      "Replaces each frame by the Guided Backpropagation saliency map of "
      "an image classifier (TorchScript, libtorch)",
      "guidedbp developers");

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  trans_class->start = GST_DEBUG_FUNCPTR (gst_guided_bp_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_guided_bp_stop);
  trans_class->query = GST_DEBUG_FUNCPTR (gst_guided_bp_query);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_guided_bp_sink_event);
  trans_class->before_transform =
      GST_DEBUG_FUNCPTR (gst_guided_bp_before_transform);
  /* none and the modes drawn over the frame run in place (see
   * gst_guided_bp_mode_is_in_place); this replaces GstVideoFilter's,
   * which would map the frame writable even when nothing is drawn. */
  trans_class->transform_ip = GST_DEBUG_FUNCPTR (gst_guided_bp_transform_ip);
  trans_class->transform_meta =
      GST_DEBUG_FUNCPTR (gst_guided_bp_transform_meta);

  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_guided_bp_set_info);
  filter_class->transform_frame =
      GST_DEBUG_FUNCPTR (gst_guided_bp_transform_frame);
}

static void
gst_guided_bp_init (GstGuidedBp * self)
{
  gst_guided_bp_properties_init (self);
  gst_guided_bp_latency_reset (&self->latency);

  /* QoS: GstBaseTransform drops a frame that is already late when it
   * arrives, before it reaches transform_frame, so no work is spent on it
   * (GstVideoFilter turns this on too; it is said here because the element
   * relies on it). */
  gst_base_transform_set_qos_enabled (GST_BASE_TRANSFORM (self), TRUE);
}

static void
gst_guided_bp_finalize (GObject * object)
{
  GstGuidedBp *self = GST_GUIDED_BP (object);

  gst_guided_bp_properties_clear (self);
  g_free (self->refused_offer);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static gboolean
gst_guided_bp_start (GstBaseTransform * trans)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  GstGuidedBpStartSettings s;
  GbpEngineStats stats;
  GError *error = NULL;

  gst_guided_bp_start_settings_read (self, &s);
  if (!gst_guided_bp_start_settings_check (&s, &error))
    goto invalid_settings;

  GST_DEBUG_OBJECT (self, "loading model '%s' (labels '%s') on %s, "
      "input %ux%u, Grad-CAM layer '%s', %s", s.model, GST_STR_NULL (s.labels),
      s.device, s.config.input_width, s.config.input_height, s.gradcam_layer,
      s.async ? "asynchronous" : "synchronous");

  self->engine = gbp_engine_new (&s.config, &error);
  if (self->engine == NULL)
    goto load_failed;

  self->renderer = gbp_renderer_new ();
  /* Synchronous: on the model's own threads, which the streaming thread
   * leads. Asynchronous: the model's thread keeps them busy. */
  gbp_renderer_set_num_threads (self->renderer, s.async ? 1 :
      gbp_engine_get_num_threads (self->engine));
  self->engine_model = s.model;
  self->result = gst_guided_bp_saliency_new ();
  gst_guided_bp_restart (self);
  gst_guided_bp_set_in_place (self, gst_guided_bp_frames_in_place (self));

  /* An unknown label is a start error; each frame's run is given the
   * class, like any target change. */
  if (s.target_label != NULL) {
    gint unused;

    if (!gst_guided_bp_resolve_target_label (self, s.target_label, &unused,
            &error))
      goto invalid_target_label;
  }

  if (s.async) {
    GstGuidedBpWorker *worker = gst_guided_bp_worker_new (GST_ELEMENT_CAST
        (self), self->engine, self->engine_model, &error);

    if (worker == NULL)
      goto thread_failed;
    /* set under the lock: the latency query asks from any thread */
    GST_OBJECT_LOCK (self);
    self->worker = worker;
    GST_OBJECT_UNLOCK (self);
  }

  gbp_engine_get_stats (self->engine, &stats);
  GST_INFO_OBJECT (self, "loaded model '%s': %u classes, %u guided nodes, "
      "%u convolutions on oneDNN (%u fused with their activation), "
      "Grad-CAM %savailable", s.model,
      gbp_engine_get_num_classes (self->engine), stats.guided_nodes,
      stats.onednn_convs, stats.fused_activations,
      gbp_engine_has_gradcam (self->engine) ? "" : "not ");

  gst_guided_bp_start_settings_clear (&s, FALSE);
  return TRUE;

  /* ERRORS */
invalid_settings:
  {
    gst_guided_bp_post_settings_error (GST_ELEMENT_CAST (self), &error);
    gst_guided_bp_start_settings_clear (&s, TRUE);
    return FALSE;
  }
load_failed:
  {
    gst_guided_bp_post_load_error (GST_ELEMENT_CAST (self), s.model,
        s.labels, s.device, error);
    g_clear_error (&error);
    gst_guided_bp_start_settings_clear (&s, TRUE);
    return FALSE;
  }
invalid_target_label:
  {
    gst_guided_bp_post_settings_error (GST_ELEMENT_CAST (self), &error);
    gst_guided_bp_start_settings_clear (&s, FALSE);
    /* model belongs to the element now: stop() frees it with the rest. */
    gst_guided_bp_stop (trans);
    return FALSE;
  }
thread_failed:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not start the model's thread"), ("%s", error->message));
    g_clear_error (&error);
    gst_guided_bp_start_settings_clear (&s, FALSE);
    gst_guided_bp_stop (trans);
    return FALSE;
  }
}

static gboolean
gst_guided_bp_stop (GstBaseTransform * trans)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  GstGuidedBpWorker *worker;

  GST_OBJECT_LOCK (self);
  worker = g_steal_pointer (&self->worker);
  GST_OBJECT_UNLOCK (self);

  /* Joins the model's thread first: it uses the engine. */
  g_clear_pointer (&worker, gst_guided_bp_worker_free);
  g_clear_pointer (&self->result, gst_guided_bp_saliency_free);
  g_clear_pointer (&self->engine, gbp_engine_free);
  g_clear_pointer (&self->renderer, gbp_renderer_free);
  g_clear_pointer (&self->annotator, gst_guided_bp_annotator_free);
  gst_guided_bp_objects_clear (self);
  g_clear_pointer (&self->engine_model, g_free);
  g_clear_pointer (&self->resolved_label, g_free);
  return TRUE;
}

/* The latency query asked downstream of us: upstream's latency plus the
 * longest recent processing time, or nothing more in asynchronous mode,
 * where no frame waits for the model. */
static gboolean
gst_guided_bp_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  GstClockTime min, max, ours;
  gboolean live;

  if (direction == GST_PAD_SINK && (GST_QUERY_TYPE (query) == GST_QUERY_CAPS
          || GST_QUERY_TYPE (query) == GST_QUERY_ACCEPT_CAPS))
    return gst_guided_bp_query_upstream_caps (self, query);

  if (direction != GST_PAD_SRC || GST_QUERY_TYPE (query) != GST_QUERY_LATENCY)
    return GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction,
        query);

  if (!gst_pad_peer_query (GST_BASE_TRANSFORM_SINK_PAD (trans), query))
    return FALSE;

  gst_query_parse_latency (query, &live, &min, &max);

  GST_OBJECT_LOCK (self);
  /* async: frames leave at once */
  ours = self->worker != NULL ? 0 :
      gst_guided_bp_latency_get (&self->latency);
  GST_OBJECT_UNLOCK (self);

  min += ours;
  if (GST_CLOCK_TIME_IS_VALID (max))
    max += ours;

  GST_DEBUG_OBJECT (self, "latency: ours %" GST_TIME_FORMAT ", total min %"
      GST_TIME_FORMAT " max %" GST_TIME_FORMAT, GST_TIME_ARGS (ours),
      GST_TIME_ARGS (min), GST_TIME_ARGS (max));

  gst_query_set_latency (query, live, min, max);
  return TRUE;
}

/* Upstream asks what the sink pad takes (a caps query, its offer as the
 * filter) or whether it takes its caps: answered as GstBaseTransform does,
 * and when the answer is no because of the format, the user learns why
 * (GStreamer's own "not-negotiated" says nothing of it). */
static gboolean
gst_guided_bp_query_upstream_caps (GstGuidedBp * self, GstQuery * query)
{
  GstBaseTransform *trans = GST_BASE_TRANSFORM (self);
  GstCaps *offered = NULL, *result = NULL, *template;
  gboolean ok, refused;

  ok = GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, GST_PAD_SINK,
      query);
  if (GST_QUERY_TYPE (query) == GST_QUERY_CAPS) {
    gst_query_parse_caps (query, &offered);
    gst_query_parse_caps_result (query, &result);
    refused = ok && result != NULL && gst_caps_is_empty (result);
  } else {
    gboolean accepted = FALSE;

    gst_query_parse_accept_caps (query, &offered);
    gst_query_parse_accept_caps_result (query, &accepted);
    refused = !accepted;
  }
  if (refused) {
    template = gst_pad_get_pad_template_caps (GST_BASE_TRANSFORM_SINK_PAD
        (trans));
    gst_guided_bp_warn_refused_caps (GST_ELEMENT_CAST (self), offered,
        template, &self->refused_offer);
    gst_caps_unref (template);
  }
  return ok;
}

/* Flushes (seeks) start afresh: a new smoothing history, a model run on
 * the first frame after, and nothing computed before the flush shown. */
static gboolean
gst_guided_bp_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);

  if (GST_EVENT_TYPE (event) == GST_EVENT_FLUSH_STOP) {
    GST_DEBUG_OBJECT (self, "flushed: starting afresh");
    gst_guided_bp_restart (self);
    if (self->worker != NULL)
      gst_guided_bp_worker_flush (self->worker);
    if (self->result != NULL)
      gst_guided_bp_saliency_invalidate (self->result);
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

/* Output frames have the input's size and orientation, so the boxes of
 * the regions of interest still hold: they are kept (with their params),
 * for inference-region=roi-list to add its own and for elements after. */
static gboolean
gst_guided_bp_transform_meta (GstBaseTransform * trans, GstBuffer * outbuf,
    GstMeta * meta, GstBuffer * inbuf)
{
  if (meta->info->api == GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)
    return TRUE;
  return GST_BASE_TRANSFORM_CLASS (parent_class)->transform_meta (trans,
      outbuf, meta, inbuf);
}

/* The engine takes any frame size, so new caps need only a check and a new
 * smoothing history: GstVideoFilter keeps the GstVideoInfo the frames are
 * mapped with. */
static gboolean
gst_guided_bp_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GstGuidedBp *self = GST_GUIDED_BP (filter);

  if (!gst_guided_bp_format_is_supported (GST_VIDEO_INFO_FORMAT (in_info))) {
    gst_guided_bp_post_format_error (GST_ELEMENT_CAST (self),
        GST_VIDEO_INFO_FORMAT (in_info));
    return FALSE;
  }

  if (self->renderer != NULL)
    gbp_renderer_reset (self->renderer);

  GST_DEBUG_OBJECT (filter, "caps %" GST_PTR_FORMAT, incaps);
  return TRUE;
}

