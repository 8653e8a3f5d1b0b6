/* guidedbp tests — rendering modes against the references of
 * tools/make-render-fixtures.py (tests/data/render/render.ini)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-colormap.h"
#include "gbp-render-private.h"
#include "gbp-test-data.h"
#include "gbp-test-run.h"

#define ROW_PADDING 7
#define FRAME_PADDING 5

static GKeyFile *manifest;
static GStrv cases;

/* ------------------------------------------------------------------------ */
/* render.ini */

static void
load_manifest (void)
{
  g_autofree gchar *path = gbp_test_data_path ("render/render.ini");
  g_autoptr (GError) error = NULL;

  manifest = g_key_file_new ();
  if (!g_key_file_load_from_file (manifest, path, G_KEY_FILE_NONE, &error))
    g_error ("cannot read %s: %s", path, error->message);
}

static gchar *
manifest_string (const gchar * group, const gchar * key)
{
  g_autoptr (GError) error = NULL;
  gchar *value = g_key_file_get_string (manifest, group, key, &error);

  ck_assert_msg (value != NULL, "render.ini [%s] %s: %s", group, key,
      error ? error->message : "missing");
  return value;
}

static guint
manifest_uint (const gchar * group, const gchar * key)
{
  g_autofree gchar *text = manifest_string (group, key);

  return (guint) g_ascii_strtoull (text, NULL, 10);
}

static gfloat
manifest_float (const gchar * group, const gchar * key)
{
  g_autofree gchar *text = manifest_string (group, key);

  return (gfloat) g_ascii_strtod (text, NULL);
}

static GbpRenderMode
mode_from_name (const gchar * name)
{
  for (gint m = 0; gbp_render_mode_get_name (m) != NULL; m++)
    if (g_str_equal (name, gbp_render_mode_get_name (m)))
      return m;
  ck_abort_msg ("unknown mode %s", name);
  return GBP_RENDER_GRADIENT;
}

static GbpColormap
colormap_from_name (const gchar * name)
{
  for (gint c = 0; gbp_colormap_get_name (c) != NULL; c++)
    if (g_str_equal (name, gbp_colormap_get_name (c)))
      return c;
  ck_abort_msg ("unknown colormap %s", name);
  return GBP_COLORMAP_JET;
}

/* One [case ...] group, loaded. */
typedef struct {
  const gchar *name;
  GbpRenderOptions options;
  guint n_gradients;
  gfloat **gradients;
  guint gradient_width;
  guint gradient_height;
  guint width;
  guint height;
  guint8 *expected;             /* packed RGB */
  guint8 *frame;                /* packed RGB, overlay only */
  guint8 *gray;                 /* the reference's gray levels, colormapped modes */
} RenderCase;

static void
render_case_load (RenderCase * rc, const gchar * group)
{
  g_autofree gchar *mode = manifest_string (group, "mode");
  g_autofree gchar *colormap = manifest_string (group, "colormap");
  g_autofree gchar *gradients = manifest_string (group, "gradients");
  g_autofree gchar *expected = manifest_string (group, "expected");
  g_auto (GStrv) files = g_strsplit (gradients, ";", -1);
  gsize pixels;

  memset (rc, 0, sizeof (*rc));
  rc->name = group + strlen ("case ");
  gbp_render_options_init (&rc->options);
  rc->options.mode = mode_from_name (mode);
  rc->options.colormap = colormap_from_name (colormap);
  rc->options.alpha = manifest_float (group, "alpha");
  rc->options.smoothing = manifest_float (group, "smoothing");
  rc->gradient_width = manifest_uint (group, "gradient_width");
  rc->gradient_height = manifest_uint (group, "gradient_height");
  rc->width = manifest_uint (group, "width");
  rc->height = manifest_uint (group, "height");
  pixels = (gsize) rc->width * rc->height;

  rc->n_gradients = g_strv_length (files);
  rc->gradients = g_new0 (gfloat *, rc->n_gradients);
  for (guint i = 0; i < rc->n_gradients; i++)
    rc->gradients[i] = (gfloat *) gbp_test_read_data (files[i],
        (gsize) 3 * rc->gradient_width * rc->gradient_height
        * sizeof (gfloat));
  rc->expected = gbp_test_read_data (expected, pixels * 3);
  if (g_key_file_has_key (manifest, group, "frame", NULL)) {
    g_autofree gchar *frame = manifest_string (group, "frame");

    rc->frame = gbp_test_read_data (frame, pixels * 3);
  }
  if (g_key_file_has_key (manifest, group, "gray", NULL)) {
    g_autofree gchar *gray = manifest_string (group, "gray");

    rc->gray = gbp_test_read_data (gray, pixels * 3);
  }
}

