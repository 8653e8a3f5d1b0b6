/* guidedbp tests — Grad-CAM and Guided Grad-CAM against PyTorch references
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * References: tests/data/gradcam.ini, made by tools/make-gradcam-fixtures.py.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-test-data.h"
#include "gbp-test-run.h"

static GKeyFile *gradcam_ini;
static GStrv cases;

static gchar *
case_string (const gchar * group, const gchar * key)
{
  g_autoptr (GError) error = NULL;
  gchar *value = g_key_file_get_string (gradcam_ini, group, key, &error);

  ck_assert_msg (value != NULL, "gradcam.ini [%s] %s: %s", group, key,
      error ? error->message : "");
  return value;
}

static gint
case_int (const gchar * group, const gchar * key)
{
  g_autofree gchar *text = case_string (group, key);

  return atoi (text);
}

static gpointer
case_file (const gchar * group, const gchar * key, gsize size)
{
  g_autofree gchar *relative = case_string (group, key);

  return gbp_test_read_data (relative, size);
}

/* "gradcam vgg_bn" -> "model vgg_bn" of fixtures.ini */
static gchar *
model_group (const gchar * group)
{
  return g_strdup_printf ("model %s", group + strlen ("gradcam "));
}

static GbpEngine *
engine_with_layer (const gchar * model, const gchar * layer, GError ** error)
{
  g_autofree gchar *file = gbp_test_fixture_string (model, "file");
  g_autofree gchar *path = gbp_test_data_path (file);
  GbpEngineConfig config;

  gbp_engine_config_init (&config);
  config.model_path = path;
  config.input_width = gbp_test_fixture_int (model, "input_width");
  config.input_height = gbp_test_fixture_int (model, "input_height");
  config.num_threads = 2;
  config.gradcam_layer = layer;
  /* the references hook the last convolution's own output, before its
   * batch norm: folding (the default) moves the layer "" past it */
  if (layer != NULL && *layer == '\0')
    config.fold_batch_norm = FALSE;
  return gbp_engine_new (&config, error);
}

static GbpImage
card_of (const gchar * model)
{
  guint w = gbp_test_fixture_int (model, "input_width");
  guint h = gbp_test_fixture_int (model, "input_height");
  g_autofree guint8 *rgb = gbp_test_fixture_file (model, "image",
      (gsize) w * h * 3);

  return gbp_test_image_from_rgb (rgb, w, h, GBP_PIXEL_FORMAT_RGB, 0);
}

START_TEST (test_engine_gradcam_matches_reference)
{
  const gchar *group = cases[_i];
  g_autofree gchar *model = model_group (group);
  g_autofree gchar *layer = case_string (group, "layer");
  guint cw = case_int (group, "cam_width"), ch = case_int (group, "cam_height");
  guint w = gbp_test_fixture_int (model, "input_width");
  guint h = gbp_test_fixture_int (model, "input_height");
  g_autofree gfloat *cam_ref = case_file (group, "cam", (gsize) cw * ch * 4);
  g_autofree gfloat *gradient_ref = (gfloat *) gbp_test_fixture_file (model,
      "top_gradient", (gsize) 3 * w * h * sizeof (gfloat));
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_with_layer (model, layer, &error);
  GbpImage card = card_of (model);
  GbpRunOptions options;
  GbpSaliency saliency;
  GbpAgreement cam, gradient;

  ck_assert_msg (engine != NULL, "%s: %s", group, error ? error->message : "");
  ck_assert (gbp_engine_has_gradcam (engine));

  /* off by default: nothing computed */
  ck_assert (gbp_engine_run (engine, &card, NULL, &saliency, &error));
  ck_assert (saliency.cam == NULL);

  gbp_run_options_init (&options);
  options.gradcam = TRUE;
  for (guint run = 0; run < 2; run++) {
    ck_assert (gbp_engine_run (engine, &card, &options, &saliency, &error));
    ck_assert_int_eq (saliency.class_index, case_int (group, "class"));
    ck_assert_uint_eq (saliency.cam_width, cw);
    ck_assert_uint_eq (saliency.cam_height, ch);
    cam = gbp_test_agreement (saliency.cam, cam_ref, (gsize) cw * ch);
    /* the plain pass for Grad-CAM must leave the guided rule in force */
    gradient = gbp_test_agreement (saliency.gradient, gradient_ref,
        (gsize) 3 * w * h);
    g_print ("%-26s layer '%s' %ux%u: cam correlation %.7f, max |diff| %.3g "
        "of %.3g; guided gradient correlation %.7f\n", group, layer, cw, ch,
        cam.correlation, cam.max_abs_diff, cam.max_abs_ref,
        gradient.correlation);
    ck_assert (cam.fraction_close >= 0.999 && cam.correlation >= 0.9999);
    ck_assert (gradient.fraction_close >= 0.999
        && gradient.correlation >= 0.9999);
  }
  g_free (card.data);
  gbp_engine_free (engine);
}
END_TEST

static guint
max_level_difference (const guint8 * a, const guint8 * b, gsize n)
{
  guint worst = 0;

  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, (guint) abs ((gint) a[i] - (gint) b[i]));
  return worst;
}

