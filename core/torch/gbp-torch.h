/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal (never installed): the libtorch C wrapper the engine calls;
 * the C++ of core/torch/ lives behind it. Handles are opaque; every
 * function returns a GbpTorchStatus, and on failure stores a message in
 * *message that the caller frees with g_free(). *message is set to NULL on
 * entry, so it is non-NULL exactly on failure. No C++ exception ever
 * crosses this boundary.
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-engine.h>

G_BEGIN_DECLS

typedef enum {
  GBP_TORCH_OK = 0,
  GBP_TORCH_ERROR_INVALID_ARGUMENT,
  GBP_TORCH_ERROR_LOAD,
  GBP_TORCH_ERROR_DEVICE,
  GBP_TORCH_ERROR_NOT_CLASSIFIER,
  GBP_TORCH_ERROR_RUN,
} GbpTorchStatus;

typedef struct _GbpTorchModel GbpTorchModel;

/* The arithmetic of convolutions and linear layers. */
typedef enum {
  GBP_TORCH_PRECISION_FP32 = 0,
  /* bfloat16 inputs and weights, float32 accumulation and outputs; needs a
   * CPU that computes bfloat16 natively (AVX512_BF16 or AMX-BF16) */
  GBP_TORCH_PRECISION_BF16,
} GbpTorchPrecision;

/**
 * GbpTorchLoadOptions:
 * @device: "cpu", "cuda", "cuda:N"; NULL is "cpu"
 * @cam_layer: NULL for no Grad-CAM; "" for the output of the last
 *   convolution if the model has one; else a module path such as "layer4"
 *   or "features.28", whose output Grad-CAM explains (an error when there
 *   is no such module)
 * @fold_batch_norm: fold batch normalization into the convolutions before
 *   them (faster, and on the CPU what keeps ResNets' activations in
 *   oneDNN's layouts; float rounding may flip ReLU masks of values near 0)
 * @tune_kernels: on the CPU, time each convolution's and linear layer's
 *   candidate kernels on its real shape at its first run and keep the
 *   fastest (the choice is remembered for the process); FALSE takes
 *   oneDNN's own first choice and guidedbp's kernels by fixed rules
 * @precision: see #GbpTorchPrecision
 *
 * Initialise with gbp_torch_load_options_init().
 */
typedef struct {
  const gchar *device;
  const gchar *cam_layer;
  gboolean fold_batch_norm;
  gboolean tune_kernels;
  GbpTorchPrecision precision;
} GbpTorchLoadOptions;

/* Fills @options with the defaults: "cpu", no Grad-CAM, batch norm folded,
 * kernels tuned, float32. */
void gbp_torch_load_options_init (GbpTorchLoadOptions * options);

/* Sets libtorch's intra-op thread count. Process-wide: it applies to every
 * libtorch user in the process. */
GbpTorchStatus gbp_torch_set_num_threads (guint num_threads, gchar ** message);

/* libtorch's intra-op thread count for work started from the calling
 * thread (at::get_num_threads ()). With OpenMP the size of a thread's team
 * is a setting of that thread: libtorch copies its process-wide count into
 * a thread the first time the thread asks for it or runs a parallel loop.
 * 0 when libtorch cannot say. */
guint gbp_torch_get_num_threads (void);

/* Loads the TorchScript file @path as @options say, freezes a private copy
 * of its forward graph and rewrites every ReLU-family node (relu, relu_,
 * relu6, hardtanh(_) with min 0) into a guided op. The module's parameters
 * never require grad. On the CPU, 2-D convolutions and linear layers then
 * run through oneDNN with their weights packed once per input shape
 * (gbp_torch_model_get_stats()). Precision bf16 on a CPU without native
 * bfloat16 is GBP_TORCH_ERROR_INVALID_ARGUMENT. */
GbpTorchStatus gbp_torch_model_load (const gchar * path,
    const GbpTorchLoadOptions * options, GbpTorchModel ** model,
    gchar ** message);

void gbp_torch_model_free (GbpTorchModel * model);

/* Fills @stats (GbpEngineStats, documented with it): what the load and the
 * runs so far did with the model. */
void gbp_torch_model_get_stats (const GbpTorchModel * model,
    GbpEngineStats * stats);

/* The kernels each convolution and linear layer runs, a line per layer and
 * input shape ("conv 64x56x56 -> 64 k3x3 s1 g1: forward
 * brgconv:avx512_core, input gradient jit:avx512_core"); free with
 * g_free(). Empty before the first run. */
gchar *gbp_torch_model_describe_kernels (const GbpTorchModel * model);

/* The instruction set oneDNN dispatches ("avx2", "avx512_core_amx"),
 * after ONEDNN_MAX_CPU_ISA; "none" without the oneDNN path. */
const gchar *gbp_torch_onednn_isa (void);

/* Milliseconds this process has spent timing candidate kernels. */
gdouble gbp_torch_tuning_milliseconds (void);

/* Whether this build has the oneDNN convolution path (-Donednn_conv). */
gboolean gbp_torch_onednn_convs_available (void);

/* The Grad-CAM map's size (the layer's spatial size), known after the
 * first run of a model loaded with a Grad-CAM layer; else FALSE. */
gboolean gbp_torch_model_get_cam_size (const GbpTorchModel * model,
    guint * width, guint * height);

/**
 * gbp_torch_model_run:
 * @input: float NCHW batch [@batch, @channels, @height, @width], host memory
 * @targets: @batch class indices, each -1 for the top class; NULL: all top
 * @num_classes: (out): classes the model returned
 * @classes: (out) (optional): @batch explained classes
 * @scores: (out) (optional): @batch softmax scores of those classes
 * @probabilities: (out) (optional): [@batch, num_classes] softmax of the
 *   logits
 * @gradient: (out) (optional): guided gradient of each explained logit
 *   w.r.t. @input, same layout as @input. When NULL only the forward runs.
 * @cam: (out) (optional): Grad-CAM of each explained class, float
 *   [@batch, cam height, cam width], not normalized; needs @gradient and a
 *   model loaded with a Grad-CAM layer.
 *
 * Checks that the output is a float [@batch, classes] tensor, else returns
 * GBP_TORCH_ERROR_NOT_CLASSIFIER; an out-of-range target is
 * GBP_TORCH_ERROR_INVALID_ARGUMENT.
 */
GbpTorchStatus gbp_torch_model_run (GbpTorchModel * model, const gfloat * input,
    guint batch, guint channels, guint height, guint width,
    const gint * targets, guint * num_classes, gint * classes, gfloat * scores,
    gfloat * probabilities, gfloat * gradient, gfloat * cam, gchar ** message);

G_END_DECLS
