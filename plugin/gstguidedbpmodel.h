/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* The bundled demo model: installed if it is, else the source tree's. */
const gchar *gst_guided_bp_default_model (void);

/* The demo model's labels when @model is the demo model and @labels is
 * unset; else @labels. Returns a new string or NULL. */
gchar *gst_guided_bp_resolve_labels (const gchar * model,
    const gchar * labels);

G_END_DECLS
