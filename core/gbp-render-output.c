/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * [0,1] maps at the model's resolution -> output pixels: bilinear
 * resampling one output row at a time, then the mode's conversion to bytes.
 */
#include "gbp-render-private.h"

static void
sample_axis_clear (GbpSampleAxis * axis)
{
  g_clear_pointer (&axis->lo, g_free);
  g_clear_pointer (&axis->hi, g_free);
  g_clear_pointer (&axis->frac, g_free);
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
  axis->lo = g_new (guint, out_size);
  axis->hi = g_new (guint, out_size);
  axis->frac = g_new (gfloat, out_size);
  for (guint i = 0; i < out_size; i++) {
    gfloat src = MAX (scale * (i + 0.5f) - 0.5f, 0.0f);
    guint lo = MIN ((guint) src, in_size - 1);

    axis->lo[i] = lo;
    axis->hi[i] = lo + 1 < in_size ? lo + 1 : lo;
    axis->frac[i] = src - lo;
  }
}

void
gbp_resampler_clear (GbpResampler * resampler)
{
  sample_axis_clear (&resampler->columns);
  sample_axis_clear (&resampler->rows);
  g_clear_pointer (&resampler->row, g_free);
  g_clear_pointer (&resampler->cache[0], g_free);
  g_clear_pointer (&resampler->cache[1], g_free);
  resampler->row_size = 0;
}

void
gbp_resampler_prepare (GbpResampler * resampler, guint in_width,
    guint in_height, const GbpImage * out)
{
  gsize row_size = (gsize) 3 * out->width;

  sample_axis_prepare (&resampler->columns, in_width, out->width);
  sample_axis_prepare (&resampler->rows, in_height, out->height);
  if (row_size > resampler->row_size) {
    for (guint i = 0; i < 2; i++) {
      g_free (resampler->cache[i]);
      resampler->cache[i] = g_new (gfloat, row_size);
    }
    g_free (resampler->row);
    resampler->row = g_new (gfloat, row_size);
    resampler->row_size = row_size;
  }
  /* a new frame: nothing cached */
  resampler->cached[0] = resampler->cached[1] = -1;
}

/* Source row @source of each of the @planes planes of @map, resampled
 * horizontally; cached, without evicting source row @keep. */
static const gfloat *
horizontal_row (GbpResampler * resampler, const gfloat * map, guint planes,
    guint source, guint keep)
{
  const GbpSampleAxis *cols = &resampler->columns;
  const gsize plane = (gsize) cols->in_size * resampler->rows.in_size;
  guint slot;
  gfloat *row;

  for (slot = 0; slot < 2; slot++)
    if (resampler->cached[slot] == (gint) source)
      return resampler->cache[slot];
  slot = resampler->cached[0] == (gint) keep ? 1 : 0;
  row = resampler->cache[slot];
  for (guint p = 0; p < planes; p++) {
    const gfloat *in = map + p * plane + (gsize) source * cols->in_size;
    gfloat *dest = row + (gsize) p * cols->out_size;

    for (guint x = 0; x < cols->out_size; x++) {
      gfloat fx = cols->frac[x];

      dest[x] = in[cols->lo[x]] * (1.0f - fx) + in[cols->hi[x]] * fx;
    }
  }
  resampler->cached[slot] = source;
  return row;
}

/* Output row @y of each of the @planes planes of @map into
 * resampler->row, plane after plane. Horizontal then vertical
 * interpolation, the operations of torch's bilinear interpolate. */
static const gfloat *
resample_row (GbpResampler * resampler, const gfloat * map, guint planes,
    guint y)
{
  const GbpSampleAxis *rows = &resampler->rows;
  const gfloat *upper = horizontal_row (resampler, map, planes, rows->lo[y],
      rows->hi[y]);
  const gfloat *lower = horizontal_row (resampler, map, planes, rows->hi[y],
      rows->lo[y]);
  const gsize n = (gsize) planes * resampler->columns.out_size;
  gfloat fy = rows->frac[y];

  for (gsize i = 0; i < n; i++)
    resampler->row[i] = upper[i] * (1.0f - fy) + lower[i] * fy;
  return resampler->row;
}

static inline guint8
to_byte (gfloat v)
{
  /* truncation, as the reference's mul(255).byte() */
  return (guint8) (v * 255.0f);
}

/* The colormap index of @v: trunc(255 v) in 0..255, 0 for NaN. */
static inline guint
to_index (gfloat v)
{
  return v > 0.0f ? MIN ((guint) (v * 255.0f), 255) : 0;
}

void
gbp_render_write_colour (GbpResampler * resampler, const gfloat * map,
    GbpImage * out)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);

  for (guint y = 0; y < out->height; y++) {
    guint8 *pixel = out->data + y * out->stride;
    const gfloat *red = resample_row (resampler, map, 3, y);
    const gfloat *green = red + out->width;
    const gfloat *blue = green + out->width;

    for (guint x = 0; x < out->width; x++) {
      pixel[layout->red] = to_byte (red[x]);
      pixel[layout->green] = to_byte (green[x]);
      pixel[layout->blue] = to_byte (blue[x]);
      if (layout->pad >= 0)
        pixel[layout->pad] = 255;
      pixel += layout->bytes_per_pixel;
    }
  }
}

void
gbp_render_write_gray (GbpResampler * resampler, const gfloat * map,
    const guint8 (*lut)[3], GbpImage * out)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);

  for (guint y = 0; y < out->height; y++) {
    guint8 *pixel = out->data + y * out->stride;
    const gfloat *row = resample_row (resampler, map, 1, y);

    for (guint x = 0; x < out->width; x++) {
      guint index = to_index (row[x]);

      if (lut != NULL) {
        pixel[layout->red] = lut[index][0];
        pixel[layout->green] = lut[index][1];
        pixel[layout->blue] = lut[index][2];
      } else {
        pixel[layout->red] = pixel[layout->green] = pixel[layout->blue] =
            (guint8) index;
      }
      if (layout->pad >= 0)
        pixel[layout->pad] = 255;
      pixel += layout->bytes_per_pixel;
    }
  }
}

void
gbp_render_write_overlay (GbpResampler * resampler, const gfloat * map,
    const guint8 (*lut)[3], gfloat alpha, const GbpImage * frame,
    GbpImage * out)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);
  const GbpPixelLayout *in = gbp_pixel_format_get_layout (frame->format);
  const gfloat keep = 1.0f - alpha;

  for (guint y = 0; y < out->height; y++) {
    const guint8 *source = frame->data + y * frame->stride;
    guint8 *pixel = out->data + y * out->stride;
    const gfloat *row = resample_row (resampler, map, 1, y);

    for (guint x = 0; x < out->width; x++) {
      const guint8 *heat = lut[to_index (row[x])];
      /* read the whole frame pixel first: @frame may be @out */
      gfloat r = source[in->red], g = source[in->green], b = source[in->blue];

      pixel[layout->red] = (guint8) (alpha * heat[0] + keep * r + 0.5f);
      pixel[layout->green] = (guint8) (alpha * heat[1] + keep * g + 0.5f);
      pixel[layout->blue] = (guint8) (alpha * heat[2] + keep * b + 0.5f);
      if (layout->pad >= 0)
        pixel[layout->pad] = 255;
      source += in->bytes_per_pixel;
      pixel += layout->bytes_per_pixel;
    }
  }
}
