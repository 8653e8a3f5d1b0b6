/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

G_BEGIN_DECLS

#define GST_TYPE_GUIDED_BP (gst_guided_bp_get_type ())
G_DECLARE_FINAL_TYPE (GstGuidedBp, gst_guided_bp, GST, GUIDED_BP,
    GstVideoFilter);

GST_ELEMENT_REGISTER_DECLARE (guidedbp);

G_END_DECLS
