/* guidedbp tests — the library's smaller API: version, names, top-k,
 * labels, defaults
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The engine cases run the 64x64 fixture model of fixtures.ini on its test
 * card; the expected classes and scores are the Python reference's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-test-data.h"
#include "gbp-test-run.h"

#define MODEL "model alexnet_inplace"

static GbpEngine *
fixture_engine (const gchar * labels, GError ** error)
{
  g_autofree gchar *file = gbp_test_fixture_string (MODEL, "file");
  g_autofree gchar *path = gbp_test_data_path (file);
  g_autofree gchar *labels_path = labels ? gbp_test_data_path (labels) : NULL;
  GbpEngineConfig config;

  gbp_engine_config_init (&config);
  config.model_path = path;
  config.labels_path = labels_path;
  config.input_width = gbp_test_fixture_int (MODEL, "input_width");
  config.input_height = gbp_test_fixture_int (MODEL, "input_height");
  config.num_threads = 2;
  return gbp_engine_new (&config, error);
}

static GbpImage
fixture_card (void)
{
  guint w = gbp_test_fixture_int (MODEL, "input_width");
  guint h = gbp_test_fixture_int (MODEL, "input_height");
  g_autofree guint8 *rgb = gbp_test_fixture_file (MODEL, "image",
      (gsize) w * h * 3);

  return gbp_test_image_from_rgb (rgb, w, h, GBP_PIXEL_FORMAT_RGB, 0);
}

START_TEST (test_version)
{
  g_autofree gchar *text = g_strdup_printf ("%d.%d.%d", GBP_VERSION_MAJOR,
      GBP_VERSION_MINOR, GBP_VERSION_MICRO);

  ck_assert_str_eq (GBP_VERSION_STRING, text);
  ck_assert_str_eq (gbp_version_string (), GBP_VERSION_STRING);
  ck_assert_uint_eq (gbp_version (), GBP_VERSION);
  ck_assert_uint_eq (GBP_VERSION, GBP_VERSION_MAJOR * 10000
      + GBP_VERSION_MINOR * 100 + GBP_VERSION_MICRO);
  ck_assert (GBP_CHECK_VERSION (0, 0, 0));
  ck_assert (GBP_CHECK_VERSION (GBP_VERSION_MAJOR, GBP_VERSION_MINOR,
          GBP_VERSION_MICRO));
  ck_assert (!GBP_CHECK_VERSION (GBP_VERSION_MAJOR, GBP_VERSION_MINOR,
          GBP_VERSION_MICRO + 1));
  ck_assert (!GBP_CHECK_VERSION (GBP_VERSION_MAJOR + 1, 0, 0));
}
END_TEST

START_TEST (test_render_mode_names)
{
  g_autoptr (GError) error = NULL;
  GbpRenderMode mode = GBP_RENDER_GRAY;
  const gchar *name;
  guint n = 0;

  for (gint m = 0; (name = gbp_render_mode_get_name (m)) != NULL; m++) {
    GbpRenderMode parsed;

    ck_assert (gbp_render_mode_from_name (name, &parsed, &error));
    ck_assert_int_eq (parsed, m);
    n++;
  }
  ck_assert_uint_eq (n, GBP_RENDER_GUIDED_GRADCAM_GRAY + 1);

  ck_assert (!gbp_render_mode_from_name ("foo", &mode, &error));
  ck_assert (g_error_matches (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT));
  ck_assert_int_eq (mode, GBP_RENDER_GRAY);
  ck_assert_msg (strstr (error->message, "'foo'") != NULL, "%s",
      error->message);
  for (gint m = 0; (name = gbp_render_mode_get_name (m)) != NULL; m++)
    ck_assert_msg (strstr (error->message, name) != NULL,
        "'%s' does not list %s", error->message, name);
  g_clear_error (&error);

  /* names are exact */
  ck_assert (!gbp_render_mode_from_name ("Gradient", &mode, NULL));
  ck_assert (!gbp_render_mode_from_name ("", &mode, NULL));
  ck_assert (!gbp_render_mode_from_name (NULL, &mode, &error));
  ck_assert (strstr (error->message, "(null)") != NULL);
}
END_TEST

