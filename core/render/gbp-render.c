/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Saliency -> pixels: options, the renderer's buffers and smoothing
 * history, and the pipeline of gbp-render.h. The gradient is mapped to
 * [0,1] at the model's resolution and only then resampled to the frame:
 * sampling 224x224 values is cheaper than normalizing a 1080p field, and it
 * is what the reference image looks like when scaled.
 */
#include "guidedbp/gbp-render.h"

#include <math.h>

#include "guidedbp/gbp-error.h"
#include "gbp-colormap.h"
#include "gbp-parallel.h"
#include "gbp-render-private.h"

#define DEFAULT_MODE GBP_RENDER_GRADIENT
#define DEFAULT_COLORMAP GBP_COLORMAP_JET
#define DEFAULT_ALPHA 0.5f
#define DEFAULT_SMOOTHING 0.0f

struct _GbpRenderer {
  gfloat *map;                  /* the map drawn last: the smoothing history */
  gfloat *current;              /* this frame's map before smoothing */
  gfloat *scratch;              /* one plane, for the percentile */
  gsize capacity;               /* floats in map and current (3 planes) */
  gsize scratch_capacity;

  /* what map holds; has_history FALSE after reset */
  gboolean has_history;
  GbpRenderMode history_mode;
  guint history_width;
  guint history_height;

  GbpResampler resampler;
};

static const gchar *const mode_names[GBP_N_RENDER_MODES] = {
  [GBP_RENDER_GRADIENT] = "gradient",
  [GBP_RENDER_GRAY] = "gray",
  [GBP_RENDER_POSITIVE] = "positive",
  [GBP_RENDER_NEGATIVE] = "negative",
  [GBP_RENDER_HEATMAP] = "heatmap",
  [GBP_RENDER_OVERLAY] = "overlay",
  [GBP_RENDER_GRADCAM] = "gradcam",
  [GBP_RENDER_GUIDED_GRADCAM] = "guided-gradcam",
  [GBP_RENDER_GUIDED_GRADCAM_GRAY] = "guided-gradcam-gray",
};

static const gchar *const colormap_names[GBP_N_COLORMAPS] = {
  [GBP_COLORMAP_JET] = "jet",
  [GBP_COLORMAP_TURBO] = "turbo",
  [GBP_COLORMAP_INFERNO] = "inferno",
  [GBP_COLORMAP_VIRIDIS] = "viridis",
};

void
gbp_render_options_init (GbpRenderOptions * options)
{
  g_return_if_fail (options != NULL);

  *options = (GbpRenderOptions) {
    .mode = DEFAULT_MODE,
    .colormap = DEFAULT_COLORMAP,
    .alpha = DEFAULT_ALPHA,
    .smoothing = DEFAULT_SMOOTHING,
  };
}

gboolean
gbp_render_options_validate (const GbpRenderOptions * options,
    GError ** error)
{
  g_return_val_if_fail (options != NULL, FALSE);

  if ((guint) options->mode >= GBP_N_RENDER_MODES) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "unknown render mode %d", (gint) options->mode);
    return FALSE;
  }
  if ((guint) options->colormap >= GBP_N_COLORMAPS) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "unknown colormap %d", (gint) options->colormap);
    return FALSE;
  }
  /* written so that NaN fails too */
  if (!(options->alpha >= 0.0f && options->alpha <= 1.0f)) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "overlay alpha %g is out of range (0..1)", options->alpha);
    return FALSE;
  }
  if (!(options->smoothing >= 0.0f && options->smoothing < 1.0f)) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "smoothing %g is out of range (0 <= smoothing < 1)",
        options->smoothing);
    return FALSE;
  }
  return TRUE;
}

const gchar *
gbp_render_mode_get_name (GbpRenderMode mode)
{
  return (guint) mode < GBP_N_RENDER_MODES ? mode_names[mode] : NULL;
}

const gchar *
gbp_colormap_get_name (GbpColormap colormap)
{
  return (guint) colormap < GBP_N_COLORMAPS ? colormap_names[colormap] : NULL;
}

gboolean
gbp_render_mode_needs_gradcam (GbpRenderMode mode)
{
  return mode == GBP_RENDER_GRADCAM || mode == GBP_RENDER_GUIDED_GRADCAM
      || mode == GBP_RENDER_GUIDED_GRADCAM_GRAY;
}

gboolean
gbp_render_mode_needs_frame (GbpRenderMode mode)
{
  return mode == GBP_RENDER_OVERLAY || mode == GBP_RENDER_GRADCAM;
}

GbpRenderer *
gbp_renderer_new (void)
{
  return g_new0 (GbpRenderer, 1);
}

void
gbp_renderer_free (GbpRenderer * renderer)
{
  if (renderer == NULL)
    return;
  gbp_resampler_clear (&renderer->resampler);
  g_free (renderer->map);
  g_free (renderer->current);
  g_free (renderer->scratch);
  g_free (renderer);
}

void
gbp_renderer_set_num_threads (GbpRenderer * renderer, guint num_threads)
{
  g_return_if_fail (renderer != NULL);

  gbp_resampler_set_num_threads (&renderer->resampler,
      num_threads > 0 ? num_threads : gbp_cpu_count ());
}

void
gbp_renderer_reset (GbpRenderer * renderer)
{
  g_return_if_fail (renderer != NULL);

  renderer->has_history = FALSE;
}

