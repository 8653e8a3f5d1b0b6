/* guidedbp tests — explaining regions of one image in one batch
 * (gbp_engine_run_regions) against each crop run alone (no GStreamer)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-test-data.h"
#include "gbp-test-run.h"

/* The card the regions are cut from. */
#define CARD_FILE "images/card-97x89.rgb"
#define CARD_WIDTH 97
#define CARD_HEIGHT 89

/* A batch may run other kernels than batch 1 (each shape's own choice),
 * which moves the gradient by float rounding and may flip a ReLU mask
 * whose input is near 0: the engine tests' bounds. */
#define MIN_FRACTION_CLOSE 0.999
#define MIN_CORRELATION 0.9999
#define SCORE_TOLERANCE 1e-4

static const gchar *const models[] = {
  "model alexnet_inplace", "model resnet_reuse", "model mobilenetv2_relu6",
};

static GbpEngine *
engine_for (const gchar * group)
{
  g_autofree gchar *file = gbp_test_fixture_string (group, "file");
  g_autofree gchar *path = gbp_test_data_path (file);
  g_autoptr (GError) error = NULL;
  GbpEngineConfig config;
  GbpEngine *engine;

  gbp_engine_config_init (&config);
  config.model_path = path;
  config.input_width = gbp_test_fixture_int (group, "input_width");
  config.input_height = gbp_test_fixture_int (group, "input_height");
  config.num_threads = 2;
  engine = gbp_engine_new (&config, &error);
  ck_assert_msg (engine != NULL, "%s: %s", group, error ? error->message : "");
  return engine;
}

static GbpImage
card (GbpPixelFormat format)
{
  g_autofree guint8 *rgb = gbp_test_read_data (CARD_FILE,
      (gsize) CARD_WIDTH * CARD_HEIGHT * 3);

  return gbp_test_image_from_rgb (rgb, CARD_WIDTH, CARD_HEIGHT, format, 7);
}

/* A packed copy of @region (inside @image), an image of its own. */
static GbpImage
copy_of_region (const GbpImage * image, const GbpRegion * region)
{
  g_autofree guint8 *rgb = gbp_test_image_to_rgb (image);
  g_autofree guint8 *part = g_malloc ((gsize) region->width * region->height
      * 3);

  for (guint y = 0; y < region->height; y++)
    memcpy (part + (gsize) y * region->width * 3, rgb
        + ((gsize) (region->y + y) * image->width + region->x) * 3,
        (gsize) region->width * 3);
  return gbp_test_image_from_rgb (part, region->width, region->height,
      image->format, 0);
}

/* Boxes of every kind the element meets: the whole frame, inside,
 * overlapping, partly outside on each side, a single pixel. */
static const GbpRegion boxes[] = {
  {0, 0, CARD_WIDTH, CARD_HEIGHT},
  {10, 12, 40, 30},
  {30, 20, 40, 50},
  {70, 60, 60, 60},
  {-20, -5, 50, 40},
  {96, 0, 10, 89},
  {5, 7, 1, 1},
  {20, 40, 64, 32},
};

static void
check_same_as_alone (GbpEngine * engine, const GbpImage * image,
    const GbpSaliency * batch, const GbpRegion * region, const gchar * what)
{
  g_autoptr (GError) error = NULL;
  GbpRegion clamped;
  GbpImage alone;
  GbpSaliency single;
  gsize n = (gsize) 3 * batch->width * batch->height;
  g_autofree gfloat *batch_gradient = g_memdup2 (batch->gradient,
      n * sizeof (gfloat));
  g_autofree gfloat *batch_cam = NULL;
  gint batch_class = batch->class_index;
  gfloat batch_score = batch->score;
  GbpRunOptions options;
  GbpAgreement a;

  gbp_run_options_init (&options);
  options.gradcam = batch->cam != NULL;
  if (batch->cam != NULL)
    batch_cam = g_memdup2 (batch->cam, (gsize) batch->cam_width
        * batch->cam_height * sizeof (gfloat));
  ck_assert (gbp_region_clamp (region, image, &clamped, &error));
  alone = copy_of_region (image, &clamped);
  ck_assert_msg (gbp_engine_run (engine, &alone, &options, &single, &error),
      "%s: %s", what, error ? error->message : "");
  g_free (alone.data);

  ck_assert_msg (single.class_index == batch_class,
      "%s: class %d (%g) in the batch, %d (%g; %g for %d) alone", what,
      batch_class, batch_score, single.class_index, single.score,
      single.probabilities[batch_class], batch_class);
  ck_assert_msg (fabs (single.score - batch_score) <= SCORE_TOLERANCE
      * single.score + 1e-7, "%s: score %g in the batch, %g alone", what,
      batch_score, single.score);
  a = gbp_test_agreement (batch_gradient, single.gradient, n);
  g_print ("%-28s %s: class %d, max |diff| %.3g of max %.3g, "
      "%.4f%% close, correlation %.7f\n", what, "batch vs alone",
      batch_class, a.max_abs_diff, a.max_abs_ref, 100.0 * a.fraction_close,
      a.correlation);
  ck_assert_msg (a.max_abs_ref > 0, "%s: zero gradient", what);
  ck_assert_msg (a.fraction_close >= MIN_FRACTION_CLOSE,
      "%s: only %.4f%% close", what, 100.0 * a.fraction_close);
  ck_assert_msg (a.correlation >= MIN_CORRELATION, "%s: correlation %.7f",
      what, a.correlation);
  if (batch_cam != NULL) {
    ck_assert (single.cam != NULL);
    a = gbp_test_agreement (batch_cam, single.cam, (gsize) single.cam_width
        * single.cam_height);
    ck_assert_msg (a.max_abs_diff <= 1e-3 * a.max_abs_ref + 1e-12,
        "%s: Grad-CAM differs by %g of %g", what, a.max_abs_diff,
        a.max_abs_ref);
  }
}