static void
render_case_clear (RenderCase * rc)
{
  for (guint i = 0; i < rc->n_gradients; i++)
    g_free (rc->gradients[i]);
  g_free (rc->gradients);
  g_free (rc->expected);
  g_free (rc->frame);
  g_free (rc->gray);
}

static GbpSaliency
saliency_of (const gfloat * gradient, guint width, guint height)
{
  return (GbpSaliency) {
  .gradient = gradient,.width = width,.height = height};
}

/* Renders every gradient of @rc in turn into a new @format image (row
 * padding ROW_PADDING) and returns the last one. */
static GbpImage
render_case (const RenderCase * rc, GbpPixelFormat format,
    GbpPixelFormat frame_format)
{
  g_autofree guint8 *zeros = g_malloc0 ((gsize) rc->width * rc->height * 3);
  GbpImage out = gbp_test_image_from_rgb (zeros, rc->width, rc->height,
      format, ROW_PADDING);
  GbpImage frame = { 0 };
  GbpRenderer *renderer = gbp_renderer_new ();

  if (rc->frame != NULL)
    frame = gbp_test_image_from_rgb (rc->frame, rc->width, rc->height,
        frame_format, FRAME_PADDING);
  for (guint i = 0; i < rc->n_gradients; i++) {
    GbpSaliency saliency = saliency_of (rc->gradients[i], rc->gradient_width,
        rc->gradient_height);
    g_autoptr (GError) error = NULL;

    ck_assert_msg (gbp_renderer_render (renderer, &rc->options, &saliency,
            rc->frame ? &frame : NULL, &out, &error), "%s: %s", rc->name,
        error ? error->message : "?");
  }
  g_free (frame.data);
  gbp_renderer_free (renderer);
  return out;
}

/* ------------------------------------------------------------------------ */
/* comparison */

static guint
max_channel_difference (const guint8 * a, const guint8 * b)
{
  guint worst = 0;

  for (guint c = 0; c < 3; c++)
    worst = MAX (worst, (guint) abs ((gint) a[c] - (gint) b[c]));
  return worst;
}

/* The colour a colormapped mode gives gray level @index at pixel @i. */
static void
colour_of_index (const RenderCase * rc, guint index, gsize i, guint8 rgb[3])
{
  const guint8 *heat = gbp_colormap_tables[rc->options.colormap][index];
  gfloat a = rc->options.alpha;

  for (guint c = 0; c < 3; c++) {
    if (rc->options.mode == GBP_RENDER_OVERLAY)
      rgb[c] = (guint8) (a * heat[c] + (1.0f - a) * rc->frame[i * 3 + c]
          + 0.5f);
    else
      rgb[c] = heat[c];
  }
}

typedef struct {
  guint max_difference;         /* over pixels that matched */
  guint index_neighbours;       /* pixels that match gray level +-1 instead */
  guint mismatches;
} Comparison;

/* Every pixel within 1 level of the reference; in colormapped modes a
 * pixel may instead be the colour of the neighbouring gray level (the
 * float rounding of a resampled value sits on a level boundary). */
