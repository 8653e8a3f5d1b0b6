/* guidedbp tests — the threaded, vectorized resize against a plain one
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gbp-preprocess.c pads windows, repeats weights, widens rows and splits
 * them over threads; its bytes must stay those of PIL's two passes, here
 * written out one tap at a time as PIL does (test-preprocess.c compares
 * this with PIL's own output on the committed fixtures). Then YUV input:
 * uniform colours in every matrix and range, and a card encoded as YUV,
 * which must resize like the card itself.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-preprocess.h"
#include "gbp-test-data.h"
#include "gbp-test-run.h"

#define PRECISION_BITS 22

static const gfloat mean[3] = { 0.485f, 0.456f, 0.406f };
static const gfloat stdev[3] = { 0.229f, 0.224f, 0.225f };

/* ------------------------------------------------------------------ */
/* PIL's resampling, one tap at a time */

typedef struct {
  guint *first, *count;
  gint32 *weights;
  guint taps;
} Axis;

static void
axis_init (Axis * a, guint in_size, guint out_size)
{
  gdouble scale = (gdouble) in_size / out_size;
  gdouble support = MAX (scale, 1.0);

  a->taps = (guint) ceil (support) * 2 + 1;
  a->first = g_new (guint, out_size);
  a->count = g_new (guint, out_size);
  a->weights = g_new0 (gint32, (gsize) out_size * a->taps);
  for (guint i = 0; i < out_size; i++) {
    gdouble center = (i + 0.5) * scale, sum = 0, raw[64];
    gint lo = MAX ((gint) (center - support + 0.5), 0);
    gint hi = MIN ((gint) (center + support + 0.5), (gint) in_size);

    ck_assert_int_lt (hi - lo, 64);
    a->first[i] = lo;
    a->count[i] = hi - lo;
    for (gint k = 0; k < hi - lo; k++) {
      gdouble x = fabs ((k + lo - center + 0.5) / support);

      raw[k] = x < 1 ? 1 - x : 0;
      sum += raw[k];
    }
    for (gint k = 0; k < hi - lo; k++) {
      gdouble w = raw[k] / sum * (1 << PRECISION_BITS);

      a->weights[(gsize) i * a->taps + k] = (gint32) (w < 0 ? w - 0.5 :
          w + 0.5);
    }
  }
}

static void
axis_clear (Axis * a)
{
  g_free (a->first);
  g_free (a->count);
  g_free (a->weights);
}

static guint8
tap_sum (const Axis * a, guint i, const guint8 * src, gsize step)
{
  gint32 acc = 1 << (PRECISION_BITS - 1);

  for (guint k = 0; k < a->count[i]; k++)
    acc += src[k * step] * a->weights[(gsize) i * a->taps + k];
  acc >>= PRECISION_BITS;
  return acc < 0 ? 0 : acc > 255 ? 255 : acc;
}

/* Packed RGB @w x @h -> packed RGB @ow x @oh; a pass is skipped when its
 * size does not change. */
static guint8 *
pil_resize (const guint8 * rgb, guint w, guint h, guint ow, guint oh)
{
  guint8 *rows = g_malloc ((gsize) h * ow * 3);
  guint8 *out = g_malloc ((gsize) oh * ow * 3);
  Axis ax, ay;

  axis_init (&ax, w, ow);
  axis_init (&ay, h, oh);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < ow; x++)
      for (guint c = 0; c < 3; c++)
        rows[((gsize) y * ow + x) * 3 + c] = w == ow ?
            rgb[((gsize) y * w + x) * 3 + c] :
            tap_sum (&ax, x, rgb + ((gsize) y * w + ax.first[x]) * 3 + c, 3);
  for (guint y = 0; y < oh; y++)
    for (gsize i = 0; i < (gsize) ow * 3; i++)
      out[(gsize) y * ow * 3 + i] = h == oh ? rows[(gsize) y * ow * 3 + i] :
          tap_sum (&ay, y, rows + (gsize) ay.first[y] * ow * 3 + i,
          (gsize) ow * 3);
  axis_clear (&ax);
  axis_clear (&ay);
  g_free (rows);
  return out;
}

/* Noise: every rounding shows. */
static guint8 *
noise_rgb (guint w, guint h, guint seed)
{
  guint8 *rgb = g_malloc ((gsize) w * h * 3);
  guint32 state = seed * 2654435761u + 1;

  for (gsize i = 0; i < (gsize) w * h * 3; i++) {
    state = state * 1664525u + 1013904223u;
    rgb[i] = state >> 24;
  }
  return rgb;
}

