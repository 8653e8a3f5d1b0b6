/* guidedbp tests — preprocessing and rendering against references
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-preprocess.h"
#include "gbp-test-data.h"
#include "gbp-test-run.h"

static const gfloat imagenet_mean[3] = { 0.485f, 0.456f, 0.406f };
static const gfloat imagenet_std[3] = { 0.229f, 0.224f, 0.225f };

static GStrv preprocess_groups;

static guint
max_byte_difference (const guint8 * a, const guint8 * b, gsize n)
{
  guint worst = 0;

  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, (guint) abs ((gint) a[i] - (gint) b[i]));
  return worst;
}

START_TEST (test_resize_matches_pil)
{
  const gchar *group = preprocess_groups[_i];
  guint w = gbp_test_fixture_int (group, "width");
  guint h = gbp_test_fixture_int (group, "height");
  guint ow = gbp_test_fixture_int (group, "out_width");
  guint oh = gbp_test_fixture_int (group, "out_height");
  gsize n = (gsize) ow * oh * 3;
  g_autofree guint8 *source = gbp_test_fixture_file (group, "image",
      (gsize) w * h * 3);
  g_autofree guint8 *resized = gbp_test_fixture_file (group, "resized", n);
  g_autofree gfloat *normalized = (gfloat *) gbp_test_fixture_file (group,
      "normalized", n * sizeof (gfloat));
  g_autofree gfloat *out = g_new (gfloat, n);
  GbpPreprocessor *pp = gbp_preprocessor_new (ow, oh, imagenet_mean,
      imagenet_std);
  GbpImage image = gbp_test_image_from_rgb (source, w, h,
      GBP_PIXEL_FORMAT_RGB, 0);
  guint worst = max_byte_difference (gbp_preprocessor_resize (pp, &image),
      resized, n);
  gdouble worst_float = 0;

  g_print ("%s %ux%u -> %ux%u: max difference from PIL %u levels\n", group,
      w, h, ow, oh, worst);
  ck_assert_msg (worst <= 1, "%s: %u levels off PIL", group, worst);

  gbp_preprocessor_run (pp, &image, out);
  for (gsize i = 0; i < n; i++)
    worst_float = MAX (worst_float, fabs (out[i] - normalized[i]));
  /* one level, divided by the smallest std, plus float rounding */
  ck_assert_msg (worst_float <= 1.0 / 255 / 0.224 + 1e-5,
      "%s: normalized differs by %g", group, worst_float);
  if (worst == 0)
    ck_assert_msg (worst_float <= 1e-6, "%s: %g", group, worst_float);

  g_free (image.data);
  gbp_preprocessor_free (pp);
}
END_TEST

START_TEST (test_every_format_resizes_alike)
{
  const gchar *group = preprocess_groups[0];
  guint w = gbp_test_fixture_int (group, "width");
  guint h = gbp_test_fixture_int (group, "height");
  gsize n = (gsize) 64 * 48 * 3;
  g_autofree guint8 *source = gbp_test_fixture_file (group, "image",
      (gsize) w * h * 3);
  g_autofree guint8 *expected = NULL;
  GbpPreprocessor *pp = gbp_preprocessor_new (64, 48, imagenet_mean,
      imagenet_std);
  GbpImage rgb = gbp_test_image_from_rgb (source, w, h, GBP_PIXEL_FORMAT_RGB,
      0);

  expected = g_memdup2 (gbp_preprocessor_resize (pp, &rgb), n);
  g_free (rgb.data);
  for (gint f = 0; f < GBP_PIXEL_FORMAT_COUNT; f++) {
    GbpImage image = gbp_test_image_from_rgb (source, w, h, f, 5);

    ck_assert_msg (memcmp (gbp_preprocessor_resize (pp, &image), expected,
            n) == 0, "format %d resizes differently", f);
    g_free (image.data);
  }
  gbp_preprocessor_free (pp);
}
END_TEST

/* A uniform frame of any size resizes to the same uniform colour. */
START_TEST (test_odd_sizes_stay_uniform)
{
  static const guint sizes[][3] = {
    {1, 1, 0}, {3, 7, 1}, {7, 3, 3}, {2, 2, 0}, {1920, 1080, 128},
    {4096, 2160, 0}, {1, 500, 2}, {500, 1, 0},
  };
  static const guint8 colour[3] = { 200, 17, 99 };
  GbpPreprocessor *pp = gbp_preprocessor_new (224, 224, imagenet_mean,
      imagenet_std);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++) {
    guint w = sizes[s][0], h = sizes[s][1];
    g_autofree guint8 *rgb = g_malloc ((gsize) w * h * 3);
    GbpImage image;
    const guint8 *out;

    for (gsize i = 0; i < (gsize) w * h; i++)
      memcpy (rgb + i * 3, colour, 3);
    image = gbp_test_image_from_rgb (rgb, w, h, GBP_PIXEL_FORMAT_XBGR,
        sizes[s][2]);
    out = gbp_preprocessor_resize (pp, &image);
    for (gsize i = 0; i < (gsize) 224 * 224; i++)
      ck_assert_msg (memcmp (out + i * 3, colour, 3) == 0,
          "%ux%u: pixel %" G_GSIZE_FORMAT " is %u,%u,%u", w, h, i,
          out[i * 3], out[i * 3 + 1], out[i * 3 + 2]);
    g_free (image.data);
  }
  gbp_preprocessor_free (pp);
}
END_TEST