static Comparison
compare_with_reference (const RenderCase * rc, const guint8 * rgb)
{
  Comparison result = { 0 };
  gsize pixels = (gsize) rc->width * rc->height;

  for (gsize i = 0; i < pixels; i++) {
    guint d = max_channel_difference (rgb + 3 * i, rc->expected + 3 * i);
    gboolean neighbour = FALSE;

    if (d <= 1) {
      result.max_difference = MAX (result.max_difference, d);
      continue;
    }
    if (rc->gray != NULL) {
      guint level = rc->gray[3 * i];

      for (gint step = -1; step <= 1; step += 2) {
        guint8 colour[3];

        if ((gint) level + step < 0 || level + step > 255)
          continue;
        colour_of_index (rc, level + step, i, colour);
        if (max_channel_difference (rgb + 3 * i, colour) <= 1)
          neighbour = TRUE;
      }
    }
    if (neighbour)
      result.index_neighbours++;
    else
      result.mismatches++;
  }
  return result;
}

static void
check_padding (const GbpImage * out)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);

  for (guint y = 0; y < out->height; y++) {
    const guint8 *row = out->data + y * out->stride;

    if (layout->pad >= 0)
      for (guint x = 0; x < out->width; x++)
        ck_assert_uint_eq (row[x * layout->bytes_per_pixel + layout->pad],
            255);
    for (gsize b = (gsize) out->width * layout->bytes_per_pixel;
        b < out->stride; b++)
      ck_assert_uint_eq (row[b], 0xAB);
  }
}

/* ------------------------------------------------------------------------ */
/* tests */

START_TEST (test_colormap_tables_match_script)
{
  g_auto (GStrv) groups = gbp_test_key_file_groups (manifest, "colormap ");

  ck_assert_uint_eq (g_strv_length (groups), GBP_N_COLORMAPS);
  for (guint i = 0; groups[i] != NULL; i++) {
    GbpColormap cm = colormap_from_name (groups[i] + strlen ("colormap "));
    g_autofree gchar *file = manifest_string (groups[i], "table");
    g_autofree guint8 *table = gbp_test_read_data (file, 256 * 3);

    ck_assert_msg (memcmp (gbp_colormap_tables[cm], table, 256 * 3) == 0,
        "core/gbp-colormap-tables.c differs from %s: rerun "
        "tools/make-render-fixtures.py", file);
  }
}
END_TEST

START_TEST (test_case_matches_reference)
{
  RenderCase rc;
  g_autofree guint8 *first = NULL;
  Comparison result;

  render_case_load (&rc, cases[_i]);
  for (gint f = 0; f < GBP_PIXEL_FORMAT_COUNT; f++) {
    /* the frame in another format than the output */
    GbpImage out = render_case (&rc, f, (f + 3) % GBP_PIXEL_FORMAT_COUNT);
    g_autofree guint8 *rgb = gbp_test_image_to_rgb (&out);

    check_padding (&out);
    if (first == NULL) {
      first = g_steal_pointer (&rgb);
    } else {
      ck_assert_msg (memcmp (rgb, first, (gsize) rc.width * rc.height * 3)
          == 0, "%s: format %d renders other RGB than format 0", rc.name, f);
    }
    g_free (out.data);
  }

  result = compare_with_reference (&rc, first);
  g_print ("render %-24s max difference %u level(s); %u of %u pixels at "
      "the neighbouring gray level; %u mismatches\n", rc.name,
      result.max_difference, result.index_neighbours, rc.width * rc.height,
      result.mismatches);
  ck_assert_msg (result.mismatches == 0, "%s: %u pixels differ by more than "
      "1 level", rc.name, result.mismatches);
  /* neighbouring levels are rare rounding accidents, not a habit */
  ck_assert_msg (result.index_neighbours * 200 <= rc.width * rc.height,
      "%s: %u pixels at a neighbouring level", rc.name,
      result.index_neighbours);
  render_case_clear (&rc);
}
END_TEST

/* The renderer used by gbp_renderer_render_gradient() is the gradient
 * mode, and it is what the older refs/render-gradient fixtures hold. */
