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
 * With #GstGuidedBp:post-messages, an element message named `guidedbp`
 * describes each explained frame (each frame the model ran on): `timestamp`,
 * `stream-time`, `running-time` (guint64, of the frame the model ran on),
 * `class` (gint), `label` (string, only with labels), `score` (gdouble) and
 * `processing-time` (guint64, nanoseconds). In asynchronous mode it is
 * posted from the model's thread when the result is ready.
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
 */

#include "gstguidedbp.h"

#include <string.h>

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-error.h>
#include <guidedbp/gbp-render.h>

#include "gstguidedbpformat.h"
#include "gstguidedbpmodel.h"
#include "gstguidedbpnegotiation.h"
#include "gstguidedbpprivate.h"
#include "gstguidedbprender.h"

/* Not static: the other plugin files log and post errors in it. */
GST_DEBUG_CATEGORY (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

#define MAX_INPUT_SIZE 8192
#define MAX_NUM_THREADS 1024

#define DEFAULT_PROP_LABELS NULL
#define DEFAULT_PROP_DEVICE "cpu"
#define DEFAULT_PROP_INPUT_WIDTH GBP_DEFAULT_INPUT_SIZE
#define DEFAULT_PROP_INPUT_HEIGHT GBP_DEFAULT_INPUT_SIZE
#define DEFAULT_PROP_MEAN "0.485,0.456,0.406"
#define DEFAULT_PROP_STD "0.229,0.224,0.225"
#define DEFAULT_PROP_TARGET_CLASS GBP_TARGET_CLASS_TOP
#define DEFAULT_PROP_NUM_THREADS 0
#define DEFAULT_PROP_POST_MESSAGES FALSE
#define DEFAULT_PROP_RENDER_MODE GBP_RENDER_GRADIENT
#define DEFAULT_PROP_COLORMAP GBP_COLORMAP_JET
#define DEFAULT_PROP_ALPHA 0.5
#define DEFAULT_PROP_SMOOTHING 0.0
#define DEFAULT_PROP_GRADCAM_LAYER ""
#define DEFAULT_PROP_FOLD_BATCH_NORM TRUE
#define DEFAULT_PROP_INTERVAL 1
#define DEFAULT_PROP_ASYNC FALSE

#define MAX_SMOOTHING 0.99

enum
{
  PROP_0,
  PROP_MODEL,
  PROP_LABELS,
  PROP_DEVICE,
  PROP_INPUT_WIDTH,
  PROP_INPUT_HEIGHT,
  PROP_MEAN,
  PROP_STD,
  PROP_TARGET_CLASS,
  PROP_NUM_THREADS,
  PROP_POST_MESSAGES,
  PROP_RENDER_MODE,
  PROP_COLORMAP,
  PROP_ALPHA,
  PROP_SMOOTHING,
  PROP_GRADCAM_LAYER,
  PROP_FOLD_BATCH_NORM,
  PROP_INTERVAL,
  PROP_ASYNC,
};

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

static void gst_guided_bp_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_guided_bp_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_guided_bp_finalize (GObject * object);
static gboolean gst_guided_bp_start (GstBaseTransform * trans);
static gboolean gst_guided_bp_stop (GstBaseTransform * trans);
static gboolean gst_guided_bp_query (GstBaseTransform * trans,
    GstPadDirection direction, GstQuery * query);
static gboolean gst_guided_bp_sink_event (GstBaseTransform * trans,
    GstEvent * event);
static gboolean gst_guided_bp_query_upstream_caps (GstGuidedBp * self,
    GstQuery * query);
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

  gobject_class->set_property = gst_guided_bp_set_property;
  gobject_class->get_property = gst_guided_bp_get_property;
  gobject_class->finalize = gst_guided_bp_finalize;

  /**
   * GstGuidedBp:model:
   *
   * The TorchScript classifier to explain. Setting NULL or "" restores the
   * default. Applied at the next start.
   */
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "TorchScript file of an image classifier taking [N,3,H,W] floats "
          "and returning [N,classes] scores (NULL or \"\": the bundled "
          "demo model, installed or in the source tree). "
          "Applied at the next start",
          gst_guided_bp_default_model (),
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstGuidedBp:labels:
   *
   * A text file with one class label per line. Unset, the demo model's
   * labels file is used with the demo model and none with other models.
   * Applied at the next start.
   */
  g_object_class_install_property (gobject_class, PROP_LABELS,
      g_param_spec_string ("labels", "Labels",
          "Text file with one class label per line, as many lines as the "
          "model has classes (NULL or \"\": the demo model's labels beside "
          "it when model is the demo model, else none). "
          "Applied at the next start",
          DEFAULT_PROP_LABELS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_DEVICE,
      g_param_spec_string ("device", "Device",
          "Where the model runs: \"cpu\", \"cuda\" or \"cuda:N\" "
          "(NULL: \"cpu\"). Applied at the next start",
          DEFAULT_PROP_DEVICE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_INPUT_WIDTH,
      g_param_spec_uint ("input-width", "Input width",
          "Width frames are resized to for the model. "
          "Applied at the next start",
          1, MAX_INPUT_SIZE, DEFAULT_PROP_INPUT_WIDTH,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_INPUT_HEIGHT,
      g_param_spec_uint ("input-height", "Input height",
          "Height frames are resized to for the model. "
          "Applied at the next start",
          1, MAX_INPUT_SIZE, DEFAULT_PROP_INPUT_HEIGHT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_MEAN,
      g_param_spec_string ("mean", "Mean",
          "Per-channel mean \"r,g,b\" subtracted from pixels scaled to "
          "[0,1] (ImageNet by default); text that is not three numbers is "
          "ignored with a warning. Applied at the next start",
          DEFAULT_PROP_MEAN,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_STD,
      g_param_spec_string ("std", "Standard deviation",
          "Per-channel standard deviation \"r,g,b\" the pixels are divided "
          "by after the mean (ImageNet by default); each must be > 0, else "
          "starting fails; text that is not three numbers is ignored with "
          "a warning. Applied at the next start",
          DEFAULT_PROP_STD,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_TARGET_CLASS,
      g_param_spec_int ("target-class", "Target class",
          "Class whose score is explained, -1 for the top class of each "
          "frame; a class the model does not have is a streaming error. "
          "Takes effect from the next frame",
          -1, G_MAXINT, DEFAULT_PROP_TARGET_CLASS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_NUM_THREADS,
      g_param_spec_uint ("num-threads", "Number of threads",
          "Threads of the model (libtorch intra-op threads), its "
          "preprocessing and, in synchronous mode, the rendering; 0 for one "
          "per CPU the process may use (its CPU affinity). libtorch's thread "
          "count is process-wide: the last element started sets it for every "
          "model in the process, and each element sets its own back in the "
          "thread that runs its model. The threads wait for each other "
          "many times per frame, so when other threads keep a core busy "
          "(async mode's own conversions, encoders, other processes) use "
          "fewer threads than cores, or run with OMP_WAIT_POLICY=passive in "
          "the environment. Applied at the next start",
          0, MAX_NUM_THREADS, DEFAULT_PROP_NUM_THREADS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a \"guidedbp\" element message per frame the model runs "
          "on (see interval), with its timestamp, class, label, score and "
          "processing time; with async, when its result is ready. Takes "
          "effect from the next frame",
          DEFAULT_PROP_POST_MESSAGES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGuidedBp:render-mode:
   *
   * What the output frames show. The Grad-CAM modes need a model with a
   * convolution (see #GstGuidedBp:gradcam-layer); switching to one on a
   * model without is a streaming error.
   */
  g_object_class_install_property (gobject_class, PROP_RENDER_MODE,
      g_param_spec_enum ("render-mode", "Render mode",
          "What the output frames show (default: gradient, the reference "
          "colour image of the gradient). overlay and gradcam blend over "
          "the original frame; the gradcam modes need a model with a "
          "convolution, else streaming fails. Takes effect from the next "
          "frame",
          GST_TYPE_GUIDED_BP_RENDER_MODE, DEFAULT_PROP_RENDER_MODE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_COLORMAP,
      g_param_spec_enum ("colormap", "Colormap",
          "Colours of the heatmap, overlay and gradcam render modes "
          "(default: jet). Takes effect from the next frame",
          GST_TYPE_GUIDED_BP_COLORMAP, DEFAULT_PROP_COLORMAP,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_ALPHA,
      g_param_spec_double ("alpha", "Alpha",
          "Weight of the heatmap when the overlay and gradcam render modes "
          "blend it over the frame, 0 (the frame only) to 1 (the heatmap "
          "only); default 0.5. Takes effect from the next frame",
          0.0, 1.0, DEFAULT_PROP_ALPHA,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGuidedBp:smoothing:
   *
   * Temporal smoothing: each frame's map is an exponential moving average,
   * smoothing * previous + (1 - smoothing) * current. The history starts
   * over on caps changes, flushes, discontinuities and render mode
   * changes.
   */
  g_object_class_install_property (gobject_class, PROP_SMOOTHING,
      g_param_spec_double ("smoothing", "Smoothing",
          "Weight of the previous frames' map in an exponential moving "
          "average of the maps, 0 (default: off) to 0.99 (very steady); "
          "starts over after caps changes, flushes and discontinuities. "
          "Takes effect from the next frame",
          0.0, MAX_SMOOTHING, DEFAULT_PROP_SMOOTHING,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_GRADCAM_LAYER,
      g_param_spec_string ("gradcam-layer", "Grad-CAM layer",
          "Module whose output the gradcam render modes explain, as a "
          "module path such as \"layer4\" or \"features.28\" (default "
          "\"\" or NULL: the output of the model's last convolution); "
          "starting fails if the model has no such module. Grad-CAM is "
          "computed only while a gradcam render mode is chosen. "
          "Applied at the next start",
          DEFAULT_PROP_GRADCAM_LAYER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_FOLD_BATCH_NORM,
      g_param_spec_boolean ("fold-batch-norm", "Fold batch norm",
          "Fold batch normalization into the convolutions before it: on "
          "the CPU a ResNet runs about 25% faster folded; the saliency "
          "moves by float rounding only. False keeps the batch norms, and "
          "makes the Grad-CAM layer \"\" the last convolution's own output "
          "(default: true). Applied at the next start",
          DEFAULT_PROP_FOLD_BATCH_NORM,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstGuidedBp:interval:
   *
   * Runs the model on every Nth frame only; the frames in between show the
   * last saliency drawn over them (so overlay and gradcam follow the
   * video). Discontinuities and flushes make the next frame a model frame.
   */
  g_object_class_install_property (gobject_class, PROP_INTERVAL,
      g_param_spec_uint ("interval", "Interval",
          "Run the model on every Nth frame (default 1: every frame); the "
          "frames in between show the last saliency drawn over them. With "
          "async, every Nth frame is handed to the model. Takes effect "
          "from the next frame",
          1, G_MAXINT, DEFAULT_PROP_INTERVAL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGuidedBp:async:
   *
   * Runs the model in a thread of its own: frames pass at the source's
   * rate, each with the most recent finished saliency drawn over it, and
   * the model always takes the newest frame. Until the first saliency is
   * ready, overlay and gradcam show the frame unchanged and the other
   * modes mid-gray. The element adds no latency in this mode.
   */
  g_object_class_install_property (gobject_class, PROP_ASYNC,
      g_param_spec_boolean ("async", "Asynchronous",
          "Run the model in its own thread on the newest frame, so that no "
          "frame waits for it: each frame shows the latest finished "
          "saliency (before the first one: the frame itself with overlay "
          "and gradcam, mid-gray otherwise) and the element adds no "
          "latency (default: false, every frame waits for its own "
          "saliency). Applied at the next start",
          DEFAULT_PROP_ASYNC,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  gst_type_mark_as_plugin_api (GST_TYPE_GUIDED_BP_RENDER_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_GUIDED_BP_COLORMAP, 0);

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

  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_guided_bp_set_info);
  filter_class->transform_frame =
      GST_DEBUG_FUNCPTR (gst_guided_bp_transform_frame);
}

static void
gst_guided_bp_init (GstGuidedBp * self)
{
  self->model = g_strdup (gst_guided_bp_default_model ());
  self->labels = g_strdup (DEFAULT_PROP_LABELS);
  self->device = g_strdup (DEFAULT_PROP_DEVICE);
  self->input_width = DEFAULT_PROP_INPUT_WIDTH;
  self->input_height = DEFAULT_PROP_INPUT_HEIGHT;
  gbp_parse_triplet (DEFAULT_PROP_MEAN, self->mean, NULL);
  gbp_parse_triplet (DEFAULT_PROP_STD, self->std, NULL);
  self->target_class = DEFAULT_PROP_TARGET_CLASS;
  self->num_threads = DEFAULT_PROP_NUM_THREADS;
  self->post_messages = DEFAULT_PROP_POST_MESSAGES;
  self->render_mode = DEFAULT_PROP_RENDER_MODE;
  self->colormap = DEFAULT_PROP_COLORMAP;
  self->alpha = DEFAULT_PROP_ALPHA;
  self->smoothing = DEFAULT_PROP_SMOOTHING;
  self->gradcam_layer = g_strdup (DEFAULT_PROP_GRADCAM_LAYER);
  self->fold_batch_norm = DEFAULT_PROP_FOLD_BATCH_NORM;
  self->interval = DEFAULT_PROP_INTERVAL;
  self->async = DEFAULT_PROP_ASYNC;
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

  g_free (self->model);
  g_free (self->labels);
  g_free (self->device);
  g_free (self->gradcam_layer);
  g_free (self->refused_offer);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Parses @text into @values under the object lock; on bad text warns and
 * keeps the old values. */
static void
gst_guided_bp_set_triplet (GstGuidedBp * self, const gchar * name,
    const gchar * text, gfloat values[3])
{
  GError *error = NULL;
  gfloat parsed[3];

  if (!gbp_parse_triplet (text, parsed, &error)) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("Ignoring invalid %s '%s'", name, GST_STR_NULL (text)),
        ("%s", error->message));
    g_clear_error (&error);
    return;
  }

  GST_OBJECT_LOCK (self);
  memcpy (values, parsed, sizeof (parsed));
  GST_OBJECT_UNLOCK (self);
}

static void
gst_guided_bp_set_string (GstGuidedBp * self, gchar ** field,
    const GValue * value, const gchar * fallback)
{
  const gchar *text = g_value_get_string (value);

  if (text == NULL || *text == '\0')
    text = fallback;

  GST_OBJECT_LOCK (self);
  g_free (*field);
  *field = g_strdup (text);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_guided_bp_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstGuidedBp *self = GST_GUIDED_BP (object);

  switch (prop_id) {
    case PROP_MODEL:
      gst_guided_bp_set_string (self, &self->model, value,
          gst_guided_bp_default_model ());
      break;
    case PROP_LABELS:
      gst_guided_bp_set_string (self, &self->labels, value, NULL);
      break;
    case PROP_DEVICE:
      gst_guided_bp_set_string (self, &self->device, value,
          DEFAULT_PROP_DEVICE);
      break;
    case PROP_INPUT_WIDTH:
      GST_OBJECT_LOCK (self);
      self->input_width = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_INPUT_HEIGHT:
      GST_OBJECT_LOCK (self);
      self->input_height = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_MEAN:
      gst_guided_bp_set_triplet (self, "mean", g_value_get_string (value),
          self->mean);
      break;
    case PROP_STD:
      gst_guided_bp_set_triplet (self, "std", g_value_get_string (value),
          self->std);
      break;
    case PROP_TARGET_CLASS:
      GST_OBJECT_LOCK (self);
      self->target_class = g_value_get_int (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_NUM_THREADS:
      GST_OBJECT_LOCK (self);
      self->num_threads = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_POST_MESSAGES:
      GST_OBJECT_LOCK (self);
      self->post_messages = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_RENDER_MODE:
      GST_OBJECT_LOCK (self);
      self->render_mode = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_COLORMAP:
      GST_OBJECT_LOCK (self);
      self->colormap = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ALPHA:
      GST_OBJECT_LOCK (self);
      self->alpha = g_value_get_double (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SMOOTHING:
      GST_OBJECT_LOCK (self);
      self->smoothing = g_value_get_double (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_GRADCAM_LAYER:
      gst_guided_bp_set_string (self, &self->gradcam_layer, value,
          DEFAULT_PROP_GRADCAM_LAYER);
      break;
    case PROP_FOLD_BATCH_NORM:
      GST_OBJECT_LOCK (self);
      self->fold_batch_norm = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_INTERVAL:
      GST_OBJECT_LOCK (self);
      self->interval = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ASYNC:
      GST_OBJECT_LOCK (self);
      self->async = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_guided_bp_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstGuidedBp *self = GST_GUIDED_BP (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;
    case PROP_LABELS:
      g_value_set_string (value, self->labels);
      break;
    case PROP_DEVICE:
      g_value_set_string (value, self->device);
      break;
    case PROP_INPUT_WIDTH:
      g_value_set_uint (value, self->input_width);
      break;
    case PROP_INPUT_HEIGHT:
      g_value_set_uint (value, self->input_height);
      break;
    case PROP_MEAN:
      g_value_take_string (value, g_strdup_printf ("%g,%g,%g",
              self->mean[0], self->mean[1], self->mean[2]));
      break;
    case PROP_STD:
      g_value_take_string (value, g_strdup_printf ("%g,%g,%g",
              self->std[0], self->std[1], self->std[2]));
      break;
    case PROP_TARGET_CLASS:
      g_value_set_int (value, self->target_class);
      break;
    case PROP_NUM_THREADS:
      g_value_set_uint (value, self->num_threads);
      break;
    case PROP_POST_MESSAGES:
      g_value_set_boolean (value, self->post_messages);
      break;
    case PROP_RENDER_MODE:
      g_value_set_enum (value, self->render_mode);
      break;
    case PROP_COLORMAP:
      g_value_set_enum (value, self->colormap);
      break;
    case PROP_ALPHA:
      g_value_set_double (value, self->alpha);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    case PROP_GRADCAM_LAYER:
      g_value_set_string (value, self->gradcam_layer);
      break;
    case PROP_FOLD_BATCH_NORM:
      g_value_set_boolean (value, self->fold_batch_norm);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_ASYNC:
      g_value_set_boolean (value, self->async);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_guided_bp_start (GstBaseTransform * trans)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  GbpEngineConfig config;
  GError *error = NULL;
  gchar *model, *labels, *device, *gradcam_layer;
  gboolean async;

  gbp_engine_config_init (&config);

  GST_OBJECT_LOCK (self);
  model = g_strdup (self->model);
  labels = gst_guided_bp_resolve_labels (self->model, self->labels);
  device = g_strdup (self->device);
  gradcam_layer = g_strdup (self->gradcam_layer);
  config.input_width = self->input_width;
  config.input_height = self->input_height;
  memcpy (config.mean, self->mean, sizeof (config.mean));
  memcpy (config.std, self->std, sizeof (config.std));
  config.num_threads = self->num_threads;
  config.target_class = self->target_class;
  config.fold_batch_norm = self->fold_batch_norm;
  async = self->async;
  gst_guided_bp_latency_reset (&self->latency);
  GST_OBJECT_UNLOCK (self);

  config.model_path = model;
  config.labels_path = labels;
  config.device = device;
  /* Always a layer ("" is the last convolution), so that a Grad-CAM render
   * mode can be chosen while playing; it costs nothing until then. */
  config.gradcam_layer = gradcam_layer;

  GST_DEBUG_OBJECT (self, "loading model '%s' (labels '%s') on %s, "
      "input %ux%u, Grad-CAM layer '%s', %s", model, GST_STR_NULL (labels),
      device, config.input_width, config.input_height, gradcam_layer,
      async ? "asynchronous" : "synchronous");

  self->engine = gbp_engine_new (&config, &error);
  if (self->engine == NULL)
    goto load_failed;

  self->renderer = gbp_renderer_new ();
  /* Synchronous: on the model's own threads, which the streaming thread
   * leads. Asynchronous: the model's thread keeps them busy. */
  gbp_renderer_set_num_threads (self->renderer, async ? 1 :
      gbp_engine_get_num_threads (self->engine));
  self->engine_model = model;
  self->applied.target_class = config.target_class;
  self->applied.gradcam = FALSE;
  self->has_saliency = FALSE;
  gst_guided_bp_restart (self);

  if (async) {
    self->worker = gst_guided_bp_worker_new (GST_ELEMENT_CAST (self),
        self->engine, model, &self->applied, &error);
    if (self->worker == NULL)
      goto thread_failed;
    self->result = gst_guided_bp_saliency_new ();
  }

  GST_OBJECT_LOCK (self);
  self->running_async = async;
  GST_OBJECT_UNLOCK (self);

  GST_INFO_OBJECT (self, "loaded model '%s': %u classes, %u guided nodes, "
      "%u convolutions on oneDNN (%u fused with their activation), "
      "Grad-CAM %savailable", model,
      gbp_engine_get_num_classes (self->engine),
      gbp_engine_get_num_guided_nodes (self->engine),
      gbp_engine_get_num_onednn_convs (self->engine),
      gbp_engine_get_num_fused_activations (self->engine),
      gbp_engine_has_gradcam (self->engine) ? "" : "not ");

  g_free (labels);
  g_free (device);
  g_free (gradcam_layer);
  return TRUE;

  /* ERRORS */
load_failed:
  {
    gst_guided_bp_post_load_error (GST_ELEMENT_CAST (self), model, labels, device, error);
    g_clear_error (&error);
    g_free (model);
    g_free (labels);
    g_free (device);
    g_free (gradcam_layer);
    return FALSE;
  }
thread_failed:
  {
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED,
        ("Could not start the model's thread"), ("%s", error->message));
    g_clear_error (&error);
    g_free (labels);
    g_free (device);
    g_free (gradcam_layer);
    /* model belongs to the element now: stop() frees it with the rest. */
    gst_guided_bp_stop (trans);
    return FALSE;
  }
}

static gboolean
gst_guided_bp_stop (GstBaseTransform * trans)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);

  GST_OBJECT_LOCK (self);
  self->running_async = FALSE;
  GST_OBJECT_UNLOCK (self);

  /* Joins the model's thread first: it uses the engine. */
  g_clear_pointer (&self->worker, gst_guided_bp_worker_free);
  g_clear_pointer (&self->result, gst_guided_bp_saliency_free);
  g_clear_pointer (&self->engine, gbp_engine_free);
  g_clear_pointer (&self->renderer, gbp_renderer_free);
  g_clear_pointer (&self->engine_model, g_free);
  self->has_saliency = FALSE;
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
  ours = self->running_async ? 0 : gst_guided_bp_latency_get (&self->latency);
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
    if (self->worker != NULL) {
      gst_guided_bp_worker_flush (self->worker);
      gst_guided_bp_saliency_invalidate (self->result);
    }
  }
  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
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

