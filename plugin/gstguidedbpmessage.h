/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>
#include <guidedbp/gbp-engine.h>

#include "gstguidedbpresult.h"

G_BEGIN_DECLS

#define GST_GUIDED_BP_MESSAGE_NAME "guidedbp"

/* A new element message from @src describing one explained frame: a
 * structure named "guidedbp" with the fields of the GuidedBpMeta (see
 * gst_guided_bp_result_fill()). */
GstMessage *gst_guided_bp_message_new (GstObject * src,
    const GbpEngine * engine, const GbpSaliency * saliency,
    const GstGuidedBpTiming * timing, guint top_k);

G_END_DECLS
