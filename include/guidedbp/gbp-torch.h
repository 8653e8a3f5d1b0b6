/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The libtorch C wrapper: the only C++ in guidedbp lives behind this header.
 * Handles are opaque; every function returns a GbpTorchStatus, and on
 * failure stores a message in *message that the caller frees with g_free().
 * *message is set to NULL on entry, so it is non-NULL exactly on failure.
 * No C++ exception ever crosses this boundary.
 */
#pragma once

#include <glib.h>

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

/* Sets libtorch's intra-op thread count. Process-wide: it applies to every
 * libtorch user in the process. */
GbpTorchStatus gbp_torch_set_num_threads (guint num_threads, gchar ** message);

/* libtorch's intra-op thread count for work started from the calling
 * thread (at::get_num_threads ()). With OpenMP the size of a thread's team
 * is a setting of that thread: libtorch copies its process-wide count into
 * a thread the first time the thread asks for it or runs a parallel loop.
 * 0 when libtorch cannot say. */
guint gbp_torch_get_num_threads (void);

/* Loads the TorchScript file @path onto @device ("cpu", "cuda", "cuda:N"),
 * freezes a private copy of its forward graph and rewrites every ReLU-family
 * node (relu, relu_, relu6, hardtanh(_) with min 0) into a guided op. The
 * module's parameters never require grad. @cam_layer: NULL for no Grad-CAM;
 * "" for the output of the last convolution if the model has one; else a
 * module path such as "layer4" or "features.28", whose output Grad-CAM
 * explains (an error when there is no such module). @fold_batch_norm folds
 * batch normalization into the convolutions before them (faster, and on the
 * CPU what keeps ResNets' activations in oneDNN's blocked layout; float
 * rounding may flip ReLU masks of values near zero). On the CPU, 2-D
 * convolutions then run through oneDNN with packed weights
 * (gbp_torch_model_get_num_onednn_convs()). */
GbpTorchStatus gbp_torch_model_load (const gchar * path, const gchar * device,
    const gchar * cam_layer, gboolean fold_batch_norm, GbpTorchModel ** model,
    gchar ** message);

void gbp_torch_model_free (GbpTorchModel * model);

/* How many ReLU-family nodes the load rewrote. */
guint gbp_torch_model_get_num_guided_nodes (const GbpTorchModel * model);

/* How many convolutions the load put on the oneDNN path (packed weights,
 * blocked activations); 0 on CUDA or in a build without that path. */
guint gbp_torch_model_get_num_onednn_convs (const GbpTorchModel * model);

/* How many of those convolutions absorbed the guided activation after them
 * (and a residual add before it): one oneDNN primitive forward, one pass
 * of the guided rule backward. */
guint gbp_torch_model_get_num_fused_activations (const GbpTorchModel * model);

/* How many of those convolutions have run by Winograd's F(2x2, 3x3)
 * (wide 3x3 ones on CPUs whose oneDNN kernels block channels by 8, such as
 * AVX2 ones; never one with a max pooling, or another maximum, anywhere
 * downstream): 0 before the first run. */
guint gbp_torch_model_get_num_winograd_convs (const GbpTorchModel * model);

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
    gfloat * gradient, gfloat * cam, gchar ** message);

G_END_DECLS
