/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "guidedbp/gbp-engine.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "guidedbp/gbp-error.h"
#include "gbp-engine-private.h"
#include "gbp-torch.h"
#include "gbp-heap.h"
#include "gbp-labels.h"
#include "gbp-parallel.h"
#include "gbp-preprocess.h"

/* Upper bound for the input size: beyond it no classifier is plausible and
 * the buffers would be unreasonable. */


static const gfloat imagenet_mean[3] = { 0.485f, 0.456f, 0.406f };
static const gfloat imagenet_std[3] = { 0.229f, 0.224f, 0.225f };

void
gbp_engine_config_init (GbpEngineConfig * config)
{
  g_return_if_fail (config != NULL);

  *config = (GbpEngineConfig) {
    .model_path = NULL,
    .device = "cpu",
    .input_width = GBP_DEFAULT_INPUT_SIZE,
    .input_height = GBP_DEFAULT_INPUT_SIZE,
    .num_threads = 0,
    .labels_path = NULL,
    .gradcam_layer = "",
    .fold_batch_norm = TRUE,
    .tune_kernels = TRUE,
    .keep_freed_memory = TRUE,
    .precision = GBP_PRECISION_FP32,
  };
  for (guint c = 0; c < 3; c++) {
    config->mean[c] = imagenet_mean[c];
    config->std[c] = imagenet_std[c];
  }
}

static gboolean
validate_config (const GbpEngineConfig * config, GError ** error)
{
  if (config->model_path == NULL || *config->model_path == '\0') {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "no model file given");
    return FALSE;
  }
  if (config->input_width < 1 || config->input_width > GBP_MAX_INPUT_SIZE
      || config->input_height < 1
      || config->input_height > GBP_MAX_INPUT_SIZE) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "model input size %ux%u is out of range (1..%u)",
        config->input_width, config->input_height, GBP_MAX_INPUT_SIZE);
    return FALSE;
  }
  for (guint c = 0; c < 3; c++) {
    if (!isfinite (config->mean[c]) || !isfinite (config->std[c])
        || config->std[c] <= 0.0f) {
      g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
          "channel %u normalization is invalid (mean %g, std %g): "
          "the mean must be finite and the std finite and positive",
          c, config->mean[c], config->std[c]);
      return FALSE;
    }
  }
  if (config->num_threads > GBP_MAX_THREADS) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "%u threads is out of range (0..%u)", config->num_threads,
        GBP_MAX_THREADS);
    return FALSE;
  }
  if (config->precision != GBP_PRECISION_FP32
      && config->precision != GBP_PRECISION_BF16) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "precision %d is invalid (GBP_PRECISION_FP32 or GBP_PRECISION_BF16)",
        (gint) config->precision);
    return FALSE;
  }
  return TRUE;
}

static GbpEngineStats
engine_stats (const GbpEngine * engine)
{
  GbpEngineStats stats;

  gbp_engine_get_stats (engine, &stats);
  return stats;
}

GbpError
gbp_engine_error_from_torch (GbpTorchStatus status)
{
  switch (status) {
    case GBP_TORCH_ERROR_INVALID_ARGUMENT:
      return GBP_ERROR_INVALID_ARGUMENT;
    case GBP_TORCH_ERROR_LOAD:
      return GBP_ERROR_MODEL_LOAD;
    case GBP_TORCH_ERROR_DEVICE:
      return GBP_ERROR_DEVICE;
    case GBP_TORCH_ERROR_NOT_CLASSIFIER:
      return GBP_ERROR_MODEL_NOT_CLASSIFIER;
    case GBP_TORCH_OK:
    case GBP_TORCH_ERROR_RUN:
    default:
      return GBP_ERROR_RUN;
  }
}

/* Reading the file first gives "No such file" or "Permission denied"
 * rather than libtorch's stream-reader wording. */
static gboolean
check_model_file (const gchar * path, GError ** error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || g_access (path, R_OK) != 0) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_MODEL_LOAD,
        "cannot read model file '%s': %s", path, g_strerror (errno));
    return FALSE;
  }
  if (!S_ISREG (st.st_mode)) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_MODEL_LOAD,
        "model file '%s' is not a regular file", path);
    return FALSE;
  }
  if (st.st_size == 0) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_MODEL_LOAD,
        "model file '%s' is empty", path);
    return FALSE;
  }
  return TRUE;
}

