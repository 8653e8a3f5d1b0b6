/* guidedbp tests — precision bf16 against float32 (no GStreamer)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * On a CPU that computes bfloat16 natively each fixture model is explained
 * with both precisions and the rendered saliency compared: the bound is
 * the one the README states (correlation of the rendered images at least
 * MIN_CORRELATION). Elsewhere precision bf16 must fail with an error that
 * says why, and the comparison is skipped with a printed reason.
 */
#include <math.h>
#include <string.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-test-data.h"
#include "gbp-test-run.h"

/* README.md, "Precision": rendered-image correlation with float32. */
#define MIN_CORRELATION 0.99

static GStrv model_groups;

static GbpEngine *
engine_for (const gchar * group, GbpPrecision precision, GError ** error)
{
  g_autofree gchar *file = gbp_test_fixture_string (group, "file");
  g_autofree gchar *path = gbp_test_data_path (file);
  GbpEngineConfig config;

  gbp_engine_config_init (&config);
  config.model_path = path;
  config.input_width = gbp_test_fixture_int (group, "input_width");
  config.input_height = gbp_test_fixture_int (group, "input_height");
  config.num_threads = 2;
  config.precision = precision;
  /* Tuned, bf16 may keep float32 kernels where they are faster (all of
   * them on some CPUs); untuned it runs oneDNN's bf16 ones, whose
   * rounding is what this bounds. */
  config.tune_kernels = precision == GBP_PRECISION_FP32;
  return gbp_engine_new (&config, error);
}

/* The reference rendering of @engine's saliency of @card, packed RGB. */
static guint8 *
render (GbpEngine * engine, const GbpImage * card,
    const GbpRunOptions * options, gint * class_index,
    gfloat ** probabilities)
{
  GbpRenderer *renderer = gbp_renderer_new ();
  guint8 *pixels = g_malloc ((gsize) card->width * card->height * 3);
  GbpImage out = { pixels, card->width, card->height, (gsize) card->width * 3,
    GBP_PIXEL_FORMAT_RGB
  };
  g_autoptr (GError) error = NULL;
  GbpSaliency saliency;

  ck_assert_msg (gbp_engine_run (engine, card, options, &saliency, &error), "%s",
      error ? error->message : "");
  ck_assert (gbp_renderer_render_gradient (renderer, &saliency, &out, NULL));
  *class_index = saliency.class_index;
  *probabilities = g_memdup2 (saliency.probabilities,
      saliency.num_classes * sizeof (gfloat));
  gbp_renderer_free (renderer);
  return pixels;
}

static gdouble
correlation (const guint8 * a, const guint8 * b, gsize n, gint * max_diff)
{
  gdouble ma = 0, mb = 0, ab = 0, aa = 0, bb = 0;

  *max_diff = 0;
  for (gsize i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
    *max_diff = MAX (*max_diff, ABS ((gint) a[i] - (gint) b[i]));
  }
  ma /= n;
  mb /= n;
  for (gsize i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / sqrt (aa * bb);
}

START_TEST (test_bf16_matches_fp32)
{
  const gchar *group = model_groups[_i];
  g_autoptr (GError) error = NULL;
  GbpEngine *single = engine_for (group, GBP_PRECISION_FP32, &error);
  GbpEngine *half;
  guint w = gbp_test_fixture_int (group, "input_width");
  guint h = gbp_test_fixture_int (group, "input_height");
  g_autofree guint8 *rgb = gbp_test_fixture_file (group, "image",
      (gsize) w * h * 3);
  GbpImage card = gbp_test_image_from_rgb (rgb, w, h, GBP_PIXEL_FORMAT_RGB, 0);
  g_autofree guint8 *a = NULL, *b = NULL;
  g_autofree gchar *kernels = NULL;
  g_autofree gfloat *probs_a = NULL, *probs_b = NULL;
  GbpRunOptions options;
  gint class_a, class_b, max_diff;
  gdouble r;

  ck_assert_msg (single != NULL, "%s: %s", group, error->message);
  half = engine_for (group, GBP_PRECISION_BF16, &error);
  if (half == NULL) {
    /* the one acceptable failure: no native bfloat16 here */
    ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
    ck_assert_msg (strstr (error->message, "native bfloat16") != NULL, "%s",
        error->message);
    g_print ("SKIP %s bf16 fidelity: %s\n", group, error->message);
    gbp_engine_free (single);
    g_free (card.data);
    return;
  }
  /* and it really runs bfloat16 kernels */
  a = render (single, &card, NULL, &class_a, &probs_a);
  g_free (render (half, &card, NULL, &class_b, &probs_b));
  g_clear_pointer (&probs_b, g_free);
  /* the saliency of the same class: a near tie may flip the top one */
  gbp_run_options_init (&options);
  options.target_class = class_a;
  g_clear_pointer (&probs_b, g_free);
  b = render (half, &card, &options, &class_b, &probs_b);
  ck_assert_int_eq (class_b, class_a);
  g_clear_pointer (&probs_b, g_free);
  g_free (render (half, &card, NULL, &class_b, &probs_b));
  kernels = gbp_engine_describe_kernels (half);
  ck_assert_msg (strstr (kernels, "bf16") != NULL, "%s: no bfloat16 kernel "
      "in:\n%s", group, kernels);

  r = correlation (a, b, (gsize) w * h * 3, &max_diff);
  g_print ("%-28s bf16 against fp32: rendered correlation %.4f, max diff %d "
      "levels (class %d); top class %d (%.3f) / %d (%.3f)\n", group, r,
      max_diff, class_a, class_a, probs_a[class_a], class_b,
      probs_b[class_b]);
  ck_assert_msg (r >= MIN_CORRELATION, "%s: bf16's rendering correlates %.4f "
      "with fp32's", group, r);
  /* the class agrees unless float32 itself nearly ties them */
  if (class_a != class_b)
    ck_assert_msg (probs_a[class_a] - probs_a[class_b] < 0.02, "%s: class %d "
        "in fp32 (%.3f, and %.3f for %d), %d in bf16", group, class_a,
        probs_a[class_a], probs_a[class_b], class_b, class_b);
  gbp_engine_free (half);
  gbp_engine_free (single);
  g_free (card.data);
}
END_TEST

static Suite *
precision_suite (void)
{
  Suite *s = suite_create ("precision");
  TCase *tc = tcase_create ("bf16");

  model_groups = gbp_test_fixture_groups ("model ");
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_bf16_matches_fp32, 0,
      g_strv_length (model_groups));
  suite_add_tcase (s, tc);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (precision_suite ());
}
