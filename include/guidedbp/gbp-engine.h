/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-api.h>
#include <guidedbp/gbp-image.h>
#include <guidedbp/gbp-region.h>

G_BEGIN_DECLS

#define GBP_DEFAULT_INPUT_SIZE 224
/* The largest input size and thread count gbp_engine_new() accepts. */
#define GBP_MAX_INPUT_SIZE 8192
#define GBP_MAX_THREADS 1024
#define GBP_TARGET_CLASS_TOP (-1)
/* The most regions one gbp_engine_run_regions() takes. */
#define GBP_MAX_REGIONS 256

/**
 * GbpPrecision:
 * @GBP_PRECISION_FP32: float32 throughout
 * @GBP_PRECISION_BF16: convolutions and linear layers, forward and input
 *   gradient, take bfloat16 inputs and weights (packed once) and accumulate
 *   and output float32; the guided rule, pooling, the class scores and the
 *   input gradient stay float32. Needs a CPU that computes bfloat16
 *   natively (AVX512_BF16 or AMX-BF16): elsewhere gbp_engine_new() fails
 *   with GBP_ERROR_INVALID_ARGUMENT. With @tune_kernels each layer keeps
 *   the faster of its bfloat16 and float32 kernels (without AMX many stay
 *   float32); the saliency moves by bfloat16's rounding (README.md,
 *   "Precision").
 */
typedef enum {
  GBP_PRECISION_FP32 = 0,
  GBP_PRECISION_BF16,
} GbpPrecision;

/**
 * GbpEngineConfig:
 * @model_path: TorchScript file of an image classifier (required)
 * @device: "cpu", "cuda" or "cuda:N"; NULL means "cpu"
 * @input_width: width the frames are resized to; 0 means 224
 * @input_height: height the frames are resized to; 0 means 224
 * @mean: per-channel (R, G, B) mean subtracted after scaling to [0,1]
 * @std: per-channel (R, G, B) standard deviation divided by; each > 0
 * @num_threads: threads of a run (libtorch's intra-op threads, and the
 *   preprocessing's); 0 means one per CPU the process may use (its CPU
 *   affinity: `taskset`, cgroup cpusets). libtorch's thread count is
 *   process-wide: creating the engine sets it for every model in the
 *   process, and each run sets it back to this engine's count when another
 *   engine (or other libtorch code) changed it in the running thread. The
 *   threads meet at a barrier after every operation, so on a machine where
 *   other threads keep cores busy, fewer threads than cores run far faster
 *   (bench/README.md).
 * @labels_path: optional text file with one class label per line, as many
 *   lines as the model has classes; NULL for none
 * @gradcam_layer: where Grad-CAM can be computed: "" (the default) at the
 *   output of the model's last convolution (if it has one); else at the
 *   output of the module with this path ("layer4", "features.28"), which
 *   must exist; NULL nowhere. It is computed only by the runs whose
 *   #GbpRunOptions ask for it, at the cost of one extra backward pass
 *   through the layers above that module. The element's gradcam-layer
 *   property has the same default.
 * @fold_batch_norm: fold batch normalization into the preceding
 *   convolutions (on by default). Needed for speed on CPUs: a batch norm
 *   cannot be differentiated in oneDNN's blocked layout, so without folding
 *   every convolution it follows converts its activations back and forth
 *   (ResNet18 here: 90 against 114 ms). The saliency moves by float
 *   rounding only (on the test fixtures within 3e-8 of the reference,
 *   folded or not); the Grad-CAM layer "" then means the output of the
 *   last convolution with its batch norm folded in.
 * @tune_kernels: on the CPU, time each convolution's and linear layer's
 *   candidate kernels (oneDNN's implementations for every ISA tier the CPU
 *   runs, and guidedbp's own) on its real shape at the first frame of that
 *   shape, and keep the fastest (on by default). This makes the load take
 *   longer (ResNet18: about a second, bench/README.md); choices are
 *   remembered for the process, so a second engine of the same model
 *   loads without it. FALSE takes oneDNN's own first choice and
 *   guidedbp's kernels by fixed rules.
 * @precision: arithmetic of the convolutions and linear layers: see
 *   #GbpPrecision (GBP_PRECISION_FP32 by default).
 * @keep_freed_memory: on the CPU, tell glibc's malloc, for the whole
 *   process and once, to keep freed blocks of up to 32 MiB for reuse
 *   instead of returning them to the system (M_MMAP_THRESHOLD 32 MiB,
 *   M_TRIM_THRESHOLD 256 MiB); on by default. A guided pass frees and
 *   allocates tens of MiB a frame, which the next frame would otherwise
 *   page-fault in again (MobileNetV2 40 % slower). Peak memory does not
 *   change; a process that stops using the engine keeps that memory
 *   mapped. Any glibc.malloc.* tunable in GLIBC_TUNABLES also leaves
 *   malloc alone.
 *
 * Strings are borrowed: the engine copies what it keeps.
 * Initialise with gbp_engine_config_init() for the defaults.
 */
