/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * [0,1] maps at the model's resolution -> output pixels: bilinear
 * resampling one output row at a time, then the mode's bytes (planar R, G,
 * B), then the output's format (gbp-render-pixels.c). Bands of output rows
 * run on the renderer's threads, each with its own row buffers; nothing is
 * allocated once the sizes are known. The loops are plain arithmetic over
 * rows that GCC vectorizes (gbp-vector.h), computed in the order and with
 * the float operations of torch's interpolate, so every thread count and
 * every vector width gives the same bytes.
 */
#include "gbp-render-private.h"

#include "gbp-parallel.h"
#include "gbp-vector.h"

/* output rows (row pairs for 4:2:0) per part at least */
#define ROWS_GRAIN 8

static void
sample_axis_clear (GbpSampleAxis * axis)
{
  g_clear_pointer (&axis->lo, g_free);
  g_clear_pointer (&axis->hi, g_free);
  g_clear_pointer (&axis->w0, g_free);
  g_clear_pointer (&axis->w1, g_free);
  axis->in_size = axis->out_size = 0;
}

static void
sample_axis_prepare (GbpSampleAxis * axis, guint in_size, guint out_size)
{
  gfloat scale = (gfloat) in_size / (gfloat) out_size;

  if (axis->in_size == in_size && axis->out_size == out_size)
    return;
  sample_axis_clear (axis);
  axis->in_size = in_size;
  axis->out_size = out_size;
  axis->lo = g_new (gint32, out_size);
  axis->hi = g_new (gint32, out_size);
  axis->w0 = g_new (gfloat, out_size);
  axis->w1 = g_new (gfloat, out_size);
  for (guint i = 0; i < out_size; i++) {
    gfloat src = MAX (scale * (i + 0.5f) - 0.5f, 0.0f);
    guint lo = MIN ((guint) src, in_size - 1);
    gfloat frac = src - lo;

    axis->lo[i] = lo;
    axis->hi[i] = lo + 1 < in_size ? lo + 1 : lo;
    axis->w0[i] = 1.0f - frac;
    axis->w1[i] = frac;
  }
}

static void
free_parts (GbpResampler * resampler)
{
  for (guint t = 0; resampler->parts != NULL && t < resampler->num_threads;
      t++) {
    GbpResamplePart *part = &resampler->parts[t];

    for (guint i = 0; i < 2; i++) {
      g_free (part->cache[i]);
      g_free (part->values[i]);
      g_free (part->rgb[i]);
    }
  }
  g_clear_pointer (&resampler->parts, g_free);
  resampler->width = 0;
}

void
gbp_resampler_clear (GbpResampler * resampler)
{
  sample_axis_clear (&resampler->columns);
  sample_axis_clear (&resampler->rows);
  free_parts (resampler);
}

void
gbp_resampler_set_num_threads (GbpResampler * resampler, guint num_threads)
{
  num_threads = MAX (num_threads, 1);
  if (num_threads == MAX (resampler->num_threads, 1))
    return;
  free_parts (resampler);
  resampler->num_threads = num_threads;
}

void
gbp_resampler_prepare (GbpResampler * resampler, guint in_width,
    guint in_height, const GbpImage * out)
{
  resampler->num_threads = MAX (resampler->num_threads, 1);
  sample_axis_prepare (&resampler->columns, in_width, out->width);
  sample_axis_prepare (&resampler->rows, in_height, out->height);
  if (out->width > resampler->width) {
    free_parts (resampler);
    resampler->parts = g_new0 (GbpResamplePart, resampler->num_threads);
    for (guint t = 0; t < resampler->num_threads; t++) {
      GbpResamplePart *part = &resampler->parts[t];

      for (guint i = 0; i < 2; i++) {
        part->cache[i] = g_new (gfloat, (gsize) 3 * out->width);
        part->values[i] = g_new (gfloat, (gsize) 5 * out->width + 5);
        part->rgb[i] = g_new (guint8, (gsize) 3 * out->width);
      }
    }
    resampler->width = out->width;
  }
}

/* dest[x] = in[lo[x]] * w0[x] + in[hi[x]] * w1[x]: gathers, which the
 * AVX2 and AVX-512 copies vectorize. */
