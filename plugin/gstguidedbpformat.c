/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpformat.h"

static const struct
{
  GstVideoFormat video;
  GbpPixelFormat pixel;
  GbpYuvFormat yuv;
} formats[] = {
  {GST_VIDEO_FORMAT_RGB, GBP_PIXEL_FORMAT_RGB, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_BGR, GBP_PIXEL_FORMAT_BGR, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_RGBA, GBP_PIXEL_FORMAT_RGBA, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_BGRA, GBP_PIXEL_FORMAT_BGRA, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_RGBx, GBP_PIXEL_FORMAT_RGBX, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_BGRx, GBP_PIXEL_FORMAT_BGRX, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_xRGB, GBP_PIXEL_FORMAT_XRGB, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_xBGR, GBP_PIXEL_FORMAT_XBGR, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_ARGB, GBP_PIXEL_FORMAT_ARGB, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_ABGR, GBP_PIXEL_FORMAT_ABGR, GBP_YUV_FORMAT_NONE},
  {GST_VIDEO_FORMAT_NV12, GBP_PIXEL_FORMAT_RGB, GBP_YUV_FORMAT_NV12},
  {GST_VIDEO_FORMAT_I420, GBP_PIXEL_FORMAT_RGB, GBP_YUV_FORMAT_I420},
  {GST_VIDEO_FORMAT_YUY2, GBP_PIXEL_FORMAT_RGB, GBP_YUV_FORMAT_YUY2},
};

static gint
format_index (GstVideoFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].video == format)
      return i;
  return -1;
}

gboolean
gst_guided_bp_format_is_supported (GstVideoFormat format)
{
  return format_index (format) >= 0;
}

/* The caps' colorimetry. GstVideoInfo already holds GStreamer's default
 * for caps that give none (BT.601 for SD sizes, BT.709 for HD). */
static GbpYuvColorimetry
colorimetry_from_info (const GstVideoInfo * info)
{
  const GstVideoColorimetry *c = &GST_VIDEO_INFO_COLORIMETRY (info);
  GstVideoChromaSite site = GST_VIDEO_INFO_CHROMA_SITE (info);
  GbpYuvColorimetry yuv = { 0 };

  switch (c->matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT709:
      yuv.matrix = GBP_YUV_MATRIX_BT709;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
      yuv.matrix = GBP_YUV_MATRIX_BT2020;
      break;
    case GST_VIDEO_COLOR_MATRIX_SMPTE240M:
      yuv.matrix = GBP_YUV_MATRIX_SMPTE240M;
      break;
    case GST_VIDEO_COLOR_MATRIX_FCC:
      yuv.matrix = GBP_YUV_MATRIX_FCC;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT601:
    default:
      yuv.matrix = GBP_YUV_MATRIX_BT601;
      break;
  }
  yuv.full_range = c->range == GST_VIDEO_COLOR_RANGE_0_255;
  yuv.chroma_h_cosited = (site & GST_VIDEO_CHROMA_SITE_H_COSITED) != 0;
  yuv.chroma_v_cosited = (site & GST_VIDEO_CHROMA_SITE_V_COSITED) != 0;
  return yuv;
}

gboolean
gst_guided_bp_image_from_frame (const GstVideoFrame * frame, GbpImage * image)
{
  gint index = format_index (GST_VIDEO_FRAME_FORMAT (frame));

  if (index < 0)
    return FALSE;

  *image = (GbpImage) {
    .data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0),
    .width = GST_VIDEO_FRAME_WIDTH (frame),
    .height = GST_VIDEO_FRAME_HEIGHT (frame),
    .stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0),
    .format = formats[index].pixel,
    .yuv_format = formats[index].yuv,
  };
  if (image->yuv_format == GBP_YUV_FORMAT_NONE)
    return TRUE;

  image->colorimetry = colorimetry_from_info (&frame->info);
  for (guint p = 1; p < GST_VIDEO_FRAME_N_PLANES (frame) && p < 3; p++) {
    image->chroma[p - 1] = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
    image->chroma_stride[p - 1] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
  }
  return TRUE;
}