START_TEST (test_render_gradient_is_default_mode)
{
  RenderCase rc;
  g_autofree guint8 *zeros = NULL;
  GbpRenderer *renderer = gbp_renderer_new ();
  GbpImage out;
  GbpSaliency saliency;
  g_autofree guint8 *rgb = NULL;

  render_case_load (&rc, "case gradient-100x75");
  zeros = g_malloc0 ((gsize) rc.width * rc.height * 3);
  out = gbp_test_image_from_rgb (zeros, rc.width, rc.height,
      GBP_PIXEL_FORMAT_RGB, 0);
  saliency = saliency_of (rc.gradients[0], rc.gradient_width,
      rc.gradient_height);
  ck_assert (gbp_renderer_render_gradient (renderer, &saliency, &out, NULL));
  rgb = gbp_test_image_to_rgb (&out);
  ck_assert_uint_eq (compare_with_reference (&rc, rgb).mismatches, 0);
  g_free (out.data);
  gbp_renderer_free (renderer);
  render_case_clear (&rc);
}
END_TEST

/* Renders @gradient once with @options into a new RGB image. */
static guint8 *
render_rgb (GbpRenderer * renderer, const GbpRenderOptions * options,
    const gfloat * gradient, guint gw, guint gh, guint width, guint height)
{
  GbpSaliency saliency = saliency_of (gradient, gw, gh);
  guint8 *pixels = g_malloc0 ((gsize) width * height * 3);
  GbpImage out = { pixels, width, height, (gsize) width * 3,
    GBP_PIXEL_FORMAT_RGB
  };
  g_autoptr (GError) error = NULL;

  ck_assert_msg (gbp_renderer_render (renderer, options, &saliency, NULL,
          &out, &error), "%s", error ? error->message : "?");
  return pixels;
}

static guint8 *
render_fresh (const GbpRenderOptions * options, const gfloat * gradient,
    guint gw, guint gh, guint width, guint height)
{
  GbpRenderer *renderer = gbp_renderer_new ();
  guint8 *pixels = render_rgb (renderer, options, gradient, gw, gh, width,
      height);

  gbp_renderer_free (renderer);
  return pixels;
}

START_TEST (test_smoothing_reset)
{
  RenderCase rc;
  GbpRenderer *renderer = gbp_renderer_new ();
  GbpRenderOptions options;
  const guint w = 100, h = 75;
  const gsize n = (gsize) w * h * 3;
  g_autofree guint8 *plain = NULL;
  g_autofree guint8 *positive = NULL;
  g_autofree gfloat *small = g_new0 (gfloat, 3 * 48 * 40);
  g_autofree guint8 *small_plain = NULL;
  guint8 *pixels;

  render_case_load (&rc, "case smooth-gray-100x75");
  ck_assert_uint_ge (rc.n_gradients, 3);
  options = rc.options;
  options.smoothing = 0.0f;
  plain = render_fresh (&options, rc.gradients[2], 64, 64, w, h);
  options.smoothing = rc.options.smoothing;

  /* with history the output is not the plain one */
  g_free (render_rgb (renderer, &options, rc.gradients[0], 64, 64, w, h));
  pixels = render_rgb (renderer, &options, rc.gradients[2], 64, 64, w, h);
  ck_assert (memcmp (pixels, plain, n) != 0);
  g_free (pixels);

  /* after a reset it is */
  gbp_renderer_reset (renderer);
  pixels = render_rgb (renderer, &options, rc.gradients[2], 64, 64, w, h);
  ck_assert_msg (memcmp (pixels, plain, n) == 0, "reset kept the history");
  g_free (pixels);

  /* a mode change forgets the history */
  options.mode = GBP_RENDER_POSITIVE;
  positive = render_fresh (&options, rc.gradients[1], 64, 64, w, h);
  pixels = render_rgb (renderer, &options, rc.gradients[1], 64, 64, w, h);
  ck_assert_msg (memcmp (pixels, positive, n) == 0,
      "a mode change kept the history");
  g_free (pixels);

  /* so does a size change */
  for (guint i = 0; i < 3 * 48 * 40; i++)
    small[i] = sinf (i * 0.37f);
  small_plain = render_fresh (&options, small, 48, 40, w, h);
  pixels = render_rgb (renderer, &options, small, 48, 40, w, h);
  ck_assert_msg (memcmp (pixels, small_plain, n) == 0,
      "a size change kept the history");
  g_free (pixels);

  /* and a failed render leaves the history alone */
  {
    GbpRenderer *twice = gbp_renderer_new ();
    g_autofree gfloat *other = g_new (gfloat, 3 * 48 * 40);
    GbpSaliency saliency = saliency_of (other, 48, 40);
    guint8 scratch[48 * 40 * 3];
    GbpImage out = { scratch, 48, 40, 48 * 3, GBP_PIXEL_FORMAT_RGB };
    g_autofree guint8 *expected = NULL;

    for (guint i = 0; i < 3 * 48 * 40; i++)
      other[i] = cosf (i * 0.11f);
    g_free (render_rgb (twice, &options, small, 48, 40, w, h));
    expected = render_rgb (twice, &options, small, 48, 40, w, h);
    gbp_renderer_free (twice);

    options.alpha = 2.0f;
    ck_assert (!gbp_renderer_render (renderer, &options, &saliency, NULL,
            &out, NULL));
    options.alpha = 0.5f;
    pixels = render_rgb (renderer, &options, small, 48, 40, w, h);
    ck_assert_msg (memcmp (pixels, expected, n) == 0,
        "a failed render changed the history");
    g_free (pixels);
  }

  gbp_renderer_free (renderer);
  render_case_clear (&rc);
}
END_TEST