static const struct {
  guint w, h, ow, oh;
} sizes[] = {
  {97, 61, 64, 64}, {1920, 1080, 224, 224}, {3840, 2160, 224, 224},
  {641, 479, 224, 224}, {5, 3, 224, 224}, {224, 224, 224, 224},
  {1, 1, 64, 48}, {300, 20, 48, 40}, {13, 900, 64, 48}, {225, 223, 224, 224},
  {7, 7, 3, 5},
};

static const GbpPixelFormat formats[] = {
  GBP_PIXEL_FORMAT_RGBX, GBP_PIXEL_FORMAT_BGR, GBP_PIXEL_FORMAT_ARGB,
};

START_TEST (test_matches_plain_pil)
{
  guint w = sizes[_i].w, h = sizes[_i].h, ow = sizes[_i].ow, oh = sizes[_i].oh;
  g_autofree guint8 *rgb = noise_rgb (w, h, _i);
  g_autofree guint8 *expected = pil_resize (rgb, w, h, ow, oh);
  GbpPreprocessor *pp = gbp_preprocessor_new (ow, oh, mean, stdev);

  for (guint t = 1; t <= 3; t++) {
    gbp_preprocessor_set_num_threads (pp, t);
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++) {
      GbpImage image = gbp_test_image_from_rgb (rgb, w, h, formats[f], 3 * t);
      const guint8 *out = gbp_preprocessor_resize (pp, &image);
      gsize first_bad = 0;

      while (first_bad < (gsize) ow * oh * 3
          && out[first_bad] == expected[first_bad])
        first_bad++;
      ck_assert_msg (first_bad == (gsize) ow * oh * 3, "%ux%u -> %ux%u, "
          "%u threads, format %d: byte %" G_GSIZE_FORMAT " is %u, PIL's %u",
          w, h, ow, oh, t, formats[f], first_bad, out[first_bad],
          expected[first_bad]);
      g_free (image.data);
    }
  }
  gbp_preprocessor_free (pp);
}
END_TEST

/* ------------------------------------------------------------------ */
/* YUV */

static const gdouble kr_kb[GBP_YUV_MATRIX_COUNT][2] = {
  {0.299, 0.114}, {0.2126, 0.0722}, {0.2627, 0.0593}, {0.212, 0.087},
  {0.30, 0.11},
};

/* Y'CbCr bytes of R'G'B' in [0,1], textbook formulas. */
static void
encode (const GbpYuvColorimetry * c, const gdouble rgb[3], gdouble yuv[3])
{
  gdouble kr = kr_kb[c->matrix][0], kb = kr_kb[c->matrix][1];
  gdouble luma = kr * rgb[0] + (1 - kr - kb) * rgb[1] + kb * rgb[2];
  gdouble pb = (rgb[2] - luma) / (2 * (1 - kb));
  gdouble pr = (rgb[0] - luma) / (2 * (1 - kr));

  yuv[0] = c->full_range ? 255 * luma : 16 + 219 * luma;
  yuv[1] = 128 + (c->full_range ? 255 : 224) * pb;
  yuv[2] = 128 + (c->full_range ? 255 : 224) * pr;
}

static void
decode (const GbpYuvColorimetry * c, const guint8 yuv[3], gdouble rgb[3])
{
  gdouble kr = kr_kb[c->matrix][0], kb = kr_kb[c->matrix][1];
  gdouble kg = 1 - kr - kb;
  gdouble luma = c->full_range ? yuv[0] / 255.0 : (yuv[0] - 16) / 219.0;
  gdouble pb = (yuv[1] - 128) / (c->full_range ? 255.0 : 224.0);
  gdouble pr = (yuv[2] - 128) / (c->full_range ? 255.0 : 224.0);

  rgb[0] = luma + 2 * (1 - kr) * pr;
  rgb[2] = luma + 2 * (1 - kb) * pb;
  rgb[1] = (luma - kr * rgb[0] - kb * rgb[2]) / kg;
}

/* A YUV image of @format from packed RGB: chroma the mean of the 2x2 (2x1
 * for YUY2) pixels it covers; rows padded by @padding bytes. */