GBP_VECTOR_CLONES static void
sample_columns (const GbpSampleAxis * cols, const gfloat * restrict in,
    gfloat * restrict dest)
{
  const gint32 *restrict lo = cols->lo, *restrict hi = cols->hi;
  const gfloat *restrict w0 = cols->w0, *restrict w1 = cols->w1;

  for (guint x = 0; x < cols->out_size; x++)
    dest[x] = in[lo[x]] * w0[x] + in[hi[x]] * w1[x];
}

/* Source row @source of each of the @planes planes of @map, resampled
 * horizontally; cached in @part, without evicting source row @keep. */
static const gfloat *
horizontal_row (const GbpResampler * resampler, GbpResamplePart * part,
    const gfloat * map, guint planes, guint source, guint keep)
{
  const GbpSampleAxis *cols = &resampler->columns;
  const gsize plane = (gsize) cols->in_size * resampler->rows.in_size;
  guint slot;
  gfloat *row;

  for (slot = 0; slot < 2; slot++)
    if (part->cached[slot] == (gint) source)
      return part->cache[slot];
  slot = part->cached[0] == (gint) keep ? 1 : 0;
  row = part->cache[slot];
  for (guint p = 0; p < planes; p++)
    sample_columns (cols, map + p * plane + (gsize) source * cols->in_size,
        row + (gsize) p * cols->out_size);
  part->cached[slot] = source;
  return row;
}

GBP_VECTOR_CLONES static void
blend_rows (const gfloat * restrict upper, const gfloat * restrict lower,
    gfloat w0, gfloat w1, gsize n, gfloat * restrict out)
{
  for (gsize i = 0; i < n; i++)
    out[i] = upper[i] * w0 + lower[i] * w1;
}

/* Output row @y of each of the @planes planes of @map into @values, plane
 * after plane: horizontal then vertical interpolation, the operations of
 * torch's bilinear interpolate. */
static void
resample_row (const GbpResampler * resampler, GbpResamplePart * part,
    const gfloat * map, guint planes, guint y, gfloat * values)
{
  const GbpSampleAxis *rows = &resampler->rows;
  const gfloat *upper = horizontal_row (resampler, part, map, planes,
      rows->lo[y], rows->hi[y]);
  const gfloat *lower = horizontal_row (resampler, part, map, planes,
      rows->hi[y], rows->lo[y]);

  blend_rows (upper, lower, rows->w0[y], rows->w1[y],
      (gsize) planes * resampler->columns.out_size, values);
}

/* trunc(255 v), as the reference's mul(255).byte(), for v in [0, 1] */
GBP_VECTOR_CLONES static void
colour_bytes (const gfloat * restrict values, gsize n, guint8 * restrict rgb)
{
  for (gsize i = 0; i < n; i++)
    rgb[i] = (guint8) (gint32) (values[i] * 255.0f);
}

/* The gray level trunc(255 v) in 0..255, 0 for NaN. */
static inline guint
to_index (gfloat v)
{
  return v > 0.0f ? MIN ((guint) (v * 255.0f), 255) : 0;
}

/* One output row's values -> planar R, G, B bytes of @width pixels. */
static void
paint_row (const GbpPaint * paint, const gfloat * values, guint width,
    guint8 * rgb)
{
  guint8 *r = rgb, *g = rgb + width, *b = rgb + 2 * (gsize) width;

  switch (paint->kind) {
    case GBP_PAINT_COLOUR:
      colour_bytes (values, (gsize) 3 * width, rgb);
      break;
    case GBP_PAINT_GRAY:
      for (guint x = 0; x < width; x++)
        r[x] = g[x] = b[x] = (guint8) to_index (values[x]);
      break;
    case GBP_PAINT_COLORMAP:
      for (guint x = 0; x < width; x++) {
        const guint8 *colour = paint->lut[to_index (values[x])];

        r[x] = colour[0];
        g[x] = colour[1];
        b[x] = colour[2];
      }
      break;
  }
}

typedef guint32 pixel_word __attribute__ ((may_alias));

/* The gradient modes straight into 4-byte pixels: the vertical blend of
 * the two cached rows, trunc(255 v) and the packing in one pass (the same
 * float operations as blend_rows, colour_bytes and the store). */
