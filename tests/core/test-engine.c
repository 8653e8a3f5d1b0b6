/* guidedbp tests — the engine against PyTorch references (no GStreamer)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <check.h>
#include <guidedbp/guidedbp.h>
#include "gbp-torch.h"

#include "gbp-test-data.h"

/* What the issue asks: float rounding may flip a few ReLU masks. */
#define MIN_FRACTION_CLOSE 0.999
#define MIN_CORRELATION 0.9999
/* Softmax scores of float logits: relative rounding. */
#define SCORE_TOLERANCE 1e-4

static GStrv model_groups;

static GbpEngine *
engine_for_group_configured (const gchar * group, const gchar * labels,
    gboolean fold_batch_norm, gboolean tune_kernels, GError ** error)
{
  g_autofree gchar *file = gbp_test_fixture_string (group, "file");
  g_autofree gchar *path = gbp_test_data_path (file);
  g_autofree gchar *labels_path = labels ? gbp_test_data_path (labels) : NULL;
  GbpEngineConfig config;

  gbp_engine_config_init (&config);
  config.model_path = path;
  config.input_width = gbp_test_fixture_int (group, "input_width");
  config.input_height = gbp_test_fixture_int (group, "input_height");
  config.num_threads = 2;
  config.labels_path = labels_path;
  config.fold_batch_norm = fold_batch_norm;
  config.tune_kernels = tune_kernels;
  return gbp_engine_new (&config, error);
}

static GbpEngine *
engine_for_group_folded (const gchar * group, const gchar * labels,
    gboolean fold_batch_norm, GError ** error)
{
  return engine_for_group_configured (group, labels, fold_batch_norm, TRUE,
      error);
}

static GbpEngine *
engine_for_group (const gchar * group, const gchar * labels, GError ** error)
{
  return engine_for_group_folded (group, labels, FALSE, error);
}

/* The fixture's test card, at the model's input size. */
static GbpImage
card_for_group (const gchar * group, GbpPixelFormat format, gsize padding)
{
  guint w = gbp_test_fixture_int (group, "input_width");
  guint h = gbp_test_fixture_int (group, "input_height");
  g_autofree guint8 *rgb = gbp_test_fixture_file (group, "image",
      (gsize) w * h * 3);

  return gbp_test_image_from_rgb (rgb, w, h, format, padding);
}

static void
check_against_reference (const gchar * group, GbpEngine * engine,
    const gchar * which)
{
  g_autofree gchar *class_key = g_strdup_printf ("%s_class", which);
  g_autofree gchar *score_key = g_strdup_printf ("%s_score", which);
  g_autofree gchar *gradient_key = g_strdup_printf ("%s_gradient", which);
  guint w = gbp_test_fixture_int (group, "input_width");
  guint h = gbp_test_fixture_int (group, "input_height");
  gsize n = (gsize) 3 * w * h;
  g_autofree gfloat *reference = (gfloat *) gbp_test_fixture_file (group,
      gradient_key, n * sizeof (gfloat));
  GbpImage card = card_for_group (group, GBP_PIXEL_FORMAT_RGB, 0);
  g_autoptr (GError) error = NULL;
  GbpRunOptions options;
  GbpSaliency saliency;
  GbpAgreement a;
  gdouble ref_score = gbp_test_fixture_double (group, score_key);

  gbp_run_options_init (&options);
  if (g_str_equal (which, "target"))
    options.target_class = gbp_test_fixture_int (group, "target_class");
  ck_assert_msg (gbp_engine_run (engine, &card, &options, &saliency, &error),
      "%s: %s", group, error ? error->message : "");
  g_free (card.data);

  ck_assert_uint_eq (saliency.width, w);
  ck_assert_uint_eq (saliency.height, h);
  ck_assert_int_eq (saliency.class_index,
      gbp_test_fixture_int (group, class_key));
  /* relative: some reference scores are 3e-4, below any absolute bound
   * that would tell them apart from 0 */
  ck_assert_msg (fabs (saliency.score - ref_score) <= SCORE_TOLERANCE
      * ref_score, "%s %s score %g, reference %g", group, which,
      saliency.score, ref_score);

  a = gbp_test_agreement (saliency.gradient, reference, n);
  g_print ("%-28s %-6s class %d: %.4f%% within 1e-3 of max|ref|, "
      "correlation %.7f, max |diff| %.3g of max|ref| %.3g\n", group, which,
      saliency.class_index, 100.0 * a.fraction_close, a.correlation,
      a.max_abs_diff, a.max_abs_ref);
  ck_assert_msg (a.max_abs_ref > 0, "%s: reference gradient is zero", group);
  ck_assert_msg (a.fraction_close >= MIN_FRACTION_CLOSE,
      "%s %s: only %.4f%% of elements within 1e-3 of max|ref|", group, which,
      100.0 * a.fraction_close);
  ck_assert_msg (a.correlation >= MIN_CORRELATION,
      "%s %s: correlation %.7f", group, which, a.correlation);
}