/* --- rendering --- */

static GbpSaliency
reference_saliency (gfloat ** gradient)
{
  const gchar *group = "render gradient";
  guint w = gbp_test_fixture_int (group, "width");
  guint h = gbp_test_fixture_int (group, "height");

  *gradient = (gfloat *) gbp_test_fixture_file (group, "gradient",
      (gsize) 3 * w * h * sizeof (gfloat));
  return (GbpSaliency) {
  .gradient = *gradient,.width = w,.height = h};
}

static void
check_render (const gchar * size_prefix, GbpPixelFormat format)
{
  const gchar *group = "render gradient";
  g_autofree gchar *wkey = g_strdup_printf ("%swidth", size_prefix);
  g_autofree gchar *hkey = g_strdup_printf ("%sheight", size_prefix);
  const gchar *key = *size_prefix ? "upsampled" : "rendered";
  guint w = gbp_test_fixture_int (group, wkey);
  guint h = gbp_test_fixture_int (group, hkey);
  g_autofree gfloat *gradient = NULL;
  GbpSaliency saliency = reference_saliency (&gradient);
  g_autofree guint8 *expected = gbp_test_fixture_file (group, key,
      (gsize) w * h * 3);
  g_autofree guint8 *zeros = g_malloc0 ((gsize) w * h * 3);
  GbpImage out = gbp_test_image_from_rgb (zeros, w, h, format, 7);
  GbpRenderer *renderer = gbp_renderer_new ();
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (format);
  g_autofree guint8 *rgb = NULL;
  g_autoptr (GError) error = NULL;
  guint worst;

  ck_assert (gbp_renderer_render_gradient (renderer, &saliency, &out,
          &error));
  rgb = gbp_test_image_to_rgb (&out);
  worst = max_byte_difference (rgb, expected, (gsize) w * h * 3);
  ck_assert_msg (worst <= 1, "%ux%u format %d: %u levels off the reference",
      w, h, format, worst);
  for (guint y = 0; y < h; y++) {
    /* padding bytes set to opaque; the row padding left alone */
    if (layout->pad >= 0)
      ck_assert_uint_eq (out.data[y * out.stride + layout->pad], 255);
    ck_assert_uint_eq (out.data[y * out.stride + out.stride - 1], 0xAB);
  }
  g_free (out.data);
  gbp_renderer_free (renderer);
}

START_TEST (test_render_matches_reference)
{
  for (gint f = 0; f < GBP_PIXEL_FORMAT_COUNT; f++) {
    check_render ("", f);
    check_render ("upsampled_", f);
  }
}
END_TEST

START_TEST (test_render_constant_gradient_is_gray)
{
  gfloat gradient[3 * 2 * 2];
  GbpSaliency saliency = {.gradient = gradient,.width = 2,.height = 2 };
  guint8 pixels[5 * 3 * 3];
  GbpImage out = { pixels, 5, 3, 15, GBP_PIXEL_FORMAT_RGB };
  GbpRenderer *renderer = gbp_renderer_new ();

  for (guint i = 0; i < G_N_ELEMENTS (gradient); i++)
    gradient[i] = 0.25f;
  ck_assert (gbp_renderer_render_gradient (renderer, &saliency, &out, NULL));
  for (guint i = 0; i < sizeof (pixels); i++)
    ck_assert_uint_eq (pixels[i], 127);
  gbp_renderer_free (renderer);
}
END_TEST

static Suite *
preprocess_suite (void)
{
  Suite *s = suite_create ("preprocess-render");
  TCase *tc = tcase_create ("general");

  preprocess_groups = gbp_test_fixture_groups ("preprocess ");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_resize_matches_pil, 0,
      g_strv_length (preprocess_groups));
  tcase_add_test (tc, test_every_format_resizes_alike);
  tcase_add_test (tc, test_odd_sizes_stay_uniform);
  tcase_add_test (tc, test_render_matches_reference);
  tcase_add_test (tc, test_render_constant_gradient_is_gray);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (preprocess_suite ());
}