static GbpImage
yuv_image (const guint8 * rgb, guint w, guint h, GbpYuvFormat format,
    const GbpYuvColorimetry * colorimetry, gsize padding)
{
  guint cw = (w + 1) / 2, ch = format == GBP_YUV_FORMAT_YUY2 ? h : (h + 1) / 2;
  GbpImage image = {.width = w,.height = h,.yuv_format = format,
    .colorimetry = *colorimetry
  };
  guint8 *y_plane, *u_plane, *v_plane;

  if (format == GBP_YUV_FORMAT_YUY2) {
    image.stride = 4 * (gsize) cw + padding;
    image.data = g_malloc0 (image.stride * h);
  } else {
    image.stride = w + padding;
    image.chroma_stride[0] = (format == GBP_YUV_FORMAT_NV12 ? 2 : 1) * cw
        + padding + 1;
    image.chroma_stride[1] = cw + padding + 2;
    image.data = g_malloc0 (image.stride * h + image.chroma_stride[0] * ch
        + image.chroma_stride[1] * ch);
    image.chroma[0] = image.data + image.stride * h;
    image.chroma[1] = image.chroma[0] + image.chroma_stride[0] * ch;
  }
  for (guint y = 0; y < h; y++) {
    for (guint x = 0; x < w; x++) {
      const guint8 *p = rgb + ((gsize) y * w + x) * 3;
      gdouble v[3] = { p[0] / 255.0, p[1] / 255.0, p[2] / 255.0 }, e[3];

      encode (colorimetry, v, e);
      y_plane = format == GBP_YUV_FORMAT_YUY2 ?
          image.data + y * image.stride + 2 * x : image.data + y * image.stride
          + x;
      *y_plane = (guint8) CLAMP (e[0] + 0.5, 0, 255);
    }
  }
  for (guint cy = 0; cy < ch; cy++) {
    for (guint cx = 0; cx < cw; cx++) {
      gdouble sum[3] = { 0 }, e[3];
      guint n = 0;

      for (guint dy = 0; dy < (format == GBP_YUV_FORMAT_YUY2 ? 1u : 2u); dy++)
        for (guint dx = 0; dx < 2; dx++) {
          guint x = MIN (2 * cx + dx, w - 1);
          guint y = MIN ((format == GBP_YUV_FORMAT_YUY2 ? cy : 2 * cy) + dy,
              h - 1);

          for (guint c = 0; c < 3; c++)
            sum[c] += rgb[((gsize) y * w + x) * 3 + c] / 255.0;
          n++;
        }
      for (guint c = 0; c < 3; c++)
        sum[c] /= n;
      encode (colorimetry, sum, e);
      if (format == GBP_YUV_FORMAT_YUY2) {
        u_plane = image.data + cy * image.stride + 4 * cx + 1;
        v_plane = u_plane + 2;
      } else if (format == GBP_YUV_FORMAT_NV12) {
        u_plane = image.chroma[0] + cy * image.chroma_stride[0] + 2 * cx;
        v_plane = u_plane + 1;
      } else {
        u_plane = image.chroma[0] + cy * image.chroma_stride[0] + cx;
        v_plane = image.chroma[1] + cy * image.chroma_stride[1] + cx;
      }
      *u_plane = (guint8) CLAMP (e[1] + 0.5, 0, 255);
      *v_plane = (guint8) CLAMP (e[2] + 0.5, 0, 255);
    }
  }
  return image;
}

static const GbpYuvFormat yuv_formats[] = {
  GBP_YUV_FORMAT_NV12, GBP_YUV_FORMAT_I420, GBP_YUV_FORMAT_YUY2,
};

/* A uniform frame of any size, format, matrix and range resizes to its
 * colour. */
START_TEST (test_yuv_uniform_colour)
{
  static const guint frame_sizes[][2] = {
    {1, 1}, {3, 5}, {97, 61}, {224, 224}, {1920, 1080}, {449, 3},
  };
  static const guint8 colour[3] = { 200, 17, 99 };
  const GbpYuvFormat format = yuv_formats[_i];
  GbpPreprocessor *pp = gbp_preprocessor_new (224, 224, mean, stdev);

  gbp_preprocessor_set_num_threads (pp, 2);
  for (guint m = 0; m < GBP_YUV_MATRIX_COUNT; m++) {
    for (guint range = 0; range < 2; range++) {
      GbpYuvColorimetry c = {.matrix = m,.full_range = range,
        .chroma_h_cosited = m % 2,.chroma_v_cosited = range
      };
      gdouble v[3] = { colour[0] / 255.0, colour[1] / 255.0,
        colour[2] / 255.0
      }, e[3], back[3];
      guint8 yuv[3], expected[3];

      encode (&c, v, e);
      for (guint i = 0; i < 3; i++)
        yuv[i] = (guint8) (e[i] + 0.5);
      decode (&c, yuv, back);
      for (guint i = 0; i < 3; i++)
        expected[i] = (guint8) CLAMP (255 * back[i] + 0.5, 0, 255);

      for (guint s = 0; s < G_N_ELEMENTS (frame_sizes); s++) {
        guint w = frame_sizes[s][0], h = frame_sizes[s][1];
        g_autofree guint8 *rgb = g_malloc ((gsize) w * h * 3);
        GbpImage image;
        const guint8 *out;

        for (gsize i = 0; i < (gsize) w * h; i++)
          memcpy (rgb + 3 * i, colour, 3);
        image = yuv_image (rgb, w, h, format, &c, 7);
        ck_assert (gbp_image_validate (&image, NULL));
        out = gbp_preprocessor_resize (pp, &image);
        for (gsize i = 0; i < (gsize) 224 * 224; i++)
          for (guint k = 0; k < 3; k++)
            ck_assert_msg (abs ((gint) out[3 * i + k] - expected[k]) <= 1,
                "format %d matrix %u range %u %ux%u: pixel %" G_GSIZE_FORMAT
                " channel %u is %u, expected %u", format, m, range, w, h, i,
                k, out[3 * i + k], expected[k]);
        g_free (image.data);
      }
    }
  }
  gbp_preprocessor_free (pp);
}
END_TEST