/* With its kernels tuned, an engine may run Winograd only where the tie
 * rule allows it (no maximum downstream), which the fixture script derived
 * from the model's geometry. */
static void
check_winograd_allowed (const gchar * group, const GbpEngine * engine)
{
  GbpEngineStats stats;

  gbp_engine_get_stats (engine, &stats);
  g_print ("%-28s convolutions run by Winograd: %u (allowed: %d)\n", group,
      stats.winograd_convs, gbp_test_fixture_int (group, "winograd_allowed"));
  ck_assert_int_le (stats.winograd_convs,
      gbp_test_fixture_int (group, "winograd_allowed"));
}

/* Every convolution and linear layer of the fixture runs on the oneDNN
 * path, and once each shape has run no weight is reordered again. */
static void
check_weights_packed_once (const gchar * group, GbpEngine * engine)
{
  GbpImage card = card_for_group (group, GBP_PIXEL_FORMAT_RGB, 0);
  GbpEngineStats before, after;
  GbpSaliency saliency;

  gbp_engine_get_stats (engine, &before);
  for (guint i = 0; i < 3; i++)
    ck_assert (gbp_engine_run (engine, &card, NULL, &saliency, NULL));
  gbp_engine_get_stats (engine, &after);
  g_free (card.data);
  g_print ("%-28s weight reorders: %u at the first frames, %u in 3 more\n",
      group, before.weight_reorders,
      after.weight_reorders - before.weight_reorders);
  ck_assert_uint_eq (after.weight_reorders, before.weight_reorders);
  if (gbp_torch_onednn_convs_available ()) {
    ck_assert_uint_eq (after.onednn_convs, gbp_test_fixture_int (group,
            "convs"));
    ck_assert_uint_eq (after.onednn_linears, gbp_test_fixture_int (group,
            "linears"));
  }
}

START_TEST (test_model_matches_reference)
{
  const gchar *group = model_groups[_i];
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_for_group (group, NULL, &error);
  GbpEngineStats stats;

  ck_assert_msg (engine != NULL, "%s: %s", group, error ? error->message : "");
  ck_assert_uint_eq (gbp_engine_get_num_classes (engine),
      gbp_test_fixture_int (group, "num_classes"));
  gbp_engine_get_stats (engine, &stats);
  g_print ("%-28s ReLU-family nodes rewritten: %u\n", group,
      stats.guided_nodes);
  ck_assert_uint_eq (stats.guided_nodes,
      gbp_test_fixture_int (group, "relu_nodes"));
  /* every fixture has convolutions: the comparison below must cover the
   * oneDNN path wherever this build has it */
  g_print ("%-28s convolutions on oneDNN: %u, fused with their "
      "activation: %u\n", group, stats.onednn_convs, stats.fused_activations);
  if (gbp_torch_onednn_convs_available ())
    ck_assert_uint_gt (stats.onednn_convs, 0);

  check_against_reference (group, engine, "top");
  check_winograd_allowed (group, engine);
  check_weights_packed_once (group, engine);
  check_against_reference (group, engine, "target");
  /* and back: the top class again gives the top reference */
  check_against_reference (group, engine, "top");
  gbp_engine_free (engine);
}
END_TEST

/* Folding batch norm (a speed option) keeps the saliency within the same
 * tolerance of the reference on every fixture. */