static void
assert_invalid (GbpRenderer * renderer, const GbpRenderOptions * options,
    const GbpImage * frame, const gchar * what)
{
  static gfloat gradient[3 * 4 * 4];
  GbpSaliency saliency = saliency_of (gradient, 4, 4);
  guint8 pixels[6 * 5 * 4];
  GbpImage out = { pixels, 6, 5, 24, GBP_PIXEL_FORMAT_RGBA };
  g_autoptr (GError) error = NULL;

  memset (pixels, 0x33, sizeof (pixels));
  ck_assert_msg (!gbp_renderer_render (renderer, options, &saliency, frame,
          &out, &error), "%s accepted", what);
  ck_assert_msg (g_error_matches (error, GBP_ERROR,
          GBP_ERROR_INVALID_ARGUMENT), "%s: wrong error", what);
  for (guint i = 0; i < sizeof (pixels); i++)
    ck_assert_msg (pixels[i] == 0x33, "%s: output written", what);
}

START_TEST (test_invalid_options_rejected)
{
  GbpRenderer *renderer = gbp_renderer_new ();
  GbpRenderOptions options;
  static const gfloat bad_alpha[] = { -0.01f, 1.01f, NAN, INFINITY };
  static const gfloat bad_smoothing[] = { -0.01f, 1.0f, 1.5f, NAN };
  static const gint bad_modes[] = { -1, GBP_N_RENDER_MODES, 1000 };
  static const gint bad_colormaps[] = { -1, GBP_COLORMAP_VIRIDIS + 1 };

  for (guint i = 0; i < G_N_ELEMENTS (bad_alpha); i++) {
    gbp_render_options_init (&options);
    options.alpha = bad_alpha[i];
    assert_invalid (renderer, &options, NULL, "alpha");
    ck_assert (!gbp_render_options_validate (&options, NULL));
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_smoothing); i++) {
    gbp_render_options_init (&options);
    options.smoothing = bad_smoothing[i];
    assert_invalid (renderer, &options, NULL, "smoothing");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_modes); i++) {
    gbp_render_options_init (&options);
    options.mode = bad_modes[i];
    assert_invalid (renderer, &options, NULL, "mode");
    ck_assert (gbp_render_mode_get_name (bad_modes[i]) == NULL);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_colormaps); i++) {
    gbp_render_options_init (&options);
    options.colormap = bad_colormaps[i];
    assert_invalid (renderer, &options, NULL, "colormap");
    ck_assert (gbp_colormap_get_name (bad_colormaps[i]) == NULL);
  }

  /* the edges are valid */
  gbp_render_options_init (&options);
  ck_assert (gbp_render_options_validate (&options, NULL));
  options.alpha = 0.0f;
  options.smoothing = 0.999f;
  ck_assert (gbp_render_options_validate (&options, NULL));
  options.alpha = 1.0f;
  ck_assert (gbp_render_options_validate (&options, NULL));
  gbp_renderer_free (renderer);
}
END_TEST