static gboolean
validate_inputs (const GbpRenderOptions * options,
    const GbpSaliency * saliency, const GbpImage * frame,
    const GbpImage * out, GError ** error)
{
  if (!gbp_render_options_validate (options, error))
    return FALSE;
  if (!gbp_image_validate (out, error))
    return FALSE;
  if (saliency->gradient == NULL || saliency->width < 1
      || saliency->height < 1) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "no saliency to render");
    return FALSE;
  }
  if (gbp_render_mode_needs_gradcam (options->mode)
      && (saliency->cam == NULL || saliency->cam_width < 1
          || saliency->cam_height < 1)) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "the %s mode needs Grad-CAM, which the engine did not compute "
        "(GbpRunOptions.gradcam)", mode_names[options->mode]);
    return FALSE;
  }
  if (!gbp_render_mode_needs_frame (options->mode))
    return TRUE;
  if (frame == NULL) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "the %s mode needs the original frame", mode_names[options->mode]);
    return FALSE;
  }
  if (!gbp_image_validate (frame, error))
    return FALSE;
  if (frame->width != out->width || frame->height != out->height) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "the overlay frame is %ux%u but the output is %ux%u: they must "
        "have the same size", frame->width, frame->height, out->width,
        out->height);
    return FALSE;
  }
  if (frame->yuv_format != out->yuv_format) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "the overlay frame and the output must have the same YUV layout "
        "(or both be RGB)");
    return FALSE;
  }
  return TRUE;
}

/* Sizes the buffers for a @map_plane-pixel map of a @plane-pixel
 * gradient. Larger needs only come with another mode or size, which drop
 * the history anyway. */
static void
ensure_buffers (GbpRenderer * renderer, gsize map_plane, gsize plane)
{
  if (3 * map_plane > renderer->capacity) {
    g_free (renderer->map);
    g_free (renderer->current);
    renderer->map = g_new (gfloat, 3 * map_plane);
    renderer->current = g_new (gfloat, 3 * map_plane);
    renderer->capacity = 3 * map_plane;
    renderer->has_history = FALSE;
  }
  if (GBP_RENDER_SCRATCH_PLANES * plane > renderer->scratch_capacity) {
    g_free (renderer->scratch);
    renderer->scratch = g_new (gfloat, GBP_RENDER_SCRATCH_PLANES * plane);
    renderer->scratch_capacity = GBP_RENDER_SCRATCH_PLANES * plane;
  }
}

/* Computes this frame's map into renderer->map, blended with the previous
 * one when smoothing and the history matches. */
static void
update_map (GbpRenderer * renderer, const GbpRenderOptions * options,
    const GbpSaliency * saliency, guint map_width, guint map_height)
{
  const gsize map_plane = (gsize) map_width * map_height;
  const gsize n = gbp_render_map_planes (options->mode) * map_plane;
  gboolean smooth;

  ensure_buffers (renderer, map_plane,
      (gsize) saliency->width * saliency->height);
  smooth = options->smoothing > 0.0f && renderer->has_history
      && renderer->history_mode == options->mode
      && renderer->history_width == map_width
      && renderer->history_height == map_height;

  if (smooth) {
    const gfloat s = options->smoothing, keep = 1.0f - options->smoothing;

    gbp_render_map_compute (options->mode, saliency, renderer->current,
        renderer->scratch);
    for (gsize i = 0; i < n; i++)
      renderer->map[i] = s * renderer->map[i] + keep * renderer->current[i];
  } else {
    gbp_render_map_compute (options->mode, saliency, renderer->map,
        renderer->scratch);
  }
  renderer->has_history = TRUE;
  renderer->history_mode = options->mode;
  renderer->history_width = map_width;
  renderer->history_height = map_height;
}

gboolean
gbp_renderer_render (GbpRenderer * renderer,
    const GbpRenderOptions * options, const GbpSaliency * saliency,
    const GbpImage * frame, GbpImage * out, GError ** error)
{
  GbpRenderOptions defaults;
  GbpPaint paint = { 0 };
  guint map_width, map_height;

  g_return_val_if_fail (renderer != NULL && saliency != NULL, FALSE);

  if (options == NULL) {
    gbp_render_options_init (&defaults);
    options = &defaults;
  }
  if (!validate_inputs (options, saliency, frame, out, error))
    return FALSE;

  gbp_render_map_size (options->mode, saliency, &map_width, &map_height);
  update_map (renderer, options, saliency, map_width, map_height);
  gbp_resampler_prepare (&renderer->resampler, map_width, map_height, out);

  paint.lut = gbp_colormap_tables[options->colormap];
  paint.frame = gbp_render_mode_needs_frame (options->mode) ? frame : NULL;
  paint.alpha = options->alpha;
  if (out->yuv_format != GBP_YUV_FORMAT_NONE)
    gbp_yuv_coefficients_init (&paint.yuv, &out->colorimetry);
  switch (options->mode) {
    case GBP_RENDER_GRAY:
    case GBP_RENDER_GUIDED_GRADCAM_GRAY:
      paint.kind = GBP_PAINT_GRAY;
      break;
    case GBP_RENDER_HEATMAP:
    case GBP_RENDER_OVERLAY:
    case GBP_RENDER_GRADCAM:
      paint.kind = GBP_PAINT_COLORMAP;
      break;
    case GBP_RENDER_GRADIENT:
    case GBP_RENDER_POSITIVE:
    case GBP_RENDER_NEGATIVE:
    case GBP_RENDER_GUIDED_GRADCAM:
    default:
      paint.kind = GBP_PAINT_COLOUR;
      break;
  }
  gbp_render_write (&renderer->resampler, renderer->map, &paint, out);
  return TRUE;
}

gboolean
gbp_renderer_render_gradient (GbpRenderer * renderer,
    const GbpSaliency * saliency, GbpImage * out, GError ** error)
{
  return gbp_renderer_render (renderer, NULL, saliency, NULL, out, error);
}