/* Each region's result in one batch is the result of its crop alone. */
START_TEST (test_regions_match_crops_alone)
{
  const gchar *group = models[_i];
  GbpEngine *engine = engine_for (group);
  GbpImage image = card (GBP_PIXEL_FORMAT_BGRX);
  guint n = G_N_ELEMENTS (boxes);
  GbpSaliency saliencies[G_N_ELEMENTS (boxes)];
  g_autoptr (GError) error = NULL;
  g_autofree gfloat *gradients = NULL;
  g_autofree gint *classes = g_new (gint, n);
  g_autofree gfloat *scores = g_new (gfloat, n);
  gsize item;

  ck_assert_msg (gbp_engine_run_regions (engine, &image, boxes, n, NULL,
          saliencies, &error), "%s: %s", group, error ? error->message : "");
  item = (gsize) 3 * saliencies[0].width * saliencies[0].height;
  /* what the batch gave, before the single runs overwrite it */
  gradients = g_new (gfloat, n * item);
  for (guint i = 0; i < n; i++) {
    memcpy (gradients + i * item, saliencies[i].gradient,
        item * sizeof (gfloat));
    classes[i] = saliencies[i].class_index;
    scores[i] = saliencies[i].score;
  }
  for (guint i = 0; i < n; i++) {
    g_autofree gchar *what = g_strdup_printf ("%s box %u", group, i);
    GbpSaliency kept = saliencies[i];

    kept.gradient = gradients + i * item;
    kept.class_index = classes[i];
    kept.score = scores[i];
    kept.cam = NULL;
    check_same_as_alone (engine, &image, &kept, &boxes[i], what);
  }
  g_free (image.data);
  gbp_engine_free (engine);
}
END_TEST

/* Batches of every size from 1 to 8, smaller after larger: the buffers
 * grow and stay, and each batch is right. Grad-CAM per region too. */
START_TEST (test_batch_sizes_and_gradcam)
{
  GbpEngine *engine = engine_for ("model resnet_reuse");
  GbpImage image = card (GBP_PIXEL_FORMAT_RGB);
  static const guint sizes[] = { 1, 4, 2, 8, 3 };
  const GbpRunOptions gradcam = {.target_class = GBP_TARGET_CLASS_TOP,
    .gradcam = TRUE
  };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++) {
    guint n = sizes[s];
    GbpSaliency saliencies[8];
    g_autoptr (GError) error = NULL;
    g_autofree gchar *what = g_strdup_printf ("resnet_reuse batch %u", n);
    GbpSaliency last;
    gsize item, cam_item;
    g_autofree gfloat *gradient = NULL, *cam = NULL;

    ck_assert_msg (gbp_engine_run_regions (engine, &image, boxes, n,
            &gradcam, saliencies, &error), "%s: %s", what,
        error ? error->message : "");
    for (guint i = 0; i < n; i++) {
      ck_assert (saliencies[i].cam != NULL);
      ck_assert_uint_eq (saliencies[i].num_classes,
          gbp_engine_get_num_classes (engine));
      ck_assert (saliencies[i].probabilities != NULL);
    }
    /* the last box of the batch, checked against its crop alone */
    last = saliencies[n - 1];
    item = (gsize) 3 * last.width * last.height;
    cam_item = (gsize) last.cam_width * last.cam_height;
    gradient = g_memdup2 (last.gradient, item * sizeof (gfloat));
    cam = g_memdup2 (last.cam, cam_item * sizeof (gfloat));
    last.gradient = gradient;
    last.cam = cam;
    check_same_as_alone (engine, &image, &last, &boxes[n - 1], what);
  }
  g_free (image.data);
  gbp_engine_free (engine);
}
END_TEST

/* Zero-sized and outside regions fail the whole call, naming the region;
 * so do no regions and too many. */
