/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-image.h>
#include <guidedbp/gbp-engine.h>

G_BEGIN_DECLS

typedef struct _GbpRenderer GbpRenderer;

/* A renderer keeps scratch buffers between frames; one per stream. */
GbpRenderer *gbp_renderer_new (void);

void gbp_renderer_free (GbpRenderer * renderer);

/* Renders the colour gradient image of @saliency into @out, as the
 * reference does: normalize to mean 0 and (unbiased) std 1, times 0.1,
 * plus 0.5, clip to [0,1], times 255 truncated; a constant gradient
 * renders mid-gray. When @out's size differs from the gradient's, the
 * [0,1] map is resized bilinearly (half-pixel centres) first. Padding and
 * alpha bytes are set to 255. */
gboolean gbp_renderer_render_gradient (GbpRenderer * renderer,
    const GbpSaliency * saliency, GbpImage * out, GError ** error);

G_END_DECLS
