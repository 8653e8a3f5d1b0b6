/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reference resizes with PIL, so to give the model the same pixels we
 * follow PIL's separable resampling: per output pixel a window of input
 * pixels weighted by a triangle filter (widened by the scale factor when
 * shrinking, which is PIL's antialiasing), weights normalized and turned
 * into 22-bit fixed point, horizontal pass first, rounding to 8 bits after
 * each pass. The tables depend only on the sizes and are kept between
 * frames; no buffer is allocated per frame unless the frame size changes.
 */
#include "gbp-preprocess.h"

#include <math.h>
#include <string.h>

#define PRECISION_BITS (32 - 8 - 2)

/* Weights of one axis: output i reads taps [first[i], first[i] + count[i]). */
typedef struct {
  guint in_size;
  guint out_size;
  guint taps;                   /* stride of weights between outputs */
  guint *first;
  guint *count;
  gint32 *weights;
} ResampleAxis;

struct _GbpPreprocessor {
  guint out_width;
  guint out_height;
  gfloat normalized[3][256];    /* byte value -> normalized float, per channel */

  ResampleAxis horizontal;
  ResampleAxis vertical;

  guint8 *rows;                 /* in_height x out_width RGB */
  gsize rows_size;
  guint8 *resized;              /* out_height x out_width RGB */
};

static gdouble
triangle (gdouble x)
{
  x = fabs (x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

static void
resample_axis_clear (ResampleAxis * axis)
{
  g_clear_pointer (&axis->first, g_free);
  g_clear_pointer (&axis->count, g_free);
  g_clear_pointer (&axis->weights, g_free);
  axis->in_size = axis->out_size = 0;
}

/* Fills @axis for @in_size -> @out_size unless it already holds them. */
static void
resample_axis_prepare (ResampleAxis * axis, guint in_size, guint out_size)
{
  gdouble scale, filter_scale, support;
  gdouble *raw;

  if (axis->in_size == in_size && axis->out_size == out_size)
    return;
  resample_axis_clear (axis);

  scale = (gdouble) in_size / out_size;
  filter_scale = MAX (scale, 1.0);
  support = filter_scale;       /* the triangle's support is 1 */
  axis->in_size = in_size;
  axis->out_size = out_size;
  axis->taps = (guint) ceil (support) * 2 + 1;
  axis->first = g_new (guint, out_size);
  axis->count = g_new (guint, out_size);
  axis->weights = g_new0 (gint32, (gsize) out_size * axis->taps);
  raw = g_new (gdouble, axis->taps);

  for (guint i = 0; i < out_size; i++) {
    gdouble center = (i + 0.5) * scale;
    gdouble sum = 0.0;
    /* PIL truncates toward zero here; the casts reproduce that */
    gint lo = (gint) (center - support + 0.5);
    gint hi = (gint) (center + support + 0.5);

    lo = MAX (lo, 0);
    hi = MIN (hi, (gint) in_size);
    axis->first[i] = lo;
    axis->count[i] = hi - lo;
    for (gint k = 0; k < hi - lo; k++) {
      raw[k] = triangle ((k + lo - center + 0.5) / filter_scale);
      sum += raw[k];
    }
    for (gint k = 0; k < hi - lo; k++) {
      gdouble w = sum != 0.0 ? raw[k] / sum : raw[k];
      gdouble fixed = w * (1 << PRECISION_BITS);
      axis->weights[(gsize) i * axis->taps + k] =
          (gint32) (w < 0 ? fixed - 0.5 : fixed + 0.5);
    }
  }
  g_free (raw);
}

static inline guint8
clip8 (gint32 acc)
{
  gint32 v = acc >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* One output sample: @src points at the first tap, @step bytes apart. */
static inline guint8
resample_tap_sum (const ResampleAxis * axis, guint i, const guint8 * src,
    gsize step)
{
  const gint32 *w = axis->weights + (gsize) i * axis->taps;
  gint32 acc = 1 << (PRECISION_BITS - 1);

  for (guint k = 0; k < axis->count[i]; k++)
    acc += src[k * step] * w[k];
  return clip8 (acc);
}

/* Input rows -> rows of out_width RGB pixels (resampled or just unpacked). */
static void
horizontal_pass (GbpPreprocessor * pp, const GbpImage * image)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (image->format);
  const guint offsets[3] = { layout->red, layout->green, layout->blue };
  const guint bpp = layout->bytes_per_pixel;
  gboolean resample = image->width != pp->out_width;

  for (guint y = 0; y < image->height; y++) {
    const guint8 *in = image->data + y * image->stride;
    guint8 *out = pp->rows + (gsize) y * pp->out_width * 3;

    for (guint x = 0; x < pp->out_width; x++) {
      for (guint c = 0; c < 3; c++) {
        out[x * 3 + c] = resample ?
            resample_tap_sum (&pp->horizontal, x,
            in + (gsize) pp->horizontal.first[x] * bpp + offsets[c], bpp) :
            in[(gsize) x * bpp + offsets[c]];
      }
    }
  }
}

static void
vertical_pass (GbpPreprocessor * pp, guint in_height)
{
  const gsize row_bytes = (gsize) pp->out_width * 3;

  if (in_height == pp->out_height) {
    memcpy (pp->resized, pp->rows, row_bytes * pp->out_height);
    return;
  }
  for (guint y = 0; y < pp->out_height; y++) {
    const guint8 *in = pp->rows + pp->vertical.first[y] * row_bytes;
    guint8 *out = pp->resized + y * row_bytes;

    for (gsize i = 0; i < row_bytes; i++)
      out[i] = resample_tap_sum (&pp->vertical, y, in + i, row_bytes);
  }
}

GbpPreprocessor *
gbp_preprocessor_new (guint out_width, guint out_height,
    const gfloat mean[3], const gfloat std[3])
{
  GbpPreprocessor *pp;

  g_return_val_if_fail (out_width > 0 && out_height > 0, NULL);

  pp = g_new0 (GbpPreprocessor, 1);
  pp->out_width = out_width;
  pp->out_height = out_height;
  pp->resized = g_malloc ((gsize) out_width * out_height * 3);
  /* the same float operations as ToTensor then Normalize */
  for (guint c = 0; c < 3; c++)
    for (guint v = 0; v < 256; v++)
      pp->normalized[c][v] = ((gfloat) v / 255.0f - mean[c]) / std[c];
  return pp;
}

void
gbp_preprocessor_free (GbpPreprocessor * pp)
{
  if (pp == NULL)
    return;
  resample_axis_clear (&pp->horizontal);
  resample_axis_clear (&pp->vertical);
  g_free (pp->rows);
  g_free (pp->resized);
  g_free (pp);
}

const guint8 *
gbp_preprocessor_resize (GbpPreprocessor * pp, const GbpImage * image)
{
  gsize rows_size = (gsize) image->height * pp->out_width * 3;

  if (rows_size > pp->rows_size) {
    g_free (pp->rows);
    pp->rows = g_malloc (rows_size);
    pp->rows_size = rows_size;
  }
  resample_axis_prepare (&pp->horizontal, image->width, pp->out_width);
  resample_axis_prepare (&pp->vertical, image->height, pp->out_height);

  horizontal_pass (pp, image);
  vertical_pass (pp, image->height);
  return pp->resized;
}

void
gbp_preprocessor_run (GbpPreprocessor * pp, const GbpImage * image,
    gfloat * out)
{
  const guint8 *rgb = gbp_preprocessor_resize (pp, image);
  const gsize plane = (gsize) pp->out_width * pp->out_height;

  for (gsize i = 0; i < plane; i++)
    for (guint c = 0; c < 3; c++)
      out[c * plane + i] = pp->normalized[c][rgb[i * 3 + c]];
}