START_TEST (test_overlay_frame_checked)
{
  GbpRenderer *renderer = gbp_renderer_new ();
  GbpRenderOptions options;
  guint8 frame_pixels[7 * 5 * 3] = { 0 };
  GbpImage wide = { frame_pixels, 7, 5, 21, GBP_PIXEL_FORMAT_RGB };
  GbpImage tall = { frame_pixels, 6, 5 + 1, 18, GBP_PIXEL_FORMAT_RGB };
  GbpImage broken = { NULL, 6, 5, 18, GBP_PIXEL_FORMAT_RGB };

  gbp_render_options_init (&options);
  options.mode = GBP_RENDER_OVERLAY;
  assert_invalid (renderer, &options, NULL, "overlay without frame");
  assert_invalid (renderer, &options, &wide, "overlay, frame too wide");
  assert_invalid (renderer, &options, &tall, "overlay, frame too tall");
  assert_invalid (renderer, &options, &broken, "overlay, frame without data");
  gbp_renderer_free (renderer);
}
END_TEST

/* Overlay in place (the frame is the output) equals overlay into another
 * image. */
START_TEST (test_overlay_in_place)
{
  RenderCase rc;
  GbpRenderer *renderer = gbp_renderer_new ();
  GbpImage frame, out;
  GbpSaliency saliency;
  g_autofree guint8 *expected = NULL;
  g_autofree guint8 *rgb = NULL;

  render_case_load (&rc, "case overlay-jet-100x75");
  out = render_case (&rc, GBP_PIXEL_FORMAT_BGRX, GBP_PIXEL_FORMAT_RGB);
  expected = gbp_test_image_to_rgb (&out);
  g_free (out.data);

  frame = gbp_test_image_from_rgb (rc.frame, rc.width, rc.height,
      GBP_PIXEL_FORMAT_BGRX, ROW_PADDING);
  saliency = saliency_of (rc.gradients[0], rc.gradient_width,
      rc.gradient_height);
  ck_assert (gbp_renderer_render (renderer, &rc.options, &saliency, &frame,
          &frame, NULL));
  rgb = gbp_test_image_to_rgb (&frame);
  ck_assert (memcmp (rgb, expected, (gsize) rc.width * rc.height * 3) == 0);
  check_padding (&frame);
  g_free (frame.data);
  gbp_renderer_free (renderer);
  render_case_clear (&rc);
}
END_TEST