START_TEST (test_render_gradcam_modes_match_reference)
{
  static const struct {
    GbpRenderMode mode;
    const gchar *key;
  } modes[] = {
    {GBP_RENDER_GRADCAM, "gradcam"},
    {GBP_RENDER_GUIDED_GRADCAM, "guided_gradcam"},
    {GBP_RENDER_GUIDED_GRADCAM_GRAY, "guided_gradcam_gray"},
  };
  const gchar *group = cases[_i];
  g_autofree gchar *model = model_group (group);
  guint cw = case_int (group, "cam_width"), ch = case_int (group, "cam_height");
  guint w = gbp_test_fixture_int (model, "input_width");
  guint h = gbp_test_fixture_int (model, "input_height");
  gsize n = (gsize) w * h * 3;
  g_autofree gfloat *cam = case_file (group, "cam", (gsize) cw * ch * 4);
  g_autofree gfloat *gradient = (gfloat *) gbp_test_fixture_file (model,
      "top_gradient", n * sizeof (gfloat));
  GbpSaliency saliency = {.gradient = gradient,.width = w,.height = h,
    .cam = cam,.cam_width = cw,.cam_height = ch
  };
  GbpImage card = card_of (model);

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++) {
    g_autofree guint8 *expected = case_file (group, modes[m].key, n);
    g_autofree guint8 *zeros = g_malloc0 (n);
    GbpImage out = gbp_test_image_from_rgb (zeros, w, h, GBP_PIXEL_FORMAT_BGRA,
        3);
    g_autofree guint8 *rgb = NULL;
    GbpRenderer *renderer = gbp_renderer_new ();
    GbpRenderOptions options;
    g_autoptr (GError) error = NULL;
    guint worst;

    gbp_render_options_init (&options);
    options.mode = modes[m].mode;
    options.alpha = 0.5f;
    options.colormap = GBP_COLORMAP_JET;
    ck_assert_msg (gbp_renderer_render (renderer, &options, &saliency, &card,
            &out, &error), "%s: %s", modes[m].key, error ? error->message : "");
    rgb = gbp_test_image_to_rgb (&out);
    worst = max_level_difference (rgb, expected, n);
    g_print ("%-26s %-20s max difference %u levels\n", group, modes[m].key,
        worst);
    ck_assert_msg (worst <= 1, "%s %s: %u levels off", group, modes[m].key,
        worst);
    g_free (out.data);
    gbp_renderer_free (renderer);
  }
  g_free (card.data);
}
END_TEST

START_TEST (test_gradcam_errors)
{
  const gchar *model = "model vgg_bn";
  g_autoptr (GError) error = NULL;
  GbpEngine *engine = engine_with_layer (model, "features.no_such", &error);
  GbpRenderOptions options;
  GbpRunOptions run_options;
  GbpSaliency saliency;
  GbpImage card = card_of (model);
  GbpRenderer *renderer = gbp_renderer_new ();

  ck_assert (engine == NULL);
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
  ck_assert (strstr (error->message, "features.no_such") != NULL);
  g_clear_error (&error);

  /* no layer configured: Grad-CAM cannot be enabled, nor rendered */
  engine = engine_with_layer (model, NULL, &error);
  ck_assert (engine != NULL);
  ck_assert (!gbp_engine_has_gradcam (engine));
  gbp_run_options_init (&run_options);
  run_options.gradcam = TRUE;
  ck_assert (!gbp_engine_run (engine, &card, &run_options, &saliency,
          &error));
  ck_assert_int_eq (error->code, GBP_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  ck_assert (gbp_engine_run (engine, &card, NULL, &saliency, &error));
  gbp_render_options_init (&options);
  options.mode = GBP_RENDER_GRADCAM;
  ck_assert (!gbp_renderer_render (renderer, &options, &saliency, &card,
          &card, &error));
  ck_assert (strstr (error->message, "Grad-CAM") != NULL);
  ck_assert (gbp_render_mode_needs_gradcam (GBP_RENDER_GUIDED_GRADCAM));
  ck_assert (!gbp_render_mode_needs_gradcam (GBP_RENDER_OVERLAY));

  gbp_renderer_free (renderer);
  gbp_engine_free (engine);
  g_free (card.data);
}
END_TEST

static Suite *
gradcam_suite (void)
{
  Suite *s = suite_create ("gradcam");
  TCase *tc = tcase_create ("general");
  g_autofree gchar *path = gbp_test_data_path ("gradcam.ini");
  g_autoptr (GError) error = NULL;

  gradcam_ini = g_key_file_new ();
  if (!g_key_file_load_from_file (gradcam_ini, path, G_KEY_FILE_NONE, &error))
    g_error ("cannot read %s: %s", path, error->message);
  cases = g_key_file_get_groups (gradcam_ini, NULL);

  tcase_set_timeout (tc, 300);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_engine_gradcam_matches_reference, 0,
      g_strv_length (cases));
  tcase_add_loop_test (tc, test_render_gradcam_modes_match_reference, 0,
      g_strv_length (cases));
  tcase_add_test (tc, test_gradcam_errors);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (gradcam_suite ());
}
