/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The element's properties: their specs and documentation, defaults,
 * and setters and getters (each value under the object lock; those read
 * per frame take effect from the next one, see gstguidedbpprivate.h).
 */
#pragma once

#include "gstguidedbpprivate.h"

G_BEGIN_DECLS

/* Installs every property of the element on @gobject_class, with its
 * set_property and get_property. class_init. */
void gst_guided_bp_install_properties (GObjectClass * gobject_class);

/* Sets every property of @self to its default (instance init). */
void gst_guided_bp_properties_init (GstGuidedBp * self);

/* Frees what the properties hold (finalize). */
void gst_guided_bp_properties_clear (GstGuidedBp * self);

G_END_DECLS
