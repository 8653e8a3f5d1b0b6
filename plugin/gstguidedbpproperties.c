/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpproperties.h"

#include <math.h>
#include <string.h>

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-render.h>

#include "gstguidedbpenums.h"
#include "gstguidedbpmodel.h"
#include "gstguidedbpobjects.h"
#include "gstguidedbpsettings.h"

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

static void gst_guided_bp_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_guided_bp_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);

void
gst_guided_bp_install_properties (GObjectClass * gobject_class)
{
  GbpEngineConfig engine_defaults;
  g_autofree gchar *default_mean = NULL, *default_std = NULL;

  gobject_class->set_property = gst_guided_bp_set_property;
  gobject_class->get_property = gst_guided_bp_get_property;

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
}

void
gst_guided_bp_properties_init (GstGuidedBp * self)
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
}

void
gst_guided_bp_properties_clear (GstGuidedBp * self)
{
  g_free (self->model);
  g_free (self->labels);
  g_free (self->device);
  g_free (self->gradcam_layer);
  g_free (self->target_label);
  g_free (self->object_class);
  g_clear_pointer (&self->object_types, g_array_unref);
  g_free (self->invalid_mean);
  g_free (self->invalid_std);
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
