/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Saliency -> pixels. The gradient is first mapped to a [0,1] map at the
 * model's resolution, then resampled to the frame: sampling 224x224 values
 * is cheaper than normalizing a 1080p field, and it is what the reference
 * image looks like when scaled.
 */
#include "guidedbp/gbp-render.h"

#include <math.h>
#include <string.h>

#include "guidedbp/gbp-error.h"

/* Bilinear sampling positions along one axis, half-pixel centres (as
 * torch's interpolate with align_corners=False). */
typedef struct {
  guint in_size;
  guint out_size;
  guint *lo;
  guint *hi;
  gfloat *frac;
} SampleAxis;

struct _GbpRenderer {
  gfloat *map;                  /* [3, h, w] in [0,1] */
  gsize map_size;
  SampleAxis columns;
  SampleAxis rows;
};

static void
sample_axis_clear (SampleAxis * axis)
{
  g_clear_pointer (&axis->lo, g_free);
  g_clear_pointer (&axis->hi, g_free);
  g_clear_pointer (&axis->frac, g_free);
  axis->in_size = axis->out_size = 0;
}

static void
sample_axis_prepare (SampleAxis * axis, guint in_size, guint out_size)
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

GbpRenderer *
gbp_renderer_new (void)
{
  return g_new0 (GbpRenderer, 1);
}

void
gbp_renderer_free (GbpRenderer * renderer)
{
  if (renderer == NULL)
    return;
  sample_axis_clear (&renderer->columns);
  sample_axis_clear (&renderer->rows);
  g_free (renderer->map);
  g_free (renderer);
}

/* The reference normalization: (g - mean) / std * 0.1 + 0.5, clipped. */
static void
normalize_gradient (const gfloat * gradient, gsize n, gfloat * map)
{
  gdouble sum = 0.0, sum_sq = 0.0, mean, std;

  for (gsize i = 0; i < n; i++)
    sum += gradient[i];
  mean = sum / n;
  for (gsize i = 0; i < n; i++)
    sum_sq += (gradient[i] - mean) * (gradient[i] - mean);
  std = n > 1 ? sqrt (sum_sq / (n - 1)) : 0.0;

  for (gsize i = 0; i < n; i++) {
    gfloat v = std > 0.0 ? (gfloat) ((gradient[i] - mean) / std) : 0.0f;

    map[i] = CLAMP (v * 0.1f + 0.5f, 0.0f, 1.0f);
  }
}

static inline guint8
to_byte (gfloat v)
{
  /* truncation, as the reference's mul(255).byte() */
  return (guint8) (v * 255.0f);
}

static void
write_pixels (GbpRenderer * renderer, guint map_width, guint map_height,
    GbpImage * out)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);
  const guint offsets[3] = { layout->red, layout->green, layout->blue };
  const gsize plane = (gsize) map_width * map_height;
  const SampleAxis *cols = &renderer->columns;
  const SampleAxis *rows = &renderer->rows;

  sample_axis_prepare (&renderer->columns, map_width, out->width);
  sample_axis_prepare (&renderer->rows, map_height, out->height);

  for (guint y = 0; y < out->height; y++) {
    guint8 *dest = out->data + y * out->stride;
    gfloat fy = rows->frac[y];

    for (guint x = 0; x < out->width; x++) {
      guint8 *pixel = dest + (gsize) x * layout->bytes_per_pixel;
      gfloat fx = cols->frac[x];

      for (guint c = 0; c < 3; c++) {
        const gfloat *top = renderer->map + c * plane + rows->lo[y] * map_width;
        const gfloat *bottom = renderer->map + c * plane
            + rows->hi[y] * map_width;
        gfloat upper = top[cols->lo[x]] * (1.0f - fx) + top[cols->hi[x]] * fx;
        gfloat lower = bottom[cols->lo[x]] * (1.0f - fx)
            + bottom[cols->hi[x]] * fx;

        pixel[offsets[c]] = to_byte (upper * (1.0f - fy) + lower * fy);
      }
      if (layout->pad >= 0)
        pixel[layout->pad] = 255;
    }
  }
}

gboolean
gbp_renderer_render_gradient (GbpRenderer * renderer,
    const GbpSaliency * saliency, GbpImage * out, GError ** error)
{
  gsize n;

  g_return_val_if_fail (renderer != NULL && saliency != NULL, FALSE);

  if (!gbp_image_validate (out, error))
    return FALSE;
  if (saliency->gradient == NULL || saliency->width < 1
      || saliency->height < 1) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "no saliency to render");
    return FALSE;
  }

  n = (gsize) 3 * saliency->width * saliency->height;
  if (n > renderer->map_size) {
    g_free (renderer->map);
    renderer->map = g_new (gfloat, n);
    renderer->map_size = n;
  }
  normalize_gradient (saliency->gradient, n, renderer->map);
  write_pixels (renderer, saliency->width, saliency->height, out);
  return TRUE;
}