/* All-zero, one-signed and sparse gradients: defined colours, no NaN. */
START_TEST (test_degenerate_gradients)
{
  enum { W = 10, H = 10, N = 3 * W * H };
  static gfloat zero[N], negative[N], sparse[N], zero_cam[4];
  GbpRenderOptions options;
  GbpImage frame;
  guint8 grey[W * H * 3];
  guint8 *p;

  for (guint i = 0; i < N; i++)
    negative[i] = -1.0f - (i % 7);
  sparse[2 * W * H + 37] = 3.0f;        /* one blue value: p99 is 0 */
  memset (grey, 100, sizeof (grey));
  frame = gbp_test_image_from_rgb (grey, W, H, GBP_PIXEL_FORMAT_RGB, 0);

  gbp_render_options_init (&options);
  for (gint m = 0; m < GBP_N_RENDER_MODES; m++) {
    for (gint c = 0; c < GBP_N_COLORMAPS; c++) {
      GbpRenderer *renderer = gbp_renderer_new ();
      guint8 pixels[W * H * 3];
      GbpImage out = { pixels, W, H, W * 3, GBP_PIXEL_FORMAT_RGB };
      GbpSaliency saliency = saliency_of (zero, W, H);
      const guint8 *low = gbp_colormap_tables[c][0];
      guint8 expected[3];

      saliency.cam = zero_cam;
      saliency.cam_width = saliency.cam_height = 2;
      options.mode = m;
      options.colormap = c;
      options.alpha = 0.25f;
      options.smoothing = 0.5f;
      /* twice, so that smoothing runs on the zeros too */
      ck_assert (gbp_renderer_render (renderer, &options, &saliency, &frame,
              &out, NULL));
      ck_assert (gbp_renderer_render (renderer, &options, &saliency, &frame,
              &out, NULL));
      for (guint k = 0; k < 3; k++) {
        switch (m) {
          case GBP_RENDER_GRADIENT:
          case GBP_RENDER_GUIDED_GRADCAM:
            expected[k] = 127;  /* constant: mid-gray */
            break;
          case GBP_RENDER_HEATMAP:
            expected[k] = low[k];
            break;
          case GBP_RENDER_OVERLAY:
          case GBP_RENDER_GRADCAM:
            expected[k] = (guint8) (0.25f * low[k] + 0.75f * 100 + 0.5f);
            break;
          default:
            expected[k] = 0;
            break;
        }
      }
      for (guint i = 0; i < W * H; i++)
        ck_assert_msg (memcmp (pixels + 3 * i, expected, 3) == 0,
            "mode %s colormap %s: pixel %u is %u,%u,%u",
            gbp_render_mode_get_name (m), gbp_colormap_get_name (c), i,
            pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2]);
      gbp_renderer_free (renderer);
    }
  }

  /* nothing positive: positive is black, negative is not */
  gbp_render_options_init (&options);
  options.mode = GBP_RENDER_POSITIVE;
  p = render_fresh (&options, negative, W, H, W, H);
  for (guint i = 0; i < W * H * 3; i++)
    ck_assert_uint_eq (p[i], 0);
  g_free (p);
  options.mode = GBP_RENDER_NEGATIVE;
  p = render_fresh (&options, negative, W, H, W, H);
  ck_assert_uint_eq (p[3 * 6], 255);    /* the largest -g, at i % 7 == 6 */
  ck_assert_uint_eq (p[0], 255 / 7);
  g_free (p);

  /* a single non-zero value: gray falls back to the maximum */
  options.mode = GBP_RENDER_GRAY;
  p = render_fresh (&options, sparse, W, H, W, H);
  for (guint i = 0; i < W * H; i++)
    ck_assert_uint_eq (p[3 * i], i == 37 ? 255 : 0);
  g_free (p);
  g_free (frame.data);
}
END_TEST

static gint
compare_floats (gconstpointer a, gconstpointer b)
{
  gfloat x = *(const gfloat *) a, y = *(const gfloat *) b;

  return (x > y) - (x < y);
}

/* The selection-based percentile equals the sort-based definition. */
START_TEST (test_quantile_matches_sorting)
{
  static const gdouble qs[] = { 0.0, 0.25, 0.5, 0.99, 1.0 };
  GRand *rand = g_rand_new_with_seed (7);

  for (guint trial = 0; trial < 300; trial++) {
    guint n = 1 + g_rand_int_range (rand, 0, trial < 50 ? 8 : 3000);
    guint distinct = 1 + g_rand_int_range (rand, 0, 20);
    g_autofree gfloat *values = g_new (gfloat, n);
    g_autofree gfloat *sorted = g_new (gfloat, n);
    g_autofree gfloat *work = g_new (gfloat, n);

    for (guint i = 0; i < n; i++)
      values[i] = trial % 2 ? (gfloat) g_rand_int_range (rand, 0, distinct)
          : (gfloat) g_rand_double (rand);
    memcpy (sorted, values, n * sizeof (gfloat));
    qsort (sorted, n, sizeof (gfloat), compare_floats);
    for (guint k = 0; k < G_N_ELEMENTS (qs); k++) {
      gdouble position = qs[k] * (n - 1);
      gsize lo = (gsize) floor (position);
      gsize hi = MIN (lo + 1, n - 1);
      gfloat expected = (gfloat) (sorted[lo] + (sorted[hi]
              - (gdouble) sorted[lo]) * (position - lo));

      memcpy (work, values, n * sizeof (gfloat));
      ck_assert_float_eq (gbp_render_quantile (work, n, qs[k]), expected);
    }
  }
  g_rand_free (rand);
}
END_TEST

