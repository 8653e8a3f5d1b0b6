/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/video/video.h>
#include <guidedbp/gbp-image.h>

G_BEGIN_DECLS

/* The formats the element accepts, in caps syntax: the packed 8-bit RGB
 * family, each with a GbpPixelFormat of the same byte order, and the YUV
 * layouts decoders and cameras produce, each a GbpYuvFormat. */
#define GST_GUIDED_BP_VIDEO_FORMATS \
  "{ RGB, BGR, RGBA, BGRA, RGBx, BGRx, xRGB, xBGR, ARGB, ABGR, NV12, I420, " \
  "YUY2 }"

/* TRUE when @format is one of GST_GUIDED_BP_VIDEO_FORMATS. */
gboolean gst_guided_bp_format_is_supported (GstVideoFormat format);

/* Fills @image with a borrowed view of the mapped @frame's planes and, for
 * YUV, its colorimetry: no pixels are copied, and the view is valid while
 * @frame is mapped. FALSE when the frame's format is not supported. */
gboolean gst_guided_bp_image_from_frame (const GstVideoFrame * frame,
    GbpImage * image);

G_END_DECLS
