/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <guidedbp/guidedbp.h>

G_BEGIN_DECLS

/* GstGuidedBpPrecision: the values of GbpPrecision, nicks "fp32", "bf16". */
#define GST_TYPE_GUIDED_BP_PRECISION (gst_guided_bp_precision_get_type ())
GType gst_guided_bp_precision_get_type (void);

G_END_DECLS
