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
 * guidedbp runs an image classifier (a TorchScript file) on every frame,
 * back-propagates the score of the top class (or of #GstGuidedBp:target-class)
 * to the input with the Guided Backpropagation rule, and outputs the input
 * gradient as a colour image of the frame's size and format: grey where
 * the pixels do not matter to the class, coloured where they do.
 *
 * Frames may be any size: they are stretched to #GstGuidedBp:input-width x
 * #GstGuidedBp:input-height for the model, and the saliency map is resized
 * back. Output caps equal input caps, so the element drops into any
 * RGB-family pipeline. Late frames are dropped before any work (QoS), and
 * the measured processing time is added to the latency.
 *
 * With #GstGuidedBp:post-messages, an element message named `guidedbp`
 * describes each frame: `timestamp`, `stream-time`, `running-time`
 * (guint64), `class` (gint), `label` (string, only with labels), `score`
 * (gdouble) and `processing-time` (guint64, nanoseconds).
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
 */

#include "gstguidedbp.h"

#include <string.h>

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-error.h>
#include <guidedbp/gbp-render.h>

#include "gstguidedbpformat.h"
#include "gstguidedbplatency.h"
#include "gstguidedbpmessage.h"

GST_DEBUG_CATEGORY_STATIC (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

/* Where meson says the bundled demo model is installed and where it lies
 * in the source tree. */
#ifndef GUIDEDBP_INSTALLED_MODEL
#define GUIDEDBP_INSTALLED_MODEL "shapes-demo.pt"
#define GUIDEDBP_INSTALLED_LABELS "shapes-demo.labels"
#endif
#ifndef GUIDEDBP_SOURCE_MODEL
#define GUIDEDBP_SOURCE_MODEL GUIDEDBP_INSTALLED_MODEL
#define GUIDEDBP_SOURCE_LABELS GUIDEDBP_INSTALLED_LABELS
#endif

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
};

struct _GstGuidedBp
{
  GstVideoFilter parent;

  /* Properties, under the object lock. Everything but target_class and
   * post_messages is read once, in start(). */
  gchar *model;
  gchar *labels;
  gchar *device;
  guint input_width;
  guint input_height;
  gfloat mean[3];
  gfloat std[3];
  gint target_class;
  guint num_threads;
  gboolean post_messages;

  /* Measured processing times, under the object lock (the latency query
   * comes from any thread). */
  GstGuidedBpLatency latency;

  /* Set in start(), used by the streaming thread, freed in stop(). */
  GbpEngine *engine;
  GbpRenderer *renderer;
  gchar *engine_model;
  gint engine_target_class;
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
static gboolean gst_guided_bp_set_info (GstVideoFilter * filter,
    GstCaps * incaps, GstVideoInfo * in_info, GstCaps * outcaps,
    GstVideoInfo * out_info);
static GstFlowReturn gst_guided_bp_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * inframe, GstVideoFrame * outframe);

/* The bundled demo model: installed if it is, else the source tree's. */
static const gchar *
gst_guided_bp_default_model (void)
{
  static const gchar *path;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    path = g_file_test (GUIDEDBP_INSTALLED_MODEL, G_FILE_TEST_IS_REGULAR) ?
        GUIDEDBP_INSTALLED_MODEL : GUIDEDBP_SOURCE_MODEL;
    g_once_init_leave (&initialized, 1);
  }
  return path;
}

/* The demo model's labels when @model is the demo model and @labels is
 * unset; else @labels. Returns a new string or NULL. */
static gchar *
gst_guided_bp_resolve_labels (const gchar * model, const gchar * labels)
{
  const gchar *demo_labels = NULL;

  if (labels != NULL && *labels != '\0')
    return g_strdup (labels);

  if (g_strcmp0 (model, GUIDEDBP_INSTALLED_MODEL) == 0)
    demo_labels = GUIDEDBP_INSTALLED_LABELS;
  else if (g_strcmp0 (model, GUIDEDBP_SOURCE_MODEL) == 0)
    demo_labels = GUIDEDBP_SOURCE_LABELS;

  if (demo_labels != NULL && g_file_test (demo_labels, G_FILE_TEST_EXISTS))
    return g_strdup (demo_labels);
  return NULL;
}

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
          "libtorch intra-op threads, 0 for libtorch's default. libtorch's "
          "thread count is process-wide: it affects every element and "
          "model in the process. Applied at the next start",
          0, MAX_NUM_THREADS, DEFAULT_PROP_NUM_THREADS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a \"guidedbp\" element message per frame with its class, "
          "label, score and processing time. Takes effect from the next "
          "frame",
          DEFAULT_PROP_POST_MESSAGES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* Posts the element error for a model that could not be loaded. */
