/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The render modes' maps: gradient -> [0,1] floats at the model's
 * resolution. The rules are documented with GbpRenderMode.
 */
#include "gbp-render-private.h"

#include <math.h>

#define GRAY_PERCENTILE 0.99

guint
gbp_render_map_planes (GbpRenderMode mode)
{
  switch (mode) {
    case GBP_RENDER_GRAY:
    case GBP_RENDER_HEATMAP:
    case GBP_RENDER_OVERLAY:
    case GBP_RENDER_GRADCAM:
    case GBP_RENDER_GUIDED_GRADCAM_GRAY:
      return 1;
    case GBP_RENDER_GRADIENT:
    case GBP_RENDER_POSITIVE:
    case GBP_RENDER_NEGATIVE:
    case GBP_RENDER_GUIDED_GRADCAM:
    default:
      return 3;
  }
}

void
gbp_render_map_size (GbpRenderMode mode, const GbpSaliency * saliency,
    guint * width, guint * height)
{
  gboolean cam = mode == GBP_RENDER_GRADCAM;

  *width = cam ? saliency->cam_width : saliency->width;
  *height = cam ? saliency->cam_height : saliency->height;
}

/* The reference normalization: (g - mean) / std * 0.1 + 0.5, clipped,
 * with the unbiased std over all three planes. */
static void
map_gradient (const gfloat * gradient, gsize n, gfloat * map)
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

static inline void
swap (gfloat * a, gsize i, gsize j)
{
  gfloat t = a[i];

  a[i] = a[j];
  a[j] = t;
}

/* Reorders @a so that a[k] is the k-th smallest value and every value
 * after it is >= a[k] (Hoare's selection, median-of-three pivot). */
static void
select_kth (gfloat * a, gsize n, gsize k)
{
  gsize left = 0, right = n - 1;

  while (left < right) {
    gsize mid = left + (right - left) / 2;
    gsize i = left, j = right;
    gfloat pivot;

    if (a[mid] < a[left])
      swap (a, mid, left);
    if (a[right] < a[left])
      swap (a, right, left);
    if (a[right] < a[mid])
      swap (a, right, mid);
    pivot = a[mid];

    /* a[left] <= pivot <= a[right] stop both scans inside the range */
    for (;;) {
      while (a[i] < pivot)
        i++;
      while (pivot < a[j])
        j--;
      if (i >= j)
        break;
      swap (a, i, j);
      i++;
      j--;
    }
    /* now a[left..j] <= pivot <= a[j+1..right] */
    if (k <= j)
      right = j;
    else
      left = j + 1;
  }
}

gfloat
gbp_render_quantile (gfloat * values, gsize n, gdouble q)
{
  gdouble position = q * (n - 1);
  gsize lo = (gsize) floor (position);
  gdouble frac = position - lo;
  gfloat low, high;

  g_return_val_if_fail (n >= 1, 0.0f);

  lo = MIN (lo, n - 1);
  select_kth (values, n, lo);
  low = high = values[lo];
  if (lo + 1 < n) {
    high = values[lo + 1];
    for (gsize i = lo + 2; i < n; i++)
      high = MIN (high, values[i]);
  }
  return (gfloat) (low + (high - (gdouble) low) * frac);
}

/* max |g| over the channels, / its 99th percentile (the maximum when that
 * is 0), clipped to [0,1]; all zeros stay zeros. */
static void
map_gray (const gfloat * gradient, gsize plane, gfloat * map,
    gfloat * scratch)
{
  gfloat scale, top = 0.0f;

  for (gsize i = 0; i < plane; i++) {
    gfloat r = fabsf (gradient[i]);
    gfloat g = fabsf (gradient[plane + i]);
    gfloat b = fabsf (gradient[2 * plane + i]);
    gfloat m = MAX (MAX (r, g), b);

    map[i] = scratch[i] = m;
    top = MAX (top, m);
  }
  scale = gbp_render_quantile (scratch, plane, GRAY_PERCENTILE);
  if (!(scale > 0.0f))
    scale = top;
  if (!(scale > 0.0f)) {
    for (gsize i = 0; i < plane; i++)
      map[i] = 0.0f;
    return;
  }
  for (gsize i = 0; i < plane; i++)
    map[i] = MIN (map[i] / scale, 1.0f);
}

/* max(0, sign * g) / max(sign * g) over all planes; black when nothing is
 * on that side of zero. */