/* One guided pass on a blank frame: proves the model takes [1,3,H,W],
 * returns [1,classes] floats and back-propagates, and warms it up. */
static gboolean
probe_model (GbpEngine * engine, GError ** error)
{
  g_autofree gchar *message = NULL;
  GbpTorchStatus status;
  gint top;
  gfloat score;

  status = gbp_torch_model_run (engine->model, engine->input, 1, 3,
      engine->input_height, engine->input_width, NULL, &engine->num_classes,
      &top, &score, NULL, engine->gradient, NULL, &message);
  if (status != GBP_TORCH_OK) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_MODEL_NOT_CLASSIFIER,
        "model '%s' is not a usable image classifier for %ux%u input: %s",
        engine->model_path, engine->input_width, engine->input_height,
        message);
    return FALSE;
  }
  engine->probabilities = g_new0 (gfloat, engine->num_classes);
  if (gbp_torch_model_get_cam_size (engine->model, &engine->cam_width,
          &engine->cam_height))
    engine->cam = g_new0 (gfloat, (gsize) engine->cam_width
        * engine->cam_height);
  engine->capacity = 1;
  engine->targets = g_new0 (gint, 1);
  engine->classes = g_new0 (gint, 1);
  engine->scores = g_new0 (gfloat, 1);
  return TRUE;
}

/* Makes libtorch run this thread's work on @engine's threads. libtorch's
 * count is process-wide, but with OpenMP each thread's team has its own
 * size, copied from libtorch's count when the thread first runs a
 * parallel loop: a thread that ran with another engine's count keeps it. */
gboolean
gbp_engine_apply_num_threads (GbpEngine * engine, GError ** error)
{
  g_autofree gchar *message = NULL;
  GbpTorchStatus status;

  if (gbp_torch_get_num_threads () == engine->num_threads)
    return TRUE;
  status = gbp_torch_set_num_threads (engine->num_threads, &message);
  if (status != GBP_TORCH_OK) {
    g_set_error (error, GBP_ERROR, gbp_engine_error_from_torch (status),
        "cannot use %u threads: %s", engine->num_threads, message);
    return FALSE;
  }
  return TRUE;
}

static gboolean
load_model (GbpEngine * engine, const GbpEngineConfig * config,
    GError ** error)
{
  g_autofree gchar *message = NULL;
  GbpTorchLoadOptions options;
  GbpTorchStatus status;

  if (!gbp_engine_apply_num_threads (engine, error))
    return FALSE;
  if (!check_model_file (config->model_path, error))
    return FALSE;
  if (config->keep_freed_memory && (config->device == NULL
          || g_str_has_prefix (config->device, "cpu")))
    gbp_heap_keep_freed_memory ();
  gbp_torch_load_options_init (&options);
  options.device = config->device;
  options.cam_layer = config->gradcam_layer;
  options.fold_batch_norm = config->fold_batch_norm;
  options.tune_kernels = config->tune_kernels;
  options.precision = config->precision == GBP_PRECISION_BF16 ?
      GBP_TORCH_PRECISION_BF16 : GBP_TORCH_PRECISION_FP32;
  status = gbp_torch_model_load (config->model_path, &options, &engine->model,
      &message);
  if (status != GBP_TORCH_OK) {
    g_set_error (error, GBP_ERROR, gbp_engine_error_from_torch (status),
        "cannot load model '%s': %s", config->model_path, message);
    return FALSE;
  }
  if (engine_stats (engine).guided_nodes == 0) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_MODEL_UNSUPPORTED,
        "model '%s' has no ReLU-family activation (relu, relu6, hardtanh "
        "with min 0): guided backpropagation needs them", config->model_path);
    return FALSE;
  }
  return probe_model (engine, error);
}

typedef struct
{
  GbpEngine *engine;
  const GbpEngineConfig *config;
  GError *error;
  gboolean loaded;
} LoadJob;

static gpointer
load_job_run (gpointer data)
{
  LoadJob *job = data;

  job->loaded = load_model (job->engine, job->config, &job->error);
  return NULL;
}

