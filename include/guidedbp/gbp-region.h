/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Rectangles of an image (the boxes a detector found) and borrowed views
 * of them, for explaining each object on its own
 * (gbp_engine_run_regions()).
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-image.h>

G_BEGIN_DECLS

/**
 * GbpRegion:
 * @x: left column; may be negative or past the image (see
 *   gbp_region_clamp())
 * @y: top row
 * @width: columns
 * @height: rows
 *
 * A rectangle in pixels of an image.
 */
typedef struct {
  gint x;
  gint y;
  guint width;
  guint height;
} GbpRegion;

/* Intersects @region with @image (which must be valid) into @clamped. A
 * YUV image's crop must start on a chroma sample: for NV12 and I420 the
 * origin moves to the even column and row at or before it, for YUY2 to the
 * even column, and the size grows by as much, so the crop still covers
 * the whole box. Errors (GBP_ERROR_INVALID_ARGUMENT): @region is
 * zero-sized, or lies wholly outside the image; @clamped is left alone
 * then. */
GBP_API
gboolean gbp_region_clamp (const GbpRegion * region, const GbpImage * image,
    GbpRegion * clamped, GError ** error);

/* A borrowed view of @region of @image, into @crop: the same format,
 * strides and colorimetry, its data pointing into @image's. @region must
 * be one gbp_region_clamp() returns for @image (inside it, and aligned to
 * the chroma of a YUV image), else GBP_ERROR_INVALID_ARGUMENT. */
GBP_API
gboolean gbp_image_crop (const GbpImage * image, const GbpRegion * region,
    GbpImage * crop, GError ** error);

G_END_DECLS