/* The card encoded as YUV resizes like the card: wrong planes, strides,
 * chroma positions or a swapped U and V would show. */
START_TEST (test_yuv_card_resizes_like_rgb)
{
  const GbpYuvFormat format = yuv_formats[_i];
  g_autofree guint8 *card = gbp_test_read_data ("images/card-97x61.rgb",
      97 * 61 * 3);
  GbpImage rgb = gbp_test_image_from_rgb (card, 97, 61, GBP_PIXEL_FORMAT_RGB,
      0);
  GbpYuvColorimetry c = {.matrix = GBP_YUV_MATRIX_BT709 };
  GbpImage image = yuv_image (card, 97, 61, format, &c, 5);
  GbpPreprocessor *pp = gbp_preprocessor_new (64, 48, mean, stdev);
  g_autofree guint8 *expected = NULL;
  const guint8 *out;
  gdouble total = 0;

  expected = g_memdup2 (gbp_preprocessor_resize (pp, &rgb), 64 * 48 * 3);
  out = gbp_preprocessor_resize (pp, &image);
  for (gsize i = 0; i < 64 * 48 * 3; i++)
    total += abs ((gint) out[i] - expected[i]);
  g_print ("YUV format %d: mean difference from the RGB card %.2f levels\n",
      format, total / (64 * 48 * 3));
  /* chroma at half resolution blurs colour edges: a few levels on average */
  ck_assert_msg (total / (64 * 48 * 3) < 4.0, "format %d: %.2f levels",
      format, total / (64 * 48 * 3));
  g_free (rgb.data);
  g_free (image.data);
  gbp_preprocessor_free (pp);
}
END_TEST

START_TEST (test_yuv_validation)
{
  guint8 pixels[64] = { 0 };
  GbpImage image = {.data = pixels,.width = 4,.height = 4,.stride = 4,
    .yuv_format = GBP_YUV_FORMAT_NV12
  };
  g_autoptr (GError) error = NULL;

  ck_assert (!gbp_image_validate (&image, &error));
  ck_assert_msg (strstr (error->message, "chroma") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  image.chroma[0] = pixels + 16;
  image.chroma_stride[0] = 3;
  ck_assert (!gbp_image_validate (&image, &error));
  g_clear_error (&error);
  image.chroma_stride[0] = 4;
  ck_assert (gbp_image_validate (&image, NULL));
  image.yuv_format = GBP_YUV_FORMAT_YUY2;
  ck_assert (!gbp_image_validate (&image, NULL));       /* 8 bytes a row */
  image.stride = 8;
  ck_assert (gbp_image_validate (&image, NULL));
  image.colorimetry.matrix = GBP_YUV_MATRIX_COUNT;
  ck_assert (!gbp_image_validate (&image, NULL));
}
END_TEST

static Suite *
resize_suite (void)
{
  Suite *s = suite_create ("resize");
  TCase *tc = gbp_test_tcase_add (s, "general", 300);

  tcase_add_loop_test (tc, test_matches_plain_pil, 0, G_N_ELEMENTS (sizes));
  tcase_add_loop_test (tc, test_yuv_uniform_colour, 0,
      G_N_ELEMENTS (yuv_formats));
  tcase_add_loop_test (tc, test_yuv_card_resizes_like_rgb, 0,
      G_N_ELEMENTS (yuv_formats));
  tcase_add_test (tc, test_yuv_validation);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (resize_suite ());
}
