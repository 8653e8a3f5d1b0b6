/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Names to render modes and colormaps: the inverse of
 * gbp_render_mode_get_name() and gbp_colormap_get_name().
 */
#include "guidedbp/gbp-render.h"

#include "guidedbp/gbp-error.h"

typedef const gchar *(*NameFunc) (gint value);

/* Looks @name up among the values 0, 1, ... that @get_name names; on
 * failure the error lists them all. */
static gboolean
value_from_name (const gchar * what, NameFunc get_name, const gchar * name,
    gint * value, GError ** error)
{
  g_autoptr (GString) valid = g_string_new (NULL);
  const gchar *candidate;
  gint i;

  for (i = 0; (candidate = get_name (i)) != NULL; i++) {
    if (g_strcmp0 (name, candidate) == 0) {
      *value = i;
      return TRUE;
    }
    g_string_append_printf (valid, "%s%s", i > 0 ? ", " : "", candidate);
  }
  g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
      "unknown %s '%s' (valid: %s)", what, name ? name : "(null)",
      valid->str);
  return FALSE;
}

static const gchar *
render_mode_name (gint value)
{
  return gbp_render_mode_get_name ((GbpRenderMode) value);
}

static const gchar *
colormap_name (gint value)
{
  return gbp_colormap_get_name ((GbpColormap) value);
}

gboolean
gbp_render_mode_from_name (const gchar * name, GbpRenderMode * mode,
    GError ** error)
{
  gint value;

  g_return_val_if_fail (mode != NULL, FALSE);

  if (!value_from_name ("render mode", render_mode_name, name, &value, error))
    return FALSE;
  *mode = (GbpRenderMode) value;
  return TRUE;
}

gboolean
gbp_colormap_from_name (const gchar * name, GbpColormap * colormap,
    GError ** error)
{
  gint value;

  g_return_val_if_fail (colormap != NULL, FALSE);

  if (!value_from_name ("colormap", colormap_name, name, &value, error))
    return FALSE;
  *colormap = (GbpColormap) value;
  return TRUE;
}