START_TEST (test_folded_model_matches_reference)
{
  const gchar *group = model_groups[_i];
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_for_group_folded (group, NULL, TRUE, &error);
  GbpEngineStats stats;

  ck_assert_msg (engine != NULL, "%s: %s", group, error ? error->message : "");
  gbp_engine_get_stats (engine, &stats);
  g_print ("%-28s with batch norm folded: convolutions on oneDNN: %u, "
      "fused with their activation: %u\n", group, stats.onednn_convs,
      stats.fused_activations);
  /* folded, every fixture has a convolution feeding its activation: the
   * comparison below covers the fused op */
  if (gbp_torch_onednn_convs_available ())
    ck_assert_uint_gt (stats.fused_activations, 0);
  check_against_reference (group, engine, "top");
  check_winograd_allowed (group, engine);
  gbp_engine_free (engine);
}
END_TEST

/* Checks skipped, each with a printed reason, and written to this file so
 * that main() counts them: Check runs each test in a child process. */
static gchar *skip_log;

static void
skip_check (const gchar * group, const gchar * why)
{
  g_autofree gchar *line = g_strdup_printf ("SKIP %s: %s\n", group, why);
  FILE *log = fopen (skip_log, "a");

  g_print ("%s", line);
  ck_assert (log != NULL);
  fputs (line, log);
  fclose (log);
}

/* How many checks were skipped, and the log gone. */
static guint
count_skipped_checks (void)
{
  g_autofree gchar *text = NULL;
  guint count = 0;

  if (g_file_get_contents (skip_log, &text, NULL, NULL))
    for (const gchar * p = text; *p; p++)
      count += *p == '\n';
  g_unlink (skip_log);
  return count;
}

/* With tuning off, the fixed rules give Winograd exactly the convolutions
 * the fixture's geometry says (fixtures.ini's winograd_convs) where oneDNN
 * dispatches AVX2 (on an AVX2 CPU, or an AVX-512 one capped to it): its
 * kernels keep 8-channel blocks there, which the rules ask for; and none
 * where it dispatches AVX-512 (16-channel blocks). Below AVX2 oneDNN's
 * first kernel varies by shape, so the count is not checked there. Either
 * way the saliency matches the reference. */
START_TEST (test_fixed_rules_match_reference)
{
  const gchar *group = model_groups[_i];
  const gchar *isa = gbp_torch_onednn_isa ();
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_for_group_configured (group, NULL, TRUE, FALSE,
      &error);
  GbpEngineStats stats;
  gint expected;

  ck_assert_msg (engine != NULL, "%s: %s", group, error ? error->message : "");
  check_against_reference (group, engine, "top");
  gbp_engine_get_stats (engine, &stats);
  if (!gbp_torch_onednn_convs_available ()) {
    skip_check (group, "Winograd count: this build has no oneDNN path");
    gbp_engine_free (engine);
    return;
  }
  if (g_str_has_prefix (isa, "avx512")) {
    expected = 0;
  } else if (g_str_has_prefix (isa, "avx2")) {
    expected = gbp_test_fixture_int (group, "winograd_convs");
  } else {
    skip_check (group, "Winograd count of the fixed rules: not checked below "
        "AVX2");
    gbp_engine_free (engine);
    return;
  }
  g_print ("%-28s untuned on %s: %u convolutions by Winograd, expected %d\n",
      group, isa, stats.winograd_convs, expected);
  ck_assert_int_eq (stats.winograd_convs, expected);
  gbp_engine_free (engine);
}
END_TEST

/* The target gradient is told apart from the top one by the comparison
 * above only if the two references differ: make sure they do. */
START_TEST (test_target_references_differ)
{
  const gchar *group = model_groups[_i];
  gsize n = (gsize) 3 * gbp_test_fixture_int (group, "input_width")
      * gbp_test_fixture_int (group, "input_height");
  g_autofree gfloat *top = (gfloat *) gbp_test_fixture_file (group,
      "top_gradient", n * sizeof (gfloat));
  g_autofree gfloat *target = (gfloat *) gbp_test_fixture_file (group,
      "target_gradient", n * sizeof (gfloat));

  ck_assert_int_ne (gbp_test_fixture_int (group, "top_class"),
      gbp_test_fixture_int (group, "target_class"));
  ck_assert (gbp_test_agreement (top, target, n).correlation < 0.95);
}
END_TEST