static gdouble
gaussian (GRand * rand)
{
  gdouble u = 1.0 - g_rand_double (rand), v = g_rand_double (rand);

  return sqrt (-2.0 * log (u)) * cos (2.0 * G_PI * v);
}

/* Mean absolute byte difference between successive gray frames of a still
 * scene whose gradient carries noise of 30 % of its own std. */
static gdouble
measure_flicker (const gfloat * gradient, guint w, guint h,
    gfloat smoothing, guint frames)
{
  const gsize n = (gsize) 3 * w * h;
  const gsize bytes = (gsize) w * h * 3;
  GRand *rand = g_rand_new_with_seed (1234);
  GbpRenderer *renderer = gbp_renderer_new ();
  GbpRenderOptions options;
  g_autofree gfloat *noisy = g_new (gfloat, n);
  g_autofree guint8 *previous = NULL;
  gdouble mean = 0, var = 0, std, total = 0;

  for (gsize i = 0; i < n; i++)
    mean += gradient[i];
  mean /= n;
  for (gsize i = 0; i < n; i++)
    var += (gradient[i] - mean) * (gradient[i] - mean);
  std = sqrt (var / (n - 1));

  gbp_render_options_init (&options);
  options.mode = GBP_RENDER_GRAY;
  options.smoothing = smoothing;
  for (guint f = 0; f < frames; f++) {
    guint8 *pixels;

    for (gsize i = 0; i < n; i++)
      noisy[i] = gradient[i] + (gfloat) (0.3 * std * gaussian (rand));
    pixels = render_rgb (renderer, &options, noisy, w, h, w, h);
    if (previous != NULL) {
      guint64 sum = 0;

      for (gsize i = 0; i < bytes; i++)
        sum += abs ((gint) pixels[i] - (gint) previous[i]);
      total += (gdouble) sum / bytes;
    }
    g_free (previous);
    previous = pixels;
  }
  g_rand_free (rand);
  gbp_renderer_free (renderer);
  return total / (frames - 1);
}

START_TEST (test_smoothing_reduces_flicker)
{
  RenderCase rc;
  gdouble plain, smoothed;

  render_case_load (&rc, "case gray-64x64");
  plain = measure_flicker (rc.gradients[0], 64, 64, 0.0f, 30);
  smoothed = measure_flicker (rc.gradients[0], 64, 64, 0.8f, 30);
  g_print ("flicker (gray, 30 frames, noise 30%% of the gradient's std): "
      "mean |frame-to-frame| difference %.3f levels without smoothing, "
      "%.3f with smoothing 0.8 (%.2fx)\n", plain, smoothed, plain / smoothed);
  ck_assert (smoothed < plain);
  render_case_clear (&rc);
}
END_TEST

static Suite *
render_suite (void)
{
  Suite *s = suite_create ("render");
  TCase *tc = tcase_create ("general");

  load_manifest ();
  cases = gbp_test_key_file_groups (manifest, "case ");
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_colormap_tables_match_script);
  tcase_add_loop_test (tc, test_case_matches_reference, 0,
      g_strv_length (cases));
  tcase_add_test (tc, test_render_gradient_is_default_mode);
  tcase_add_test (tc, test_smoothing_reset);
  tcase_add_test (tc, test_invalid_options_rejected);
  tcase_add_test (tc, test_overlay_frame_checked);
  tcase_add_test (tc, test_overlay_in_place);
  tcase_add_test (tc, test_degenerate_gradients);
  tcase_add_test (tc, test_quantile_matches_sorting);
  tcase_add_test (tc, test_smoothing_reduces_flicker);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (render_suite ());
}