GBP_VECTOR_CLONES static void
colour_words (const gfloat * restrict upper, const gfloat * restrict lower,
    gfloat w0, gfloat w1, guint width, guint rs, guint gs, guint bs,
    guint32 pad, pixel_word * restrict out)
{
  const gfloat *restrict ur = upper, *restrict ug = upper + width;
  const gfloat *restrict ub = upper + 2 * (gsize) width;
  const gfloat *restrict lr = lower, *restrict lg = lower + width;
  const gfloat *restrict lb = lower + 2 * (gsize) width;

  for (guint x = 0; x < width; x++) {
    guint32 r = (guint8) (gint32) ((ur[x] * w0 + lr[x] * w1) * 255.0f);
    guint32 g = (guint8) (gint32) ((ug[x] * w0 + lg[x] * w1) * 255.0f);
    guint32 b = (guint8) (gint32) ((ub[x] * w0 + lb[x] * w1) * 255.0f);

    out[x] = (r << rs) | (g << gs) | (b << bs) | pad;
  }
}

#define WORD_SHIFT(offset) (G_BYTE_ORDER == G_LITTLE_ENDIAN ? \
    8 * (offset) : 8 * (3 - (offset)))

/* Output row @y of a gradient-mode map into a 4-byte RGB-family @out
 * whose rows are 4-byte aligned. */
static void
write_colour_row (const GbpResampler * resampler, GbpResamplePart * part,
    const gfloat * map, guint y, GbpImage * out)
{
  const GbpSampleAxis *rows = &resampler->rows;
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);
  const gfloat *upper = horizontal_row (resampler, part, map, 3,
      rows->lo[y], rows->hi[y]);
  const gfloat *lower = horizontal_row (resampler, part, map, 3,
      rows->hi[y], rows->lo[y]);

  colour_words (upper, lower, rows->w0[y], rows->w1[y], out->width,
      WORD_SHIFT (layout->red), WORD_SHIFT (layout->green),
      WORD_SHIFT (layout->blue), 0xFFu << WORD_SHIFT (layout->pad),
      (pixel_word *) (out->data + (gsize) y * out->stride));
}

typedef struct {
  GbpResampler *resampler;
  const gfloat *map;
  const GbpPaint *paint;
  GbpImage *out;
  guint planes;
  guint rows_per_item;          /* 2 for the 4:2:0 formats */
  gboolean words;               /* colour straight into aligned 4-byte pixels */
} WriteJob;

static void
write_part (guint begin, guint end, guint index, gpointer data)
{
  const WriteJob *job = data;
  GbpResamplePart *part = &job->resampler->parts[index];
  GbpImage *out = job->out;
  const guint width = out->width;

  part->cached[0] = part->cached[1] = -1;
  for (guint item = begin; item < end; item++) {
    guint y = item * job->rows_per_item;
    guint rows = MIN (job->rows_per_item, out->height - y);

    if (job->words) {
      write_colour_row (job->resampler, part, job->map, y, out);
      continue;
    }

    for (guint i = 0; i < rows; i++) {
      resample_row (job->resampler, part, job->map, job->planes, y + i,
          part->values[i]);
      paint_row (job->paint, part->values[i], width, part->rgb[i]);
    }
    if (out->yuv_format == GBP_YUV_FORMAT_NONE)
      gbp_render_store_rgb (job->paint, part->rgb[0], y, out);
    else
      gbp_render_store_yuv (job->paint, part->rgb[0],
          rows > 1 ? part->rgb[1] : NULL, y, part->values[0], out);
  }
}

void
gbp_render_write (GbpResampler * resampler, const gfloat * map,
    const GbpPaint * paint, GbpImage * out)
{
  gboolean pairs = out->yuv_format == GBP_YUV_FORMAT_NV12
      || out->yuv_format == GBP_YUV_FORMAT_I420;
  WriteJob job = {
    .resampler = resampler,
    .map = map,
    .paint = paint,
    .out = out,
    .planes = paint->kind == GBP_PAINT_COLOUR ? 3 : 1,
    .rows_per_item = pairs ? 2 : 1,
  };
  guint items = (out->height + job.rows_per_item - 1) / job.rows_per_item;

  job.words = paint->kind == GBP_PAINT_COLOUR && paint->frame == NULL
      && out->yuv_format == GBP_YUV_FORMAT_NONE
      && gbp_pixel_format_get_layout (out->format)->bytes_per_pixel == 4
      && ((guintptr) out->data | out->stride) % 4 == 0;

  gbp_parallel_for (resampler->num_threads, items, ROWS_GRAIN, write_part,
      &job);
}
