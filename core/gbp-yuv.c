/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-yuv.h"

/* Kr and Kb of each matrix, as GStreamer's gst_video_color_matrix_get_Kr_Kb
 * gives them. */
static const gdouble luma_coefficients[GBP_YUV_MATRIX_COUNT][2] = {
  [GBP_YUV_MATRIX_BT601] = {0.299, 0.114},
  [GBP_YUV_MATRIX_BT709] = {0.2126, 0.0722},
  [GBP_YUV_MATRIX_BT2020] = {0.2627, 0.0593},
  [GBP_YUV_MATRIX_SMPTE240M] = {0.212, 0.087},
  [GBP_YUV_MATRIX_FCC] = {0.30, 0.11},
};

void
gbp_yuv_coefficients_init (GbpYuvCoefficients * c,
    const GbpYuvColorimetry * colorimetry)
{
  guint matrix = MIN ((guint) colorimetry->matrix, GBP_YUV_MATRIX_COUNT - 1);
  gdouble kr = luma_coefficients[matrix][0];
  gdouble kb = luma_coefficients[matrix][1];
  gdouble kg = 1.0 - kr - kb;

  c->kr = kr;
  c->kg = kg;
  c->kb = kb;
  c->r_v = 2.0 * (1.0 - kr);
  c->b_u = 2.0 * (1.0 - kb);
  c->g_u = -2.0 * kb * (1.0 - kb) / kg;
  c->g_v = -2.0 * kr * (1.0 - kr) / kg;
  /* 8 bits: studio range 16 + 219 Y', 128 + 224 Pb; full range 255 Y',
   * 128 + 255 Pb, as GStreamer's gst_video_color_range_offsets */
  c->y_offset = colorimetry->full_range ? 0.0f : 16.0f;
  c->y_scale = colorimetry->full_range ? 255.0f : 219.0f;
  c->c_scale = colorimetry->full_range ? 255.0f : 224.0f;
}

void
gbp_yuv_subsampling (GbpYuvFormat format, guint * x_step, guint * y_step)
{
  switch (format) {
    case GBP_YUV_FORMAT_NV12:
    case GBP_YUV_FORMAT_I420:
      *x_step = 2;
      *y_step = 2;
      break;
    case GBP_YUV_FORMAT_YUY2:
      *x_step = 2;
      *y_step = 1;
      break;
    case GBP_YUV_FORMAT_NONE:
    default:
      *x_step = 1;
      *y_step = 1;
      break;
  }
}

void
gbp_yuv_chroma_size (GbpYuvFormat format, guint width, guint height,
    guint * chroma_width, guint * chroma_height)
{
  guint x_step, y_step;

  gbp_yuv_subsampling (format, &x_step, &y_step);
  *chroma_width = (width + x_step - 1) / x_step;
  *chroma_height = (height + y_step - 1) / y_step;
}