START_TEST (test_colormap_names)
{
  g_autoptr (GError) error = NULL;
  GbpColormap colormap = GBP_COLORMAP_TURBO;
  const gchar *name;
  guint n = 0;

  for (gint c = 0; (name = gbp_colormap_get_name (c)) != NULL; c++) {
    GbpColormap parsed;

    ck_assert (gbp_colormap_from_name (name, &parsed, &error));
    ck_assert_int_eq (parsed, c);
    n++;
  }
  ck_assert_uint_eq (n, GBP_COLORMAP_VIRIDIS + 1);

  ck_assert (!gbp_colormap_from_name ("gradient", &colormap, &error));
  ck_assert (g_error_matches (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT));
  ck_assert_int_eq (colormap, GBP_COLORMAP_TURBO);
  ck_assert_str_eq (error->message, "unknown colormap 'gradient' (valid: "
      "jet, turbo, inferno, viridis)");
}
END_TEST

START_TEST (test_top_k_ranking)
{
  const gfloat p[] = { 0.1f, 0.3f, 0.3f, NAN, 0.2f, 0.05f };
  GbpSaliency saliency = {.probabilities = p,.num_classes = G_N_ELEMENTS (p)
  };
  gint classes[8];
  gfloat scores[8];

  /* most probable first, equal ones by index, NaN last */
  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 4, classes, scores),
      4);
  ck_assert_int_eq (classes[0], 1);
  ck_assert_int_eq (classes[1], 2);
  ck_assert_int_eq (classes[2], 4);
  ck_assert_int_eq (classes[3], 0);
  ck_assert_float_eq (scores[0], 0.3f);
  ck_assert_float_eq (scores[2], 0.2f);
  ck_assert_float_eq (scores[3], 0.1f);

  /* more than there are: all of them */
  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 8, classes, scores),
      6);
  ck_assert_int_eq (classes[4], 5);
  ck_assert_int_eq (classes[5], 3);
  ck_assert (isnan (scores[5]));

  /* either output may be NULL */
  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 1, NULL, scores), 1);
  ck_assert_float_eq (scores[0], 0.3f);
  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 2, classes, NULL), 2);
  ck_assert_int_eq (classes[1], 2);

  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 0, classes, scores),
      0);
  saliency.probabilities = NULL;
  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 3, classes, scores),
      0);
}
END_TEST

/* A reversed ranking of many classes: every class moves through the
 * insertion. */
START_TEST (test_top_k_many_classes)
{
  g_autofree gfloat *p = g_new (gfloat, 1000);
  GbpSaliency saliency = {.probabilities = p,.num_classes = 1000 };
  gint classes[10];

  for (guint i = 0; i < 1000; i++)
    p[i] = (gfloat) i / 1000.0f;
  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 10, classes, NULL),
      10);
  for (guint i = 0; i < 10; i++)
    ck_assert_int_eq (classes[i], 999 - (gint) i);
}
END_TEST

START_TEST (test_engine_probabilities)
{
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = fixture_engine (NULL, &error);
  GbpImage card = fixture_card ();
  const gint top_class = gbp_test_fixture_int (MODEL, "top_class");
  const gint target_class = gbp_test_fixture_int (MODEL, "target_class");
  GbpRunOptions options;
  GbpSaliency saliency;
  gint classes[3];
  gfloat scores[3];
  gdouble sum = 0.0;

  ck_assert_msg (engine != NULL, "%s", error ? error->message : "");
  ck_assert (gbp_engine_run (engine, &card, NULL, &saliency, &error));
  ck_assert_uint_eq (saliency.num_classes, gbp_engine_get_num_classes (engine));
  ck_assert (saliency.probabilities != NULL);
  for (guint c = 0; c < saliency.num_classes; c++) {
    ck_assert (saliency.probabilities[c] >= 0.0f);
    sum += saliency.probabilities[c];
  }
  ck_assert_double_eq_tol (sum, 1.0, 1e-5);
  ck_assert_float_eq (saliency.probabilities[saliency.class_index],
      saliency.score);

  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 3, classes, scores),
      3);
  ck_assert_int_eq (classes[0], top_class);
  ck_assert_int_eq (saliency.class_index, top_class);
  ck_assert_double_eq_tol (scores[0], gbp_test_fixture_double (MODEL,
          "top_score"), 1e-5);
  ck_assert (scores[0] >= scores[1] && scores[1] >= scores[2]);

  /* explaining another class leaves the ranking alone */
  gbp_run_options_init (&options);
  options.target_class = target_class;
  ck_assert (gbp_engine_run (engine, &card, &options, &saliency, &error));
  ck_assert_int_eq (saliency.class_index, target_class);
  ck_assert_double_eq_tol (saliency.score, gbp_test_fixture_double (MODEL,
          "target_score"), 1e-6);
  ck_assert_uint_eq (gbp_saliency_get_top_k (&saliency, 1, classes, NULL), 1);
  ck_assert_int_eq (classes[0], top_class);

  g_free (card.data);
  gbp_engine_free (engine);
}
END_TEST