START_TEST (test_invalid_regions_are_clear_errors)
{
  GbpEngine *engine = engine_for ("model alexnet_inplace");
  GbpImage image = card (GBP_PIXEL_FORMAT_RGB);
  static const struct
  {
    GbpRegion region;
    const gchar *words;
  } bad[] = {
    {{10, 10, 0, 20}, "zero-sized"},
    {{10, 10, 20, 0}, "zero-sized"},
    {{CARD_WIDTH, 0, 10, 10}, "outside"},
    {{0, CARD_HEIGHT + 5, 10, 10}, "outside"},
    {{-30, 0, 30, 10}, "outside"},
    {{G_MAXINT, G_MAXINT, G_MAXUINT, G_MAXUINT}, "outside"},
  };
  GbpSaliency saliencies[2];
  g_autofree GbpSaliency *many = g_new (GbpSaliency, GBP_MAX_REGIONS + 1);
  g_autofree GbpRegion *regions = g_new (GbpRegion, GBP_MAX_REGIONS + 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GbpRegion pair[2] = { boxes[1], bad[i].region };
    g_autoptr (GError) error = NULL;

    ck_assert (!gbp_engine_run_regions (engine, &image, pair, 2, NULL, saliencies,
            &error));
    ck_assert (g_error_matches (error, GBP_ERROR,
            GBP_ERROR_INVALID_ARGUMENT));
    g_print ("bad region %u: %s\n", i, error->message);
    ck_assert_msg (strstr (error->message, "region 1") != NULL
        && strstr (error->message, bad[i].words) != NULL, "%s",
        error->message);
  }
  {
    g_autoptr (GError) error = NULL;

    ck_assert (!gbp_engine_run_regions (engine, &image, boxes, 0, NULL, saliencies,
            &error));
    ck_assert (g_error_matches (error, GBP_ERROR,
            GBP_ERROR_INVALID_ARGUMENT));
  }
  for (guint i = 0; i <= GBP_MAX_REGIONS; i++)
    regions[i] = boxes[1];
  {
    g_autoptr (GError) error = NULL;

    ck_assert (!gbp_engine_run_regions (engine, &image, regions,
            GBP_MAX_REGIONS + 1, NULL, many, &error));
    ck_assert (g_error_matches (error, GBP_ERROR,
            GBP_ERROR_INVALID_ARGUMENT));
  }
  /* the engine still works after each refusal */
  ck_assert (gbp_engine_run_regions (engine, &image, boxes, 2, NULL, saliencies,
          NULL));
  g_free (image.data);
  gbp_engine_free (engine);
}
END_TEST

/* Clamping: intersection with the image; YUV crops start on chroma. */
START_TEST (test_clamp_and_crop)
{
  guint8 pixels[16 * 8 * 2] = { 0 };
  GbpImage rgb = { pixels, 10, 8, 30, GBP_PIXEL_FORMAT_RGB };
  GbpImage nv12 = { 0 };
  GbpRegion r, c;
  GbpImage crop;
  g_autoptr (GError) error = NULL;

  r = (GbpRegion) { -3, 5, 6, 10 };
  ck_assert (gbp_region_clamp (&r, &rgb, &c, &error));
  ck_assert_int_eq (c.x, 0);
  ck_assert_int_eq (c.y, 5);
  ck_assert_uint_eq (c.width, 3);
  ck_assert_uint_eq (c.height, 3);
  ck_assert (gbp_image_crop (&rgb, &c, &crop, &error));
  ck_assert_ptr_eq (crop.data, pixels + 5 * 30);
  ck_assert_uint_eq (crop.width, 3);
  ck_assert_uint_eq (crop.stride, 30);

  nv12.data = pixels;
  nv12.width = 16;
  nv12.height = 8;
  nv12.stride = 16;
  nv12.yuv_format = GBP_YUV_FORMAT_NV12;
  nv12.chroma[0] = pixels + 16 * 8;
  nv12.chroma_stride[0] = 16;
  r = (GbpRegion) { 3, 3, 5, 4 };
  ck_assert (gbp_region_clamp (&r, &nv12, &c, &error));
  ck_assert_int_eq (c.x, 2);
  ck_assert_int_eq (c.y, 2);
  ck_assert_uint_eq (c.width, 6);
  ck_assert_uint_eq (c.height, 5);
  ck_assert (gbp_image_crop (&nv12, &c, &crop, &error));
  ck_assert_ptr_eq (crop.data, pixels + 2 * 16 + 2);
  ck_assert_ptr_eq (crop.chroma[0], pixels + 16 * 8 + 1 * 16 + 2);
  ck_assert (gbp_image_validate (&crop, NULL));

  /* an unaligned or outside crop is refused */
  r = (GbpRegion) { 3, 2, 4, 4 };
  ck_assert (!gbp_image_crop (&nv12, &r, &crop, &error));
  ck_assert (g_error_matches (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT));
  g_clear_error (&error);
  r = (GbpRegion) { 8, 0, 3, 4 };
  ck_assert (!gbp_image_crop (&rgb, &r, &crop, &error));
  ck_assert (g_error_matches (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT));
}
END_TEST

static Suite *
regions_suite (void)
{
  Suite *s = suite_create ("regions");
  TCase *tc = gbp_test_tcase_add (s, "general", 300);

  tcase_add_test (tc, test_clamp_and_crop);
  tcase_add_loop_test (tc, test_regions_match_crops_alone, 0,
      G_N_ELEMENTS (models));
  tcase_add_test (tc, test_batch_sizes_and_gradcam);
  tcase_add_test (tc, test_invalid_regions_are_clear_errors);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (regions_suite ());
}