/* Why a thread of its own: the probe's parallel loops leave an OpenMP
 * team in the thread that ran them, and libgomp makes every team wait by
 * sleeping rather than spinning while it manages more threads than there
 * are CPUs. An element creates its engine in the application's thread
 * and runs it in a streaming thread; with the first team still there, the
 * second waited in the kernel about 250 times per frame (ResNet18 on 2
 * CPUs: 50 against 40 ms per frame, bench/README.md). The load thread's
 * team ends with it. */
static gboolean
load_model_in_thread (GbpEngine * engine, const GbpEngineConfig * config,
    GError ** error)
{
  LoadJob job = { engine, config, NULL, FALSE };
  GThread *thread;

  thread = g_thread_try_new ("gbp-load", load_job_run, &job, error);
  if (thread == NULL)
    return FALSE;
  g_thread_join (thread);
  if (!job.loaded)
    g_propagate_error (error, job.error);
  return job.loaded;
}

GbpEngine *
gbp_engine_new (const GbpEngineConfig * config, GError ** error)
{
  g_autoptr (GError) local_error = NULL;
  GbpEngine *engine;
  gsize plane;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_config (config, error))
    return NULL;

  plane = (gsize) config->input_width * config->input_height;
  engine = g_new0 (GbpEngine, 1);
  engine->model_path = g_strdup (config->model_path);
  engine->input_width = config->input_width;
  engine->input_height = config->input_height;
  engine->num_threads = config->num_threads > 0 ? config->num_threads :
      MIN (gbp_cpu_count (), GBP_MAX_THREADS);
  engine->input = g_new0 (gfloat, 3 * plane);
  engine->gradient = g_new0 (gfloat, 3 * plane);
  engine->preprocessor = gbp_preprocessor_new (config->input_width,
      config->input_height, config->mean, config->std);
  gbp_preprocessor_set_num_threads (engine->preprocessor, engine->num_threads);

  if (!load_model_in_thread (engine, config, &local_error))
    goto failed;
  if (config->labels_path != NULL) {
    engine->labels = gbp_labels_load (config->labels_path,
        engine->num_classes, &local_error);
    if (engine->labels == NULL)
      goto failed;
  }
  return engine;

failed:
  g_propagate_error (error, g_steal_pointer (&local_error));
  gbp_engine_free (engine);
  return NULL;
}

void
gbp_engine_free (GbpEngine * engine)
{
  if (engine == NULL)
    return;
  gbp_torch_model_free (engine->model);
  gbp_preprocessor_free (engine->preprocessor);
  g_strfreev (engine->labels);
  g_free (engine->model_path);
  g_free (engine->input);
  g_free (engine->gradient);
  g_free (engine->probabilities);
  g_free (engine->cam);
  g_free (engine->targets);
  g_free (engine->classes);
  g_free (engine->scores);
  g_free (engine);
}

guint
gbp_engine_get_num_classes (const GbpEngine * engine)
{
  g_return_val_if_fail (engine != NULL, 0);
  return engine->num_classes;
}

void
gbp_engine_get_stats (const GbpEngine * engine, GbpEngineStats * stats)
{
  g_return_if_fail (engine != NULL && stats != NULL);
  gbp_torch_model_get_stats (engine->model, stats);
}

gchar *
gbp_engine_describe_kernels (const GbpEngine * engine)
{
  g_return_val_if_fail (engine != NULL, NULL);
  return gbp_torch_model_describe_kernels (engine->model);
}

guint
gbp_engine_get_num_threads (const GbpEngine * engine)
{
  g_return_val_if_fail (engine != NULL, 0);
  return gbp_torch_get_num_threads ();
}

const gchar *
gbp_engine_get_label (const GbpEngine * engine, gint class_index)
{
  g_return_val_if_fail (engine != NULL, NULL);
  if (engine->labels == NULL || class_index < 0
      || (guint) class_index >= engine->num_classes)
    return NULL;
  return engine->labels[class_index];
}

gboolean
gbp_engine_find_label (const GbpEngine * engine, const gchar * label,
    gint * class_index, GError ** error)
{
  g_return_val_if_fail (engine != NULL && class_index != NULL, FALSE);

  if (engine->labels == NULL) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "cannot find the class labelled '%s': model '%s' has no labels "
        "(give a labels file)", label ? label : "(null)", engine->model_path);
    return FALSE;
  }
  return gbp_labels_find (engine->labels, label, class_index, error);
}