START_TEST (test_find_label)
{
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = fixture_engine ("labels/labels-10.txt", &error);
  gint class_index = -7;

  ck_assert_msg (engine != NULL, "%s", error ? error->message : "");
  ck_assert (gbp_engine_find_label (engine, "red fox", &class_index, &error));
  ck_assert_int_eq (class_index, 2);
  ck_assert_str_eq (gbp_engine_get_label (engine, class_index), "red fox");

  /* exact: a similar label is only suggested */
  ck_assert (!gbp_engine_find_label (engine, "Fox", &class_index, &error));
  ck_assert (g_error_matches (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT));
  ck_assert_int_eq (class_index, 2);
  ck_assert_str_eq (error->message, "no class is labelled 'Fox'; similar "
      "labels are 'red fox' (10 in all)");
  g_clear_error (&error);

  /* a label that holds one */
  ck_assert (!gbp_engine_find_label (engine, "Espresso machine",
          &class_index, &error));
  ck_assert_str_eq (error->message, "no class is labelled 'Espresso "
      "machine'; similar labels are 'espresso' (10 in all)");
  g_clear_error (&error);

  /* nothing similar: the first few */
  ck_assert (!gbp_engine_find_label (engine, "zebra", &class_index, &error));
  ck_assert_str_eq (error->message, "no class is labelled 'zebra'; the first "
      "labels are 'tabby cat', 'golden retriever', 'red fox', 'goldfinch', "
      "'monarch butterfly' (10 in all)");
  g_clear_error (&error);
  gbp_engine_free (engine);

  engine = fixture_engine (NULL, &error);
  ck_assert (engine != NULL);
  ck_assert (!gbp_engine_find_label (engine, "red fox", &class_index,
          &error));
  ck_assert_msg (strstr (error->message, "no labels") != NULL, "%s",
      error->message);
  gbp_engine_free (engine);
}
END_TEST

/* The library's default is the element's: Grad-CAM at the last
 * convolution, ready to be enabled. */
START_TEST (test_gradcam_layer_default)
{
  g_autoptr (GError) error = NULL;
  GbpEngineConfig config;
  GbpEngine *engine;
  GbpImage card = fixture_card ();
  GbpRunOptions options;
  GbpSaliency saliency;

  gbp_engine_config_init (&config);
  ck_assert_str_eq (config.gradcam_layer, "");

  engine = fixture_engine (NULL, &error);
  ck_assert (engine != NULL);
  ck_assert (gbp_engine_has_gradcam (engine));
  ck_assert (gbp_engine_run (engine, &card, NULL, &saliency, &error));
  ck_assert (saliency.cam == NULL);
  gbp_run_options_init (&options);
  options.gradcam = TRUE;
  ck_assert (gbp_engine_run (engine, &card, &options, &saliency, &error));
  ck_assert (saliency.cam != NULL && saliency.cam_width > 0);
  g_free (card.data);
  gbp_engine_free (engine);
}
END_TEST

static Suite *
api_suite (void)
{
  Suite *s = suite_create ("api");
  TCase *tc = gbp_test_tcase_add (s, "general", 300);

  tcase_add_test (tc, test_version);
  tcase_add_test (tc, test_render_mode_names);
  tcase_add_test (tc, test_colormap_names);
  tcase_add_test (tc, test_top_k_ranking);
  tcase_add_test (tc, test_top_k_many_classes);
  tcase_add_test (tc, test_engine_probabilities);
  tcase_add_test (tc, test_find_label);
  tcase_add_test (tc, test_gradcam_layer_default);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (api_suite ());
}