static void
gst_guided_bp_post_load_error (GstGuidedBp * self, const gchar * model,
    const gchar * labels, const gchar * device, const GError * error)
{
  switch (error->code) {
    case GBP_ERROR_MODEL_LOAD:
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not load model '%s'", model), ("%s", error->message));
      break;
    case GBP_ERROR_LABELS:
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_READ,
          ("Could not load labels '%s' for model '%s'", GST_STR_NULL (labels),
              model), ("%s", error->message));
      break;
    case GBP_ERROR_DEVICE:
      GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
          ("Could not load model '%s' on device '%s'", model, device),
          ("%s", error->message));
      break;
    case GBP_ERROR_MODEL_NOT_CLASSIFIER:
    case GBP_ERROR_MODEL_UNSUPPORTED:
    case GBP_ERROR_RUN:
      GST_ELEMENT_ERROR (self, LIBRARY, INIT,
          ("Could not load model '%s'", model), ("%s", error->message));
      break;
    default:
      GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
          ("Could not load model '%s'", model), ("%s", error->message));
      break;
  }
}

static gboolean
gst_guided_bp_start (GstBaseTransform * trans)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  GbpEngineConfig config;
  GError *error = NULL;
  gchar *model, *labels, *device;

  gbp_engine_config_init (&config);

  GST_OBJECT_LOCK (self);
  model = g_strdup (self->model);
  labels = gst_guided_bp_resolve_labels (self->model, self->labels);
  device = g_strdup (self->device);
  config.input_width = self->input_width;
  config.input_height = self->input_height;
  memcpy (config.mean, self->mean, sizeof (config.mean));
  memcpy (config.std, self->std, sizeof (config.std));
  config.num_threads = self->num_threads;
  config.target_class = self->target_class;
  gst_guided_bp_latency_reset (&self->latency);
  GST_OBJECT_UNLOCK (self);

  config.model_path = model;
  config.labels_path = labels;
  config.device = device;

  GST_DEBUG_OBJECT (self, "loading model '%s' (labels '%s') on %s, "
      "input %ux%u", model, GST_STR_NULL (labels), device,
      config.input_width, config.input_height);

  self->engine = gbp_engine_new (&config, &error);
  if (self->engine == NULL)
    goto load_failed;

  self->renderer = gbp_renderer_new ();
  self->engine_model = model;
  self->engine_target_class = config.target_class;

  GST_INFO_OBJECT (self, "loaded model '%s': %u classes, %u guided nodes",
      model, gbp_engine_get_num_classes (self->engine),
      gbp_engine_get_num_guided_nodes (self->engine));

  g_free (labels);
  g_free (device);
  return TRUE;

  /* ERRORS */
load_failed:
  {
    gst_guided_bp_post_load_error (self, model, labels, device, error);
    g_clear_error (&error);
    g_free (model);
    g_free (labels);
    g_free (device);
    return FALSE;
  }
}

static gboolean
gst_guided_bp_stop (GstBaseTransform * trans)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);

  g_clear_pointer (&self->engine, gbp_engine_free);
  g_clear_pointer (&self->renderer, gbp_renderer_free);
  g_clear_pointer (&self->engine_model, g_free);
  return TRUE;
}

/* The latency query asked downstream of us: upstream's latency plus the
 * longest recent processing time. */