gboolean
gbp_engine_has_gradcam (const GbpEngine * engine)
{
  g_return_val_if_fail (engine != NULL, FALSE);
  return engine->cam != NULL;
}

void
gbp_run_options_init (GbpRunOptions * options)
{
  g_return_if_fail (options != NULL);
  options->target_class = GBP_TARGET_CLASS_TOP;
  options->gradcam = FALSE;
}

gboolean
gbp_engine_check_run_options (const GbpEngine * engine,
    const GbpRunOptions * options, GError ** error)
{
  const gint target_class = options->target_class;

  if (target_class < GBP_TARGET_CLASS_TOP
      || (target_class >= 0 && (guint) target_class >= engine->num_classes)) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "target class %d is out of range: model '%s' has %u classes "
        "(0..%u, or -1 for the top class)", target_class, engine->model_path,
        engine->num_classes, engine->num_classes - 1);
    return FALSE;
  }
  if (options->gradcam && engine->cam == NULL) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "model '%s' has no Grad-CAM layer (no convolution, or none was "
        "configured)", engine->model_path);
    return FALSE;
  }
  return TRUE;
}

gboolean
gbp_engine_run_batch (GbpEngine * engine, const GbpImage * items, guint n,
    const GbpRunOptions * options, gboolean regions,
    GbpSaliency * saliencies, GError ** error)
{
  g_autofree gchar *message = NULL;
  GbpTorchStatus status;
  gsize item, cam_item;
  gboolean cam;

  if (!gbp_engine_apply_num_threads (engine, error))
    return FALSE;

  gbp_engine_reserve (engine, n);
  item = (gsize) 3 * engine->input_width * engine->input_height;
  cam_item = (gsize) engine->cam_width * engine->cam_height;
  for (guint i = 0; i < n; i++) {
    gbp_preprocessor_run (engine->preprocessor, &items[i],
        engine->input + i * item);
    engine->targets[i] = options->target_class;
  }
  cam = options->gradcam;
  status = gbp_torch_model_run (engine->model, engine->input, n, 3,
      engine->input_height, engine->input_width, engine->targets, NULL,
      engine->classes, engine->scores, engine->probabilities,
      engine->gradient, cam ? engine->cam : NULL, &message);
  if (status != GBP_TORCH_OK) {
    if (regions)
      g_set_error (error, GBP_ERROR, gbp_engine_error_from_torch (status),
          "running model '%s' on %u regions failed: %s", engine->model_path,
          n, message);
    else
      g_set_error (error, GBP_ERROR, gbp_engine_error_from_torch (status),
          "running model '%s' failed: %s", engine->model_path, message);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    gint chosen = engine->classes[i];

    saliencies[i] = (GbpSaliency) {
      .class_index = chosen,
      .score = engine->scores[i],
      .label = gbp_engine_get_label (engine, chosen),
      .gradient = engine->gradient + i * item,
      .width = engine->input_width,
      .height = engine->input_height,
      .cam = cam ? engine->cam + i * cam_item : NULL,
      .cam_width = cam ? engine->cam_width : 0,
      .cam_height = cam ? engine->cam_height : 0,
      .probabilities = engine->probabilities
          + (gsize) i * engine->num_classes,
      .num_classes = engine->num_classes,
    };
  }
  return TRUE;
}

const GbpRunOptions *
gbp_run_options_or_default (const GbpRunOptions * options)
{
  static const GbpRunOptions defaults = {
    .target_class = GBP_TARGET_CLASS_TOP,
    .gradcam = FALSE,
  };

  return options != NULL ? options : &defaults;
}

gboolean
gbp_engine_run (GbpEngine * engine, const GbpImage * image,
    const GbpRunOptions * options, GbpSaliency * saliency, GError ** error)
{
  g_return_val_if_fail (engine != NULL && saliency != NULL, FALSE);

  options = gbp_run_options_or_default (options);
  if (!gbp_image_validate (image, error)
      || !gbp_engine_check_run_options (engine, options, error))
    return FALSE;
  return gbp_engine_run_batch (engine, image, 1, options, FALSE, saliency,
      error);
}
