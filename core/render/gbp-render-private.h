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
#include "gbp-yuv.h"

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

/* gbp-render-output.c: resampling the map to the output, row by row, on
 * the renderer's threads. */

/* Bilinear sampling positions along one axis, half-pixel centres (as
 * torch's interpolate with align_corners=False): output i is
 * in[lo[i]] * w0[i] + in[hi[i]] * w1[i], w0 = 1 - w1. */
typedef struct {
  guint in_size;
  guint out_size;
  gint32 *lo;
  gint32 *hi;
  gfloat *w0;
  gfloat *w1;
} GbpSampleAxis;

/* One thread's rows: two source rows resampled horizontally (cached
 * between output rows), and two output rows, for the 4:2:0 formats' row
 * pairs, as floats then as planar R, G, B bytes. */
typedef struct {
  gfloat *cache[2];
  gint cached[2];               /* their source row index, -1 for none */
  gfloat *values[2];            /* 5 x width + 5 floats: 3 planes, or YUV work */
  guint8 *rgb[2];               /* 3 x width bytes: R, G, B planes */
} GbpResamplePart;

typedef struct {
  GbpSampleAxis columns;
  GbpSampleAxis rows;
  guint num_threads;
  gsize width;                  /* output width the parts are sized for */
  GbpResamplePart *parts;       /* num_threads of them */
} GbpResampler;

/* What the pixels of a resampled map become. */
typedef enum {
  GBP_PAINT_COLOUR,             /* 3 planes: trunc(255 v) as R, G, B */
  GBP_PAINT_GRAY,               /* 1 plane: trunc(255 v) as a gray level */
  GBP_PAINT_COLORMAP,           /* 1 plane: the lut colour of that level */
} GbpPaintKind;

typedef struct {
  GbpPaintKind kind;
  const guint8 (*lut)[3];       /* GBP_PAINT_COLORMAP */
  /* with a frame: round(alpha * colour + (1 - alpha) * frame) */
  const GbpImage *frame;
  gfloat alpha;
  GbpYuvCoefficients yuv;       /* a YUV output's */
} GbpPaint;

void gbp_resampler_clear (GbpResampler * resampler);

/* Renders on @num_threads threads from now on (default 1). */
void gbp_resampler_set_num_threads (GbpResampler * resampler,
    guint num_threads);

/* Makes @resampler map @in_width x @in_height to @out's size; allocates
 * only when a size changed. */
void gbp_resampler_prepare (GbpResampler * resampler, guint in_width,
    guint in_height, const GbpImage * out);

/* Resamples @map (1 plane, or 3 for GBP_PAINT_COLOUR) to @out's size and
 * writes it as @paint says, in @out's format. @paint->frame, if any, has
 * @out's size and format family (RGB or the same YUV layout); it may be
 * @out itself. */
void gbp_render_write (GbpResampler * resampler, const gfloat * map,
    const GbpPaint * paint, GbpImage * out);

/* gbp-render-pixels.c: painted rows -> pixels of each format. */

/* Row @y of @out (an RGB-family format) from planar R, G, B bytes, blended
 * over row @y of @paint->frame when there is one. */
void gbp_render_store_rgb (const GbpPaint * paint, const guint8 * rgb,
    guint y, GbpImage * out);

/* Luma row @y, and the chroma row it (and @y + 1 for 4:2:0, given in
 * @rgb_next, NULL past the last row) contributes to, of a YUV @out from
 * planar R, G, B bytes; blended over @paint->frame when there is one.
 * YUY2 rows are written one at a time (@rgb_next unused). @work holds
 * 5 x width + 5 floats. */
void gbp_render_store_yuv (const GbpPaint * paint, const guint8 * rgb,
    const guint8 * rgb_next, guint y, gfloat * work, GbpImage * out);

G_END_DECLS
