/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Telling the user what the element takes when upstream offers something
 * else: GStreamer's own "not-negotiated" never says.
 */
#pragma once

#include <gst/video/video.h>

G_BEGIN_DECLS

/* For messages: the formats of GST_GUIDED_BP_VIDEO_FORMATS, in words. */
#define GST_GUIDED_BP_FORMATS_TEXT "RGB, BGR, RGBA, BGRA, RGBx, BGRx, " \
  "xRGB, xBGR, ARGB, ABGR, NV12, I420 or YUY2 in system memory"

/* Upstream offered @offered (a caps query's filter or an accept-caps
 * query's caps) and got nothing the element takes (@template: its pad
 * template's caps). Posts a warning naming what was offered, what the
 * element takes, and the fix (videoconvert, a decoder, a download from
 * device memory), once per distinct offer: @last_offer keeps the last
 * one warned about, under the element's object lock. Does nothing for an
 * offer that shares a format with @template (then the refusal is
 * downstream's). */
void gst_guided_bp_warn_refused_caps (GstElement * element,
    GstCaps * offered, GstCaps * template, gchar ** last_offer);

/* The streaming error for a frame of a format the element does not take. */
void gst_guided_bp_post_format_error (GstElement * element,
    GstVideoFormat format);

G_END_DECLS
