/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpformat.h"

gboolean
gst_guided_bp_pixel_format_from_video (GstVideoFormat format,
    GbpPixelFormat * pixel_format)
{
  switch (format) {
    case GST_VIDEO_FORMAT_RGB:
      *pixel_format = GBP_PIXEL_FORMAT_RGB;
      return TRUE;
    case GST_VIDEO_FORMAT_BGR:
      *pixel_format = GBP_PIXEL_FORMAT_BGR;
      return TRUE;
    case GST_VIDEO_FORMAT_RGBA:
      *pixel_format = GBP_PIXEL_FORMAT_RGBA;
      return TRUE;
    case GST_VIDEO_FORMAT_BGRA:
      *pixel_format = GBP_PIXEL_FORMAT_BGRA;
      return TRUE;
    case GST_VIDEO_FORMAT_RGBx:
      *pixel_format = GBP_PIXEL_FORMAT_RGBX;
      return TRUE;
    case GST_VIDEO_FORMAT_BGRx:
      *pixel_format = GBP_PIXEL_FORMAT_BGRX;
      return TRUE;
    case GST_VIDEO_FORMAT_xRGB:
      *pixel_format = GBP_PIXEL_FORMAT_XRGB;
      return TRUE;
    case GST_VIDEO_FORMAT_xBGR:
      *pixel_format = GBP_PIXEL_FORMAT_XBGR;
      return TRUE;
    case GST_VIDEO_FORMAT_ARGB:
      *pixel_format = GBP_PIXEL_FORMAT_ARGB;
      return TRUE;
    case GST_VIDEO_FORMAT_ABGR:
      *pixel_format = GBP_PIXEL_FORMAT_ABGR;
      return TRUE;
    default:
      return FALSE;
  }
}

gboolean
gst_guided_bp_image_from_frame (const GstVideoFrame * frame, GbpImage * image)
{
  GbpPixelFormat pixel_format;

  if (!gst_guided_bp_pixel_format_from_video (GST_VIDEO_FRAME_FORMAT (frame),
          &pixel_format))
    return FALSE;

  *image = (GbpImage) {
    .data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0),
    .width = GST_VIDEO_FRAME_WIDTH (frame),
    .height = GST_VIDEO_FRAME_HEIGHT (frame),
    .stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0),
    .format = pixel_format,
  };
  return TRUE;
}
