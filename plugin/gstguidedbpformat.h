/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/video/video.h>
#include <guidedbp/gbp-image.h>

G_BEGIN_DECLS

/* The packed 8-bit RGB-family formats the element accepts, in caps syntax.
 * Each has a GbpPixelFormat with the same byte order. */
#define GST_GUIDED_BP_VIDEO_FORMATS \
  "{ RGB, BGR, RGBA, BGRA, RGBx, BGRx, xRGB, xBGR, ARGB, ABGR }"

/* The GbpPixelFormat with @format's memory layout; FALSE when there is
 * none (a format outside GST_GUIDED_BP_VIDEO_FORMATS). */
gboolean gst_guided_bp_pixel_format_from_video (GstVideoFormat format,
    GbpPixelFormat * pixel_format);

/* Fills @image with a borrowed view of the mapped @frame's only plane:
 * no pixels are copied, and the view is valid while @frame is mapped.
 * FALSE when the frame's format has no GbpPixelFormat. */
gboolean gst_guided_bp_image_from_frame (const GstVideoFrame * frame,
    GbpImage * image);

G_END_DECLS
