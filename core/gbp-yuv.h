/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: Y'CbCr <-> R'G'B' numbers of a GbpYuvColorimetry.
 */
#pragma once

#include <glib.h>
#include "guidedbp/gbp-image.h"

G_BEGIN_DECLS

/* With Y, U, V and R, G, B in bytes:
 *   Y' = (Y - y_offset) / y_scale, Pb = (U - 128) / c_scale,
 *   Pr = (V - 128) / c_scale (Y' in [0,1], Pb and Pr in [-0.5,0.5])
 *   R' = Y' + r_v Pr, G' = Y' + g_u Pb + g_v Pr, B' = Y' + b_u Pb
 * and back Y' = kr R' + kg G' + kb B', Pb = (B' - Y') / b_u,
 * Pr = (R' - Y') / r_v. */
typedef struct {
  gfloat kr, kg, kb;
  gfloat r_v, g_u, g_v, b_u;
  gfloat y_offset, y_scale, c_scale;
} GbpYuvCoefficients;

void gbp_yuv_coefficients_init (GbpYuvCoefficients * coefficients,
    const GbpYuvColorimetry * colorimetry);

/* Pixels per chroma sample of @format, across (@x_step) and down
 * (@y_step): 2x2 for NV12 and I420, 2x1 for YUY2, 1x1 for an RGB-family
 * image (GBP_YUV_FORMAT_NONE). */
void gbp_yuv_subsampling (GbpYuvFormat format, guint * x_step,
    guint * y_step);

/* Chroma width and height of a @width x @height image in @format. */
void gbp_yuv_chroma_size (GbpYuvFormat format, guint width, guint height,
    guint * chroma_width, guint * chroma_height);

G_END_DECLS