static const gchar *
first_model_group (void)
{
  return "model alexnet_inplace";
}

START_TEST (test_every_format_gives_the_same_saliency)
{
  const gchar *group = first_model_group ();
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_for_group (group, NULL, &error);
  GbpImage rgb = card_for_group (group, GBP_PIXEL_FORMAT_RGB, 0);
  GbpSaliency saliency;
  g_autofree gfloat *expected = NULL;
  gsize n;

  ck_assert_msg (engine != NULL, "%s", error ? error->message : "");
  ck_assert (gbp_engine_run (engine, &rgb, NULL, &saliency, &error));
  n = (gsize) 3 * saliency.width * saliency.height;
  expected = g_memdup2 (saliency.gradient, n * sizeof (gfloat));
  g_free (rgb.data);

  for (gint f = 0; f < GBP_PIXEL_FORMAT_COUNT; f++) {
    GbpImage image = card_for_group (group, f, 13);
    GbpAgreement a;

    ck_assert_msg (gbp_engine_run (engine, &image, NULL, &saliency, &error),
        "format %d: %s", f, error ? error->message : "");
    a = gbp_test_agreement (saliency.gradient, expected, n);
    ck_assert_msg (a.max_abs_diff <= 1e-6 * a.max_abs_ref,
        "format %d differs from RGB by %g", f, a.max_abs_diff);
    g_free (image.data);
  }
  gbp_engine_free (engine);
}
END_TEST

static void
check_runs_on_size (GbpEngine * engine, guint width, guint height,
    gsize padding)
{
  g_autofree guint8 *rgb = g_malloc ((gsize) width * height * 3);
  g_autoptr (GError) error = NULL;
  GbpSaliency saliency;
  GbpImage image;
  gdouble energy = 0;

  for (gsize i = 0; i < (gsize) width * height * 3; i++)
    rgb[i] = (guint8) (i * 7919 % 251);
  image = gbp_test_image_from_rgb (rgb, width, height, GBP_PIXEL_FORMAT_BGRX,
      padding);
  ck_assert_msg (gbp_engine_run (engine, &image, NULL, &saliency, &error),
      "%ux%u: %s", width, height, error ? error->message : "");
  for (gsize i = 0; i < (gsize) 3 * saliency.width * saliency.height; i++) {
    ck_assert (isfinite (saliency.gradient[i]));
    energy += saliency.gradient[i] * saliency.gradient[i];
  }
  ck_assert_msg (energy > 0, "%ux%u: zero gradient", width, height);
  g_free (image.data);
}

START_TEST (test_odd_sizes)
{
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_for_group (first_model_group (), NULL, &error);

  ck_assert_msg (engine != NULL, "%s", error ? error->message : "");
  check_runs_on_size (engine, 1, 1, 0);
  check_runs_on_size (engine, 3, 7, 1);
  check_runs_on_size (engine, 7, 3, 0);
  check_runs_on_size (engine, 1920, 1080, 64);
  gbp_engine_free (engine);
}
END_TEST

static GbpError
expected_code (const gchar * expect)
{
  if (g_str_equal (expect, "load"))
    return GBP_ERROR_MODEL_LOAD;
  if (g_str_equal (expect, "no-relu"))
    return GBP_ERROR_MODEL_UNSUPPORTED;
  /* output, input, forward: loads but does not work as a classifier */
  return GBP_ERROR_MODEL_NOT_CLASSIFIER;
}

/* The words that say why, per kind of failure. */
static const gchar *
expected_cause (const gchar * expect)
{
  if (g_str_equal (expect, "output"))
    return "a classifier must return a float tensor";
  if (g_str_equal (expect, "input") || g_str_equal (expect, "forward"))
    return "forward failed";
  if (g_str_equal (expect, "no-relu"))
    return "no ReLU-family activation";
  return "";                    /* load: the messages vary with the damage */
}

static GStrv bad_groups;

/* A 64x64 config for the model file @relative under tests/data/; @path
 * receives the absolute path the config borrows (g_free it). */
static void
config_for_file (GbpEngineConfig * config, const gchar * relative,
    gchar ** path)
{
  *path = gbp_test_data_path (relative);
  gbp_engine_config_init (config);
  config->model_path = *path;
  config->input_width = config->input_height = 64;
}