static gboolean
gst_guided_bp_query (GstBaseTransform * trans, GstPadDirection direction,
    GstQuery * query)
{
  GstGuidedBp *self = GST_GUIDED_BP (trans);
  GstClockTime min, max, ours;
  gboolean live;

  if (direction != GST_PAD_SRC || GST_QUERY_TYPE (query) != GST_QUERY_LATENCY)
    return GST_BASE_TRANSFORM_CLASS (parent_class)->query (trans, direction,
        query);

  if (!gst_pad_peer_query (GST_BASE_TRANSFORM_SINK_PAD (trans), query))
    return FALSE;

  gst_query_parse_latency (query, &live, &min, &max);

  GST_OBJECT_LOCK (self);
  ours = gst_guided_bp_latency_get (&self->latency);
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

/* The engine takes any frame size, so new caps need nothing but a check:
 * GstVideoFilter keeps the GstVideoInfo the frames are mapped with. */
static gboolean
gst_guided_bp_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  GbpPixelFormat in_format, out_format;

  if (!gst_guided_bp_pixel_format_from_video (GST_VIDEO_INFO_FORMAT (in_info),
          &in_format)
      || !gst_guided_bp_pixel_format_from_video (GST_VIDEO_INFO_FORMAT
          (out_info), &out_format)) {
    GST_ERROR_OBJECT (filter, "unsupported caps %" GST_PTR_FORMAT " -> %"
        GST_PTR_FORMAT, incaps, outcaps);
    return FALSE;
  }

  GST_DEBUG_OBJECT (filter, "caps %" GST_PTR_FORMAT, incaps);
  return TRUE;
}

static GstFlowReturn
gst_guided_bp_transform_frame (GstVideoFilter * filter,
    GstVideoFrame * inframe, GstVideoFrame * outframe)
{
  GstGuidedBp *self = GST_GUIDED_BP (filter);
  GbpImage in_image, out_image;
  GbpSaliency saliency;
  GError *error = NULL;
  GstClockTime started, elapsed;
  gint target_class;
  gboolean post_messages, latency_grew;

  GST_OBJECT_LOCK (self);
  target_class = self->target_class;
  post_messages = self->post_messages;
  GST_OBJECT_UNLOCK (self);

  if (target_class != self->engine_target_class) {
    if (!gbp_engine_set_target_class (self->engine, target_class, &error))
      goto target_failed;
    GST_DEBUG_OBJECT (self, "target class now %d", target_class);
    self->engine_target_class = target_class;
  }

  if (!gst_guided_bp_image_from_frame (inframe, &in_image)
      || !gst_guided_bp_image_from_frame (outframe, &out_image))
    goto unsupported_format;

  started = gst_util_get_timestamp ();
  if (!gbp_engine_run (self->engine, &in_image, &saliency, &error))
    goto run_failed;
  if (!gbp_renderer_render_gradient (self->renderer, &saliency, &out_image,
          &error))
    goto run_failed;
  elapsed = gst_util_get_timestamp () - started;

  GST_LOG_OBJECT (self, "class %d score %f in %" GST_TIME_FORMAT,
      saliency.class_index, saliency.score, GST_TIME_ARGS (elapsed));

  GST_OBJECT_LOCK (self);
  latency_grew = gst_guided_bp_latency_add (&self->latency, elapsed);
  GST_OBJECT_UNLOCK (self);

  if (post_messages)
    gst_element_post_message (GST_ELEMENT_CAST (self),
        gst_guided_bp_message_new (GST_OBJECT_CAST (self),
            &GST_BASE_TRANSFORM (self)->segment,
            GST_BUFFER_PTS (inframe->buffer), &saliency, elapsed));

  if (latency_grew) {
    GST_INFO_OBJECT (self, "processing time grew to %" GST_TIME_FORMAT,
        GST_TIME_ARGS (elapsed));
    gst_element_post_message (GST_ELEMENT_CAST (self),
        gst_message_new_latency (GST_OBJECT_CAST (self)));
  }

  return GST_FLOW_OK;

  /* ERRORS */
target_failed:
  {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("Invalid target class %d for model '%s'", target_class,
            self->engine_model), ("%s", error->message));
    g_clear_error (&error);
    return GST_FLOW_ERROR;
  }
unsupported_format:
  {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("unsupported video format %s",
            gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (inframe))));
    return GST_FLOW_NOT_NEGOTIATED;
  }
run_failed:
  {
    GST_ELEMENT_ERROR (self, LIBRARY, FAILED,
        ("Guided backpropagation failed with model '%s'",
            self->engine_model), ("%s", error->message));
    g_clear_error (&error);
    return GST_FLOW_ERROR;
  }
}
