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

#include <math.h>
#include <string.h>

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-error.h>
#include <guidedbp/gbp-render.h>

#include "gstguidedbpenums.h"
#include "gstguidedbpformat.h"
#include "gstguidedbpmodel.h"
#include "gstguidedbpnegotiation.h"
#include "gstguidedbpobjects.h"
#include "gstguidedbpprivate.h"
#include "gstguidedbpsettings.h"
#include "gstguidedbpstart.h"

/* Not static: the other plugin files log and post errors in it. */
GST_DEBUG_CATEGORY (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

#define DEFAULT_PROP_LABELS NULL
#define DEFAULT_PROP_DEVICE "cpu"
#define DEFAULT_PROP_INPUT_WIDTH GBP_DEFAULT_INPUT_SIZE
#define DEFAULT_PROP_INPUT_HEIGHT GBP_DEFAULT_INPUT_SIZE
#define DEFAULT_PROP_TARGET_CLASS GBP_TARGET_CLASS_TOP
#define DEFAULT_PROP_NUM_THREADS 0
#define DEFAULT_PROP_POST_MESSAGES FALSE
#define DEFAULT_PROP_RENDER_MODE GBP_RENDER_GRADIENT
#define DEFAULT_PROP_COLORMAP GBP_COLORMAP_JET
#define DEFAULT_PROP_ALPHA 0.5
#define DEFAULT_PROP_SMOOTHING 0.0
#define DEFAULT_PROP_GRADCAM_LAYER ""
#define DEFAULT_PROP_FOLD_BATCH_NORM TRUE
#define DEFAULT_PROP_TUNE_KERNELS TRUE
#define DEFAULT_PROP_PRECISION GBP_PRECISION_FP32
#define DEFAULT_PROP_INTERVAL 1
#define DEFAULT_PROP_ASYNC FALSE
#define DEFAULT_PROP_TOP_K 5
#define DEFAULT_PROP_TARGET_LABEL NULL
#define DEFAULT_PROP_ANNOTATE FALSE
#define DEFAULT_PROP_INFERENCE_REGION GST_GUIDED_BP_INFERENCE_REGION_FULL_FRAME
#define DEFAULT_PROP_OBJECT_CLASS ""
#define DEFAULT_PROP_MAX_OBJECTS 16

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
  PROP_TUNE_KERNELS,
  PROP_PRECISION,
  PROP_INTERVAL,
  PROP_ASYNC,
  PROP_TOP_K,
  PROP_TARGET_LABEL,
  PROP_ANNOTATE,
  PROP_INFERENCE_REGION,
  PROP_OBJECT_CLASS,
  PROP_MAX_OBJECTS,
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
  GbpEngineConfig engine_defaults;
  g_autofree gchar *default_mean = NULL, *default_std = NULL;

  gobject_class->set_property = gst_guided_bp_set_property;
  gobject_class->get_property = gst_guided_bp_get_property;
  gobject_class->finalize = gst_guided_bp_finalize;

  /* mean and std default to the library's (ImageNet's), written as the
   * properties take them (the pspecs copy them) */
  gbp_engine_config_init (&engine_defaults);
  default_mean = g_strdup_printf ("%g,%g,%g", engine_defaults.mean[0],
      engine_defaults.mean[1], engine_defaults.mean[2]);
  default_std = g_strdup_printf ("%g,%g,%g", engine_defaults.std[0],
      engine_defaults.std[1], engine_defaults.std[2]);

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
          "Width frames are resized to for the model, 1 to "
          G_STRINGIFY (GBP_MAX_INPUT_SIZE) " (else "
          "starting fails). Applied at the next start",
          0, G_MAXUINT, DEFAULT_PROP_INPUT_WIDTH,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_INPUT_HEIGHT,
      g_param_spec_uint ("input-height", "Input height",
          "Height frames are resized to for the model, 1 to "
          G_STRINGIFY (GBP_MAX_INPUT_SIZE) " (else "
          "starting fails). Applied at the next start",
          0, G_MAXUINT, DEFAULT_PROP_INPUT_HEIGHT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_MEAN,
      g_param_spec_string ("mean", "Mean",
          "Per-channel mean \"r,g,b\" subtracted from pixels scaled to "
          "[0,1] (ImageNet by default); also a GstValueArray \"<r, g, b>\" "
          "or a Python list. Anything else fails the next start (and reads "
          "back as the last valid value). Applied at the next start",
          default_mean,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_STD,
      g_param_spec_string ("std", "Standard deviation",
          "Per-channel standard deviation \"r,g,b\" the pixels are divided "
          "by after the mean (ImageNet by default), as for mean; each must "
          "be > 0, and anything else fails the next start (and reads back "
          "as the last valid value). Applied at the next start",
          default_std,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_TARGET_CLASS,
      g_param_spec_int ("target-class", "Target class",
          "Class whose score is explained, -1 for the top class of each "
          "frame (see also target-label); below -1 or a class the model "
          "does not have fails the start, or streaming when set while "
          "playing. Takes effect from the next frame",
          G_MININT, G_MAXINT, DEFAULT_PROP_TARGET_CLASS,
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
          "the environment. 0 to " G_STRINGIFY (GBP_MAX_THREADS) ", else "
          "starting fails. "
          "Applied at the next start",
          0, G_MAXUINT, DEFAULT_PROP_NUM_THREADS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  g_object_class_install_property (gobject_class, PROP_POST_MESSAGES,
      g_param_spec_boolean ("post-messages", "Post messages",
          "Post a \"guidedbp\" element message per frame the model runs "
          "on (see interval), with the fields of the GuidedBpMeta: class, "
          "score, label, top classes, timestamps and processing time; with "
          "async, when its result is ready. Takes effect from the next frame",
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
          "convolution, else streaming fails; none passes the frame "
          "through unchanged, in place, with its GuidedBpMeta. Takes "
          "effect from the next frame",
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
          "only); default 0.5. Else starting, or streaming, fails. Takes "
          "effect from the next frame",
          -INFINITY, INFINITY, DEFAULT_PROP_ALPHA,
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
          "Else starting, or streaming, fails. Takes effect from the next "
          "frame",
          -INFINITY, INFINITY, DEFAULT_PROP_SMOOTHING,
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
   * GstGuidedBp:tune-kernels:
   *
   * At the first frame of a size, times each convolution's and linear
   * layer's candidate CPU kernels (oneDNN's for every instruction set the
   * CPU runs, and guidedbp's own) on its real shape and keeps the
   * fastest. Which is fastest depends on the CPU, not only on its
   * instruction set. It makes the start slower by about a second on
   * ResNet18 and a few on VGG16; choices are remembered for the process,
   * so a restart of the same model does not time them again.
   */
  g_object_class_install_property (gobject_class, PROP_TUNE_KERNELS,
      g_param_spec_boolean ("tune-kernels", "Tune kernels",
          "Time the candidate CPU kernels of each convolution and linear "
          "layer on its real shape and keep the fastest (slower start: "
          "about 1 s on ResNet18, a few on VGG16); false takes oneDNN's "
          "own first choice and guidedbp's kernels by fixed rules "
          "(default: true). Applied at the next start",
          DEFAULT_PROP_TUNE_KERNELS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));

  /**
   * GstGuidedBp:precision:
   *
   * bf16 runs the convolutions and linear layers in bfloat16 with float32
   * accumulation, at about twice the arithmetic rate on CPUs that compute
   * bfloat16 natively (AVX512_BF16 or AMX); elsewhere the start fails with
   * an error that says so. The saliency moves by bfloat16's rounding:
   * see the README's "Precision" section for how far.
   */
  g_object_class_install_property (gobject_class, PROP_PRECISION,
      g_param_spec_enum ("precision", "Precision",
          "Arithmetic of the convolutions and linear layers: fp32, or bf16 "
          "(about twice as fast on CPUs with native bfloat16, AVX512_BF16 "
          "or AMX; the start fails on others). Applied at the next start",
          GST_TYPE_GUIDED_BP_PRECISION, DEFAULT_PROP_PRECISION,
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
          "async, every Nth frame is handed to the model. 1 to 2147483647, "
          "else starting, or streaming, fails. Takes effect from the next "
          "frame",
          0, G_MAXUINT, DEFAULT_PROP_INTERVAL,
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

  /**
   * GstGuidedBp:top-k:
   *
   * How many of the most probable classes the GuidedBpMeta and the
   * messages list in `top-classes`, `top-scores` and `top-labels`.
   */
  g_object_class_install_property (gobject_class, PROP_TOP_K,
      g_param_spec_uint ("top-k", "Top k",
          "How many of the most probable classes the GuidedBpMeta and the "
          "messages list (top-classes, top-scores, top-labels), most "
          "probable first; at most the model's classes, 0 for none. Takes "
          "effect from the next frame",
          0, G_MAXUINT, DEFAULT_PROP_TOP_K,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGuidedBp:target-label:
   *
   * Explains the class with this label instead of the top class or
   * #GstGuidedBp:target-class. Needs labels (#GstGuidedBp:labels, or the
   * demo model's). An unknown label fails the start, or streaming when set
   * while playing, with an error that lists similar labels.
   */
  g_object_class_install_property (gobject_class, PROP_TARGET_LABEL,
      g_param_spec_string ("target-label", "Target label",
          "Label of the class whose score is explained (needs labels; "
          "NULL or \"\": target-class decides); it overrides target-class. "
          "A label that no class has fails the start, or streaming when "
          "set while playing, naming similar labels. Takes effect from the "
          "next frame",
          DEFAULT_PROP_TARGET_LABEL,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGuidedBp:annotate:
   *
   * Draws the explained class's label (or number) and score in the
   * top-left corner of the output, white on a translucent box, with a font
   * 1/24 of the frame height (at least 10 pixels); with a target set,
   * "target: ..." and, when another class is the most probable, "top: ...".
   * With render-mode none it is drawn on the frame itself.
   */
  g_object_class_install_property (gobject_class, PROP_ANNOTATE,
      g_param_spec_boolean ("annotate", "Annotate",
          "Draw the explained class's label and score (and, with a target "
          "set, the top class's) in the top-left corner of the output, "
          "scaled with the frame height (default: false). Takes effect "
          "from the next frame",
          DEFAULT_PROP_ANNOTATE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstGuidedBp:inference-region:
   *
   * `roi-list` explains every object an upstream detector found instead of
   * the whole frame: each #GstVideoRegionOfInterestMeta of the buffer (of
   * the #GstGuidedBp:object-class types), clamped to the frame, is cropped,
   * resized to the model's input exactly as a whole frame is, and
   * explained (its top class, or the target); all boxes of a frame go
   * through the model in one batch of at most #GstGuidedBp:max-objects.
   * Each box's meta gets a param structure named `guidedbp` (class,
   * score, label, top-classes, top-scores, top-labels, as in the
   * GuidedBpMeta); the buffer's GuidedBpMeta lists the boxes explained
   * (`roi-ids`) and counts those skipped (`rois-skipped`) and invalid
   * (`rois-invalid`). Each box's saliency is drawn inside its box; outside
   * the boxes the frame is left as it came in. Smoothing follows each box
   * id (a tracker upstream keeps them) and starts over for a new id.
   * Zero-sized boxes and boxes wholly outside the frame are not explained;
   * a frame whose boxes all are passes unchanged, with a warning the
   * first time. Needs #GstGuidedBp:async false and #GstGuidedBp:interval 1
   * (else the start, or streaming, fails naming them).
   */
  g_object_class_install_property (gobject_class, PROP_INFERENCE_REGION,
      g_param_spec_enum ("inference-region", "Inference region",
          "What is explained: full-frame (default), or roi-list: every "
          "GstVideoRegionOfInterestMeta box (see object-class), in one "
          "batch, each result a \"guidedbp\" param of its meta and its "
          "saliency drawn inside its box, the frame unchanged outside the "
          "boxes. roi-list needs async=false and interval=1, else starting, "
          "or streaming, fails. Takes effect from the next frame",
          GST_TYPE_GUIDED_BP_INFERENCE_REGION, DEFAULT_PROP_INFERENCE_REGION,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_OBJECT_CLASS,
      g_param_spec_string ("object-class", "Object class",
          "With inference-region=roi-list, explain only the boxes whose "
          "region-of-interest type is in this comma-separated list (e.g. "
          "\"face,person\"); \"\" or NULL (default): every box. Takes "
          "effect from the next frame",
          DEFAULT_PROP_OBJECT_CLASS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  g_object_class_install_property (gobject_class, PROP_MAX_OBJECTS,
      g_param_spec_uint ("max-objects", "Maximum objects",
          "With inference-region=roi-list, the most boxes of a frame "
          "explained (the batch size); further boxes are skipped and "
          "counted in the GuidedBpMeta's rois-skipped. 1 to 256, else "
          "starting, or streaming, fails. Takes effect from the next frame",
          0, G_MAXUINT, DEFAULT_PROP_MAX_OBJECTS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

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
  GbpEngineConfig engine_defaults;

  self->model = g_strdup (gst_guided_bp_default_model ());
  self->labels = g_strdup (DEFAULT_PROP_LABELS);
  self->device = g_strdup (DEFAULT_PROP_DEVICE);
  self->input_width = DEFAULT_PROP_INPUT_WIDTH;
  self->input_height = DEFAULT_PROP_INPUT_HEIGHT;
  gbp_engine_config_init (&engine_defaults);
  memcpy (self->mean, engine_defaults.mean, sizeof (self->mean));
  memcpy (self->std, engine_defaults.std, sizeof (self->std));
  self->target_class = DEFAULT_PROP_TARGET_CLASS;
  self->num_threads = DEFAULT_PROP_NUM_THREADS;
  self->post_messages = DEFAULT_PROP_POST_MESSAGES;
  self->render_mode = DEFAULT_PROP_RENDER_MODE;
  self->colormap = DEFAULT_PROP_COLORMAP;
  self->alpha = DEFAULT_PROP_ALPHA;
  self->smoothing = DEFAULT_PROP_SMOOTHING;
  self->gradcam_layer = g_strdup (DEFAULT_PROP_GRADCAM_LAYER);
  self->fold_batch_norm = DEFAULT_PROP_FOLD_BATCH_NORM;
  self->tune_kernels = DEFAULT_PROP_TUNE_KERNELS;
  self->precision = DEFAULT_PROP_PRECISION;
  self->interval = DEFAULT_PROP_INTERVAL;
  self->async = DEFAULT_PROP_ASYNC;
  self->top_k = DEFAULT_PROP_TOP_K;
  self->target_label = g_strdup (DEFAULT_PROP_TARGET_LABEL);
  self->annotate = DEFAULT_PROP_ANNOTATE;
  self->inference_region = DEFAULT_PROP_INFERENCE_REGION;
  self->object_class = g_strdup (DEFAULT_PROP_OBJECT_CLASS);
  self->max_objects = DEFAULT_PROP_MAX_OBJECTS;
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
  g_free (self->target_label);
  g_free (self->object_class);
  g_clear_pointer (&self->object_types, g_array_unref);
  g_free (self->invalid_mean);
  g_free (self->invalid_std);
  g_free (self->refused_offer);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* Parses @text into @values under the object lock. Bad text keeps the
 * old values and is kept in @invalid, which fails the next start; a
 * warning says so at once, for applications watching the bus. */
static void
gst_guided_bp_set_triplet (GstGuidedBp * self, const gchar * name,
    const gchar * text, gfloat values[3], gchar ** invalid)
{
  GError *error = NULL;
  gfloat parsed[3];
  gboolean ok;

  ok = gst_guided_bp_parse_triplet (name, text, parsed, &error);
  if (!ok) {
    GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
        ("Invalid %s '%s': starting will fail until it is set to three "
            "numbers", name, GST_STR_NULL (text)), ("%s", error->message));
    g_clear_error (&error);
  }

  GST_OBJECT_LOCK (self);
  g_free (*invalid);
  *invalid = ok ? NULL : g_strdup (text ? text : "(null)");
  if (ok)
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
          self->mean, &self->invalid_mean);
      break;
    case PROP_STD:
      gst_guided_bp_set_triplet (self, "std", g_value_get_string (value),
          self->std, &self->invalid_std);
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
    case PROP_TUNE_KERNELS:
      GST_OBJECT_LOCK (self);
      self->tune_kernels = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_PRECISION:
      GST_OBJECT_LOCK (self);
      self->precision = g_value_get_enum (value);
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
    case PROP_TOP_K:
      GST_OBJECT_LOCK (self);
      self->top_k = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_TARGET_LABEL:
      gst_guided_bp_set_string (self, &self->target_label, value, NULL);
      break;
    case PROP_ANNOTATE:
      GST_OBJECT_LOCK (self);
      self->annotate = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_INFERENCE_REGION:
      GST_OBJECT_LOCK (self);
      self->inference_region = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_OBJECT_CLASS:{
      GArray *types =
          gst_guided_bp_parse_object_class (g_value_get_string (value));

      gst_guided_bp_set_string (self, &self->object_class, value,
          DEFAULT_PROP_OBJECT_CLASS);
      /* parsed here, not per frame; a frame holds its own reference */
      GST_OBJECT_LOCK (self);
      g_clear_pointer (&self->object_types, g_array_unref);
      self->object_types = types;
      GST_OBJECT_UNLOCK (self);
      break;
    }
    case PROP_MAX_OBJECTS:
      GST_OBJECT_LOCK (self);
      self->max_objects = g_value_get_uint (value);
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
    case PROP_TUNE_KERNELS:
      g_value_set_boolean (value, self->tune_kernels);
      break;
    case PROP_PRECISION:
      g_value_set_enum (value, self->precision);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_ASYNC:
      g_value_set_boolean (value, self->async);
      break;
    case PROP_TOP_K:
      g_value_set_uint (value, self->top_k);
      break;
    case PROP_TARGET_LABEL:
      g_value_set_string (value, self->target_label);
      break;
    case PROP_ANNOTATE:
      g_value_set_boolean (value, self->annotate);
      break;
    case PROP_INFERENCE_REGION:
      g_value_set_enum (value, self->inference_region);
      break;
    case PROP_OBJECT_CLASS:
      g_value_set_string (value, self->object_class);
      break;
    case PROP_MAX_OBJECTS:
      g_value_set_uint (value, self->max_objects);
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
    gst_guided_bp_post_settings_error (GST_ELEMENT_CAST (self), error);
    g_clear_error (&error);
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
    gst_guided_bp_post_settings_error (GST_ELEMENT_CAST (self), error);
    g_clear_error (&error);
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

