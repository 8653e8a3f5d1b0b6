/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: frame -> normalized float CHW, as torchvision does it.
 */
#pragma once

#include <glib.h>
#include "guidedbp/gbp-image.h"

G_BEGIN_DECLS

typedef struct _GbpPreprocessor GbpPreprocessor;

/* @std values must be non-zero (the engine checks). */
GbpPreprocessor *gbp_preprocessor_new (guint out_width, guint out_height,
    const gfloat mean[3], const gfloat std[3]);

void gbp_preprocessor_free (GbpPreprocessor * preprocessor);

/* Splits the work of each frame over @num_threads threads (default 1). */
void gbp_preprocessor_set_num_threads (GbpPreprocessor * preprocessor,
    guint num_threads);

/* Resizes @image to the output size exactly as PIL's bilinear resize does
 * (torchvision's Resize on a PIL image: a triangle filter widened by the
 * scale when shrinking, 8-bit rounding after each pass). A YUV image is
 * resized plane by plane with the same filter, chroma from its own size
 * and sample positions, then converted to RGB with its colorimetry.
 * Returns packed RGB, owned by @preprocessor and valid until its next call.
 * @image must be valid (gbp_image_validate). */
const guint8 *gbp_preprocessor_resize (GbpPreprocessor * preprocessor,
    const GbpImage * image);

/* Resizes, then scales to [0,1] and normalizes each channel into @out,
 * float [3, out_height, out_width]. */
void gbp_preprocessor_run (GbpPreprocessor * preprocessor,
    const GbpImage * image, gfloat * out);

G_END_DECLS