START_TEST (test_bad_model_is_a_clear_error)
{
  const gchar *group = bad_groups[_i];
  g_autofree gchar *file = gbp_test_fixture_string (group, "file");
  g_autofree gchar *expect = gbp_test_fixture_string (group, "expect");
  g_autofree gchar *path = NULL;
  g_autoptr (GError) error = NULL;
  GbpEngineConfig config;
  GbpEngine *engine;

  config_for_file (&config, file, &path);
  engine = gbp_engine_new (&config, &error);

  ck_assert_msg (engine == NULL, "%s loaded", file);
  ck_assert (error != NULL);
  g_print ("%-34s -> %s\n", file, error->message);
  ck_assert_msg (error->domain == GBP_ERROR
      && error->code == (gint) expected_code (expect),
      "%s: code %d, expected %s: %s", file, error->code, expect,
      error->message);
  ck_assert_msg (strstr (error->message, path) != NULL,
      "message does not name the file: %s", error->message);
  ck_assert_msg (strstr (error->message, expected_cause (expect)) != NULL,
      "message does not give the cause: %s", error->message);
}
END_TEST

/* Minor page faults of this process so far. */
static glong
minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

/* Average minor page faults per frame of @engine on @frame, after ten
 * frames of warm-up (the heap settles and kernels are chosen over the
 * first frames). */
static glong
faults_per_frame (GbpEngine * engine, const GbpImage * frame)
{
  GbpSaliency saliency;
  glong before;

  for (guint i = 0; i < 10; i++)
    ck_assert (gbp_engine_run (engine, frame, NULL, &saliency, NULL));
  before = minor_faults ();
  for (guint i = 0; i < 10; i++)
    ck_assert (gbp_engine_run (engine, frame, NULL, &saliency, NULL));
  return (minor_faults () - before) / 10;
}

/* A pass frees megabytes and allocates them again next frame: the engine
 * has malloc keep them (see gbp-heap.c), or every frame faults them in.
 * The same model is run first with keep_freed_memory off (the policy is
 * process-wide and set once, so the order matters; Check forks each test):
 * about 5,600 faults a frame at 384x384, against 0-120 with the policy,
 * which varies with the kernels chosen and the ISA tier. The bound is a
 * tenth of the first figure. Not under AddressSanitizer, whose allocator
 * is not glibc's. */
START_TEST (test_frames_reuse_memory)
{
  g_autofree gchar *file = gbp_test_fixture_string ("model mobilenetv2_relu6",
      "file");
  g_autofree gchar *path = NULL;
  g_autoptr (GError) error = NULL;
  GbpImage frame = card_for_group ("model mobilenetv2_relu6",
      GBP_PIXEL_FORMAT_RGB, 0);
  GbpEngineConfig config;
  GbpEngine *engine;
  glong released, kept;

  config_for_file (&config, file, &path);
  config.input_width = config.input_height = 384;
  config.keep_freed_memory = FALSE;
  engine = gbp_engine_new (&config, &error);
  ck_assert_msg (engine != NULL, "%s", error ? error->message : "");
  released = faults_per_frame (engine, &frame);
  gbp_engine_free (engine);

  config.keep_freed_memory = TRUE;
  engine = gbp_engine_new (&config, &error);
  ck_assert_msg (engine != NULL, "%s", error ? error->message : "");
  kept = faults_per_frame (engine, &frame);
  gbp_engine_free (engine);

  g_print ("minor page faults per frame at 384x384: %ld with freed memory "
      "kept, %ld without\n", kept, released);
  ck_assert_int_gt (released, 1000);
  ck_assert_int_lt (kept * 10, released);
  g_free (frame.data);
}
END_TEST

START_TEST (test_missing_model)
{
  g_autoptr (GError) error = NULL;
  GbpEngineConfig config;

  gbp_engine_config_init (&config);
  config.model_path = "/nonexistent/model.pt";
  ck_assert (gbp_engine_new (&config, &error) == NULL);
  ck_assert_int_eq (error->code, GBP_ERROR_MODEL_LOAD);
  ck_assert (strstr (error->message, "/nonexistent/model.pt") != NULL);
  ck_assert (strstr (error->message, "No such file") != NULL);
  g_clear_error (&error);

  config.model_path = NULL;
  ck_assert (gbp_engine_new (&config, &error) == NULL);
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
}
END_TEST

