/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Rendering stages shared by the gbp-render*.c files (internal).
 */
#pragma once

#include <glib.h>
#include "guidedbp/gbp-image.h"
#include "guidedbp/gbp-render.h"

G_BEGIN_DECLS

#define GBP_N_RENDER_MODES (GBP_RENDER_GUIDED_GRADCAM_GRAY + 1)

/* gbp-render-maps.c: a mode's [0,1] map at the gradient's resolution. */

/* 3 for the colour modes, 1 for the gray and colormapped ones. */
guint gbp_render_map_planes (GbpRenderMode mode);

/* The size of @mode's map: Grad-CAM's for gradcam, else the gradient's. */
void gbp_render_map_size (GbpRenderMode mode, const GbpSaliency * saliency,
    guint * width, guint * height);

/* Floats of scratch space gbp_render_map_compute() needs for a gradient
 * plane of @plane floats. */
#define GBP_RENDER_SCRATCH_PLANES 5

/* Computes @mode's map of @saliency into @map (gbp_render_map_planes()
 * planes of the map size). @scratch holds GBP_RENDER_SCRATCH_PLANES planes
 * of the gradient's size, overwritten. */
void gbp_render_map_compute (GbpRenderMode mode, const GbpSaliency * saliency,
    gfloat * map, gfloat * scratch);

/* The value at position @q * (n - 1) of the sorted @values, interpolated
 * linearly between neighbours (numpy's default percentile). Reorders
 * @values; @n >= 1. */
gfloat gbp_render_quantile (gfloat * values, gsize n, gdouble q);

/* gbp-render-output.c: resampling and writing pixels. */

/* Bilinear sampling positions along one axis, half-pixel centres (as
 * torch's interpolate with align_corners=False). */
typedef struct {
  guint in_size;
  guint out_size;
  guint *lo;
  guint *hi;
  gfloat *frac;
} GbpSampleAxis;

typedef struct {
  GbpSampleAxis columns;
  GbpSampleAxis rows;
  gsize row_size;               /* floats per row buffer: 3 * output width */
  gfloat *row;                  /* the output row being written, per plane */
  gfloat *cache[2];             /* two source rows resampled horizontally */
  gint cached[2];               /* their source row index, -1 for none */
} GbpResampler;

void gbp_resampler_clear (GbpResampler * resampler);

/* Makes @resampler map @in_width x @in_height to @out's size; allocates
 * only when a size changed. */
void gbp_resampler_prepare (GbpResampler * resampler, guint in_width,
    guint in_height, const GbpImage * out);

/* @map: 3 planes; writes trunc(255 v) of each plane to R, G, B. */
void gbp_render_write_colour (GbpResampler * resampler, const gfloat * map,
    GbpImage * out);

/* @map: 1 plane; with @lut NULL writes the gray level trunc(255 v) to R,
 * G and B, else the colour @lut[trunc(255 v)]. */
void gbp_render_write_gray (GbpResampler * resampler, const gfloat * map,
    const guint8 (*lut)[3], GbpImage * out);

/* @map: 1 plane; writes round(@alpha * @lut[trunc(255 v)] +
 * (1 - @alpha) * @frame pixel). @frame has @out's size; it may be @out. */
void gbp_render_write_overlay (GbpResampler * resampler, const gfloat * map,
    const guint8 (*lut)[3], gfloat alpha, const GbpImage * frame,
    GbpImage * out);

G_END_DECLS