typedef struct {
  const gchar *model_path;
  const gchar *device;
  guint input_width;
  guint input_height;
  gfloat mean[3];
  gfloat std[3];
  guint num_threads;
  const gchar *labels_path;
  const gchar *gradcam_layer;
  gboolean fold_batch_norm;
  gboolean tune_kernels;
  GbpPrecision precision;
  gboolean keep_freed_memory;
} GbpEngineConfig;

/**
 * GbpSaliency:
 * @class_index: the explained class
 * @score: its softmax probability
 * @label: its label, or NULL without a labels file; owned by the engine
 * @gradient: input gradient, float [3, @height, @width] (R, G, B planes);
 *   owned by the engine, valid until the next run or gbp_engine_free()
 * @width: gradient width (the model's input width)
 * @height: gradient height
 * @cam: Grad-CAM of the class, float [@cam_height, @cam_width], >= 0, not
 *   normalized; NULL unless the run's options asked for it. Owned by the
 *   engine like @gradient.
 * @cam_width: width of @cam (the Grad-CAM layer's), or 0
 * @cam_height: height of @cam, or 0
 * @probabilities: the softmax of the logits, one per class, float
 *   [@num_classes]; owned by the engine like @gradient. Ranked by
 *   gbp_saliency_get_top_k().
 * @num_classes: the number of classes of the model
 *
 * What one run explains. Everything in it is borrowed from the engine.
 */
typedef struct {
  gint class_index;
  gfloat score;
  const gchar *label;
  const gfloat *gradient;
  guint width;
  guint height;
  const gfloat *cam;
  guint cam_width;
  guint cam_height;
  const gfloat *probabilities;
  guint num_classes;
} GbpSaliency;

typedef struct _GbpEngine GbpEngine;

/* Fills @config with the defaults: no model, "cpu", 224x224, ImageNet
 * mean/std, one thread per usable CPU, no labels, Grad-CAM at the last
 * convolution (computed by the runs that ask for it), batch norm folded,
 * kernels tuned, float32. */
GBP_API
void gbp_engine_config_init (GbpEngineConfig * config);

/* Loads and checks the model (one guided forward/backward on a blank
 * frame, which also chooses the kernels with tune_kernels), the labels,
 * and prepares reusable buffers. Errors: GbpError.
 *
 * Process-wide effects, on the CPU: libtorch's intra-op thread count (see
 * @num_threads) and, unless @keep_freed_memory is FALSE, glibc malloc's
 * thresholds (see @keep_freed_memory); kernel choices are remembered for
 * the process (see @tune_kernels). */
GBP_API
GbpEngine *gbp_engine_new (const GbpEngineConfig * config, GError ** error);

GBP_API
void gbp_engine_free (GbpEngine * engine);

/* The intra-op thread count a run from the calling thread uses, as libtorch
 * reports it there (at::get_num_threads ()): the engine's count once a run
 * has applied it in this thread (see GbpEngineConfig.num_threads). */
GBP_API
guint gbp_engine_get_num_threads (const GbpEngine * engine);

/* Number of classes the model outputs. */
GBP_API
guint gbp_engine_get_num_classes (const GbpEngine * engine);

/**
 * GbpEngineStats:
 * @guided_nodes: ReLU-family graph nodes rewritten to the guided rule
 * @onednn_convs: convolutions on the oneDNN path (packed weights, oneDNN
 *   layouts); 0 on CUDA or in a build without it
 * @fused_activations: of them, those fused with the guided activation
 *   after them (and a residual add between)
 * @winograd_convs: of them, those that have run by Winograd (guidedbp's
 *   F(2x2, 3x3) or oneDNN's) so far; never one with a maximum (max
 *   pooling) downstream: 0 before the first run
 * @onednn_linears: linear layers on the oneDNN path
 * @weight_reorders: weight reorders and transforms so far, choosing kernels
 *   included; it stops growing once each input shape has run once
 *
 * Diagnostics of what the engine did with its model, for tests, benchmarks
 * and curious users: not a stable interface of the saliency itself.
 */