static void
map_signed (const gfloat * gradient, gsize n, gfloat sign, gfloat * map)
{
  gfloat top = 0.0f;

  for (gsize i = 0; i < n; i++)
    top = MAX (top, sign * gradient[i]);
  for (gsize i = 0; i < n; i++) {
    gfloat v = sign * gradient[i];

    map[i] = v > 0.0f ? v / top : 0.0f;
  }
}

/* Grad-CAM divided by its maximum; all zeros when it is 0 everywhere. */
static void
map_cam (const gfloat * cam, gsize n, gfloat * map)
{
  gfloat top = 0.0f;

  for (gsize i = 0; i < n; i++)
    top = MAX (top, cam[i]);
  for (gsize i = 0; i < n; i++)
    map[i] = top > 0.0f ? cam[i] / top : 0.0f;
}

/* One source coordinate of a bilinear resize with half-pixel centres, as
 * torch's interpolate(align_corners=False). */
static void
sample_position (guint i, guint in_size, guint out_size, guint * lo,
    guint * hi, gfloat * frac)
{
  gfloat src = MAX (((gfloat) in_size / out_size) * (i + 0.5f) - 0.5f, 0.0f);

  *lo = MIN ((guint) src, in_size - 1);
  *hi = *lo + 1 < in_size ? *lo + 1 : *lo;
  *frac = src - *lo;
}

static void
resize_plane (const gfloat * src, guint sw, guint sh, gfloat * dst, guint dw,
    guint dh)
{
  for (guint y = 0; y < dh; y++) {
    guint y0, y1;
    gfloat fy;

    sample_position (y, sh, dh, &y0, &y1, &fy);
    for (guint x = 0; x < dw; x++) {
      guint x0, x1;
      gfloat fx, top, bottom;

      sample_position (x, sw, dw, &x0, &x1, &fx);
      top = src[y0 * sw + x0] * (1.0f - fx) + src[y0 * sw + x1] * fx;
      bottom = src[y1 * sw + x0] * (1.0f - fx) + src[y1 * sw + x1] * fx;
      dst[(gsize) y * dw + x] = top * (1.0f - fy) + bottom * fy;
    }
  }
}

/* Guided Grad-CAM (Selvaraju et al.): the guided gradient weighted by the
 * normalized Grad-CAM map resized to the gradient's size, into @product
 * ([3, plane]); @cam_plane holds a plane. */
static void
guided_gradcam (const GbpSaliency * saliency, gfloat * product,
    gfloat * cam_plane)
{
  const gsize plane = (gsize) saliency->width * saliency->height;
  const gsize cam_n = (gsize) saliency->cam_width * saliency->cam_height;

  /* normalize in place in the first plane's room, then resize */
  map_cam (saliency->cam, cam_n, product);
  resize_plane (product, saliency->cam_width, saliency->cam_height, cam_plane,
      saliency->width, saliency->height);
  for (guint c = 0; c < 3; c++)
    for (gsize i = 0; i < plane; i++)
      product[c * plane + i] = saliency->gradient[c * plane + i] *
          cam_plane[i];
}

void
gbp_render_map_compute (GbpRenderMode mode, const GbpSaliency * saliency,
    gfloat * map, gfloat * scratch)
{
  const gsize plane = (gsize) saliency->width * saliency->height;
  const gfloat *gradient = saliency->gradient;

  switch (mode) {
    case GBP_RENDER_GRADIENT:
      map_gradient (gradient, 3 * plane, map);
      break;
    case GBP_RENDER_POSITIVE:
      map_signed (gradient, 3 * plane, 1.0f, map);
      break;
    case GBP_RENDER_NEGATIVE:
      map_signed (gradient, 3 * plane, -1.0f, map);
      break;
    case GBP_RENDER_GRADCAM:
      map_cam (saliency->cam, (gsize) saliency->cam_width *
          saliency->cam_height, map);
      break;
    case GBP_RENDER_GUIDED_GRADCAM:
      guided_gradcam (saliency, scratch, scratch + 3 * plane);
      map_gradient (scratch, 3 * plane, map);
      break;
    case GBP_RENDER_GUIDED_GRADCAM_GRAY:
      guided_gradcam (saliency, scratch, scratch + 3 * plane);
      map_gray (scratch, plane, map, scratch + 3 * plane);
      break;
    case GBP_RENDER_GRAY:
    case GBP_RENDER_HEATMAP:
    case GBP_RENDER_OVERLAY:
    default:
      map_gray (gradient, plane, map, scratch);
      break;
  }
}
