/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: the engine's state, shared by gbp-engine.c (load, settings,
 * one image) and gbp-engine-regions.c (a batch of regions of one image).
 */
#pragma once

#include "guidedbp/gbp-engine.h"
#include "guidedbp/gbp-error.h"
#include "gbp-torch.h"
#include "gbp-preprocess.h"

G_BEGIN_DECLS

struct _GbpEngine {
  GbpTorchModel *model;
  gchar *model_path;
  guint input_width;
  guint input_height;
  guint num_classes;
  guint num_threads;            /* libtorch's and preprocessing's, >= 1 */
  gchar **labels;

  GbpPreprocessor *preprocessor;
  /* Reused every frame, each for @capacity items (1 until a batch of
   * regions needs more; see gbp_engine_reserve()). */
  guint capacity;
  gfloat *input;                /* [capacity, 3, H, W] */
  gfloat *gradient;             /* [capacity, 3, H, W] */
  gfloat *probabilities;        /* [capacity, num_classes] */
  gfloat *cam;                  /* [capacity, cam_height, cam_width] or NULL */
  gint *targets;                /* [capacity], for batches */
  gint *classes;                /* [capacity], for batches */
  gfloat *scores;               /* [capacity], for batches */
  guint cam_width;
  guint cam_height;
};

/* GbpError of a wrapper status. */
G_GNUC_INTERNAL GbpError gbp_engine_error_from_torch (GbpTorchStatus status);

/* Makes libtorch run this thread's work on @engine's threads. */
G_GNUC_INTERNAL gboolean gbp_engine_apply_num_threads (GbpEngine * engine,
    GError ** error);

/* @options, or when NULL those of gbp_run_options_init(). */
G_GNUC_INTERNAL const GbpRunOptions *gbp_run_options_or_default
    (const GbpRunOptions * options);

/* FALSE (GBP_ERROR_INVALID_ARGUMENT) when @options name a class the model
 * does not have, or Grad-CAM without a Grad-CAM layer. */
G_GNUC_INTERNAL gboolean gbp_engine_check_run_options
    (const GbpEngine * engine, const GbpRunOptions * options,
    GError ** error);

/* Runs the @n images @items (validated) through the model as one batch
 * with @options (checked), each resized and normalized by the
 * preprocessor, and fills @saliencies[i] for @items[i]; @regions only
 * words the error. */
G_GNUC_INTERNAL gboolean gbp_engine_run_batch (GbpEngine * engine,
    const GbpImage * items, guint n, const GbpRunOptions * options,
    gboolean regions, GbpSaliency * saliencies, GError ** error);

/* Grows the per-item buffers to hold @n items (the contents of the first
 * item survive; a run writes all it reads). */
G_GNUC_INTERNAL void gbp_engine_reserve (GbpEngine * engine, guint n);

G_END_DECLS