typedef struct {
  guint guided_nodes;
  guint onednn_convs;
  guint fused_activations;
  guint winograd_convs;
  guint onednn_linears;
  guint weight_reorders;
} GbpEngineStats;

/* Fills @stats (see #GbpEngineStats). */
GBP_API
void gbp_engine_get_stats (const GbpEngine * engine, GbpEngineStats * stats);

/* The kernels each convolution and linear layer runs, one line per layer
 * and input shape, for diagnostics; free with g_free(). */
GBP_API
gchar *gbp_engine_describe_kernels (const GbpEngine * engine);

/* Label of @class_index, or NULL without labels or out of range. Reads
 * only the labels, which never change after gbp_engine_new(): safe to call
 * while another thread runs the engine. */
GBP_API
const gchar *gbp_engine_get_label (const GbpEngine * engine,
    gint class_index);

/* The class labelled exactly @label, into @class_index. Errors
 * (GBP_ERROR_INVALID_ARGUMENT): the engine has no labels, or no class has
 * that label; the message then lists a few labels (similar ones if any).
 * Thread-safe like gbp_engine_get_label(). */
GBP_API
gboolean gbp_engine_find_label (const GbpEngine * engine, const gchar * label,
    gint * class_index, GError ** error);

/* TRUE when the model has a Grad-CAM layer (see @gradcam_layer). */
GBP_API
gboolean gbp_engine_has_gradcam (const GbpEngine * engine);

/**
 * GbpRunOptions:
 * @target_class: the class to explain: GBP_TARGET_CLASS_TOP for each
 *   image's top-scoring class, else 0 <= @target_class < classes
 * @gradcam: compute Grad-CAM too; needs a Grad-CAM layer
 *   (gbp_engine_has_gradcam())
 *
 * What one run explains. Passed to each run, so that a caller that changes
 * them from frame to frame (an element's live properties) keeps no copy of
 * the engine's state. Initialise with gbp_run_options_init().
 */
typedef struct {
  gint target_class;
  gboolean gradcam;
} GbpRunOptions;

/* Fills @options with the defaults: the top class, no Grad-CAM. */
GBP_API
void gbp_run_options_init (GbpRunOptions * options);

/* Resizes and normalizes @image, runs the guided forward/backward with
 * @options (NULL: the top class, no Grad-CAM) and fills @saliency.
 * Errors (GBP_ERROR_INVALID_ARGUMENT, nothing run): an invalid image; a
 * target class the model does not have; Grad-CAM asked of an engine
 * without a Grad-CAM layer. The engine is not thread-safe: one run at a
 * time. */
GBP_API
gboolean gbp_engine_run (GbpEngine * engine, const GbpImage * image,
    const GbpRunOptions * options, GbpSaliency * saliency, GError ** error);

/* Explains each of @n_regions regions of @image as if it were a frame of
 * its own, in one batch through the model: each region is clamped to the
 * image (gbp_region_clamp()), its crop resized and normalized exactly as
 * gbp_engine_run() does a whole image, and the @n_regions crops go through
 * the model's forward and guided backward together (batch @n_regions),
 * with @options as gbp_engine_run() takes them: each region explains its
 * own top class, or the target class. Fills @saliencies[i] for
 * @regions[i]: the same class, score and, to float rounding, gradient as
 * gbp_engine_run() on that crop alone. Everything in them is borrowed from
 * the engine until its next run (of either kind). Errors
 * (GBP_ERROR_INVALID_ARGUMENT): those of gbp_engine_run(), @n_regions 0 or
 * above GBP_MAX_REGIONS, or a region that is zero-sized or wholly outside
 * the image (the message names its index); no region is run then. The
 * engine's buffers grow to the largest batch run and stay. */
GBP_API
gboolean gbp_engine_run_regions (GbpEngine * engine, const GbpImage * image,
    const GbpRegion * regions, guint n_regions, const GbpRunOptions * options,
    GbpSaliency * saliencies, GError ** error);

/* The @k most probable classes of the run that filled @saliency, most
 * probable first (equal ones by class index): writes MIN (@k, classes)
 * class indices to @classes and their probabilities to @scores (either
 * may be NULL) and returns that count. */
GBP_API
guint gbp_saliency_get_top_k (const GbpSaliency * saliency, guint k,
    gint * classes, gfloat * scores);

G_END_DECLS