START_TEST (test_devices)
{
  static const gchar *const bad_devices[] = { "tpu", "cuda:x", "", "cuda",
    "cuda:3", "mps"
  };
  g_autofree gchar *file = gbp_test_fixture_string (first_model_group (),
      "file");
  g_autofree gchar *path = NULL;
  GbpEngineConfig config;
  GbpEngine *engine;

  config_for_file (&config, file, &path);

  for (guint i = 0; i < G_N_ELEMENTS (bad_devices); i++) {
    g_autoptr (GError) error = NULL;

    config.device = bad_devices[i];
    engine = gbp_engine_new (&config, &error);
    if (engine != NULL) {       /* a CUDA machine may have a "cuda" */
      ck_assert (g_str_has_prefix (bad_devices[i], "cuda"));
      gbp_engine_free (engine);
      continue;
    }
    g_print ("device '%s' -> %s\n", bad_devices[i], error->message);
    ck_assert_int_eq (error->code, GBP_ERROR_DEVICE);
  }
  config.device = "cpu";
  engine = gbp_engine_new (&config, NULL);
  ck_assert (engine != NULL);
  gbp_engine_free (engine);
}
END_TEST

START_TEST (test_labels)
{
  static const struct {
    const gchar *file;
    gboolean valid;
  } cases[] = {
    {"labels/labels-10.txt", TRUE},
    {"labels/labels-10-no-newline.txt", TRUE},
    {"labels/labels-10-crlf.txt", TRUE},
    {"labels/labels-9.txt", FALSE},
    {"labels/labels-11.txt", FALSE},
    {"labels/labels-invalid-utf8.txt", FALSE},
    {"labels/labels-10-blank-line.txt", FALSE},
    {"labels/does-not-exist.txt", FALSE},
  };
  g_autofree gchar *first_label = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (GError) error = NULL;
    GbpEngine *engine = engine_for_group (first_model_group (),
        cases[i].file, &error);

    if (!cases[i].valid) {
      ck_assert_msg (engine == NULL, "%s accepted", cases[i].file);
      ck_assert_int_eq (error->code, GBP_ERROR_LABELS);
      ck_assert (strstr (error->message, cases[i].file) != NULL);
      g_print ("%s -> %s\n", cases[i].file, error->message);
      continue;
    }
    ck_assert_msg (engine != NULL, "%s: %s", cases[i].file, error->message);
    /* every valid variant holds the same labels, without line ends */
    if (first_label == NULL)
      first_label = g_strdup (gbp_engine_get_label (engine, 0));
    ck_assert_str_eq (gbp_engine_get_label (engine, 0), first_label);
    ck_assert (strchr (gbp_engine_get_label (engine, 9), '\r') == NULL);
    ck_assert (strchr (gbp_engine_get_label (engine, 9), '\n') == NULL);
    ck_assert (gbp_engine_get_label (engine, 10) == NULL);
    ck_assert (gbp_engine_get_label (engine, -1) == NULL);
    gbp_engine_free (engine);
  }
}
END_TEST

START_TEST (test_result_carries_label)
{
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_for_group (first_model_group (),
      "labels/labels-10.txt", &error);
  GbpImage card = card_for_group (first_model_group (), GBP_PIXEL_FORMAT_RGB,
      0);
  GbpSaliency saliency;

  ck_assert (engine != NULL);
  ck_assert (gbp_engine_run (engine, &card, NULL, &saliency, &error));
  ck_assert_str_eq (saliency.label,
      gbp_engine_get_label (engine, saliency.class_index));
  g_free (card.data);
  gbp_engine_free (engine);
}
END_TEST

START_TEST (test_invalid_config)
{
  g_autofree gchar *file = gbp_test_fixture_string (first_model_group (),
      "file");
  g_autofree gchar *path = NULL;
  g_autoptr (GError) error = NULL;
  GbpImage card = card_for_group (first_model_group (), GBP_PIXEL_FORMAT_RGB,
      0);
  GbpEngineConfig config;
  GbpRunOptions options;
  GbpSaliency saliency;
  GbpEngine *engine;

  config_for_file (&config, file, &path);
  config.std[1] = 0.0f;
  ck_assert (gbp_engine_new (&config, &error) == NULL);
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  config.std[1] = NAN;
  ck_assert (gbp_engine_new (&config, &error) == NULL);
  g_clear_error (&error);
  config.std[1] = 0.224f;

  config.input_width = 0;
  ck_assert (gbp_engine_new (&config, &error) == NULL);
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  config.input_width = 64;

  engine = gbp_engine_new (&config, &error);
  ck_assert (engine != NULL);
  /* each run's target class is checked */
  gbp_run_options_init (&options);
  options.target_class = 10;    /* the fixtures have 10 classes */
  ck_assert (!gbp_engine_run (engine, &card, &options, &saliency, &error));
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
  ck_assert (strstr (error->message, "10 classes") != NULL);
  g_clear_error (&error);
  options.target_class = -2;
  ck_assert (!gbp_engine_run (engine, &card, &options, &saliency, &error));
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  options.target_class = 9;
  ck_assert (gbp_engine_run (engine, &card, &options, &saliency, &error));
  ck_assert_int_eq (saliency.class_index, 9);
  g_free (card.data);
  gbp_engine_free (engine);
}
END_TEST

START_TEST (test_invalid_image)
{
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_for_group (first_model_group (), NULL, &error);
  guint8 pixels[12] = { 0 };
  GbpImage image = { pixels, 2, 2, 5, GBP_PIXEL_FORMAT_RGB };
  GbpSaliency saliency;

  ck_assert (engine != NULL);
  ck_assert (!gbp_engine_run (engine, &image, NULL, &saliency, &error));
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  image.stride = 6;
  image.width = 0;
  ck_assert (!gbp_engine_run (engine, &image, NULL, &saliency, &error));
  g_clear_error (&error);
  image.width = 2;
  image.data = NULL;
  ck_assert (!gbp_engine_run (engine, &image, NULL, &saliency, &error));
  gbp_engine_free (engine);
}
END_TEST

static Suite *
engine_suite (void)
{
  Suite *s = suite_create ("engine");
  TCase *tc = tcase_create ("general");

  model_groups = gbp_test_fixture_groups ("model ");
  bad_groups = gbp_test_fixture_groups ("bad ");

  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_model_matches_reference, 0,
      g_strv_length (model_groups));
  tcase_add_loop_test (tc, test_folded_model_matches_reference, 0,
      g_strv_length (model_groups));
  tcase_add_loop_test (tc, test_fixed_rules_match_reference, 0,
      g_strv_length (model_groups));
  tcase_add_loop_test (tc, test_target_references_differ, 0,
      g_strv_length (model_groups));
  tcase_add_test (tc, test_every_format_gives_the_same_saliency);
  tcase_add_test (tc, test_odd_sizes);
#ifndef __SANITIZE_ADDRESS__
  tcase_add_test (tc, test_frames_reuse_memory);
#endif
  tcase_add_loop_test (tc, test_bad_model_is_a_clear_error, 0,
      g_strv_length (bad_groups));
  tcase_add_test (tc, test_missing_model);
  tcase_add_test (tc, test_devices);
  tcase_add_test (tc, test_labels);
  tcase_add_test (tc, test_result_carries_label);
  tcase_add_test (tc, test_invalid_config);
  tcase_add_test (tc, test_invalid_image);
  return s;
}

int
main (void)
{
  const gchar *cap = g_getenv ("ONEDNN_MAX_CPU_ISA");
  SRunner *runner = srunner_create (engine_suite ());
  gint failed;

  g_print ("oneDNN ISA cap %s: oneDNN dispatches %s\n", cap ? cap : "(none)",
      gbp_torch_onednn_isa ());
  skip_log = g_strdup_printf ("%s/test-engine-skips-%d", g_get_tmp_dir (),
      (gint) getpid ());
  srunner_run_all (runner, CK_NORMAL);
  failed = srunner_ntests_failed (runner);
  g_print ("checks skipped: %u (each on a SKIP line above)\n",
      count_skipped_checks ());
  g_free (skip_log);
  srunner_free (runner);
  return failed == 0 ? 0 : 1;
}
