/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpsettings.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-error.h>

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

#define TRIPLET_FORMS "three numbers: \"r,g,b\", a GstValueArray " \
  "\"<r, g, b>\" or a list [r, g, b]"

/* A number of a GstValueArray, whatever GStreamer's parser made of it. */
static gboolean
number_of (const GValue * value, gfloat * number)
{
  GValue as_double = G_VALUE_INIT;
  gdouble d;

  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value))) {
    case G_TYPE_INT:
    case G_TYPE_UINT:
    case G_TYPE_LONG:
    case G_TYPE_ULONG:
    case G_TYPE_INT64:
    case G_TYPE_UINT64:
    case G_TYPE_FLOAT:
    case G_TYPE_DOUBLE:
      break;
    default:
      return FALSE;
  }
  g_value_init (&as_double, G_TYPE_DOUBLE);
  if (!g_value_transform (value, &as_double))
    return FALSE;
  d = g_value_get_double (&as_double);
  *number = (gfloat) d;
  return isfinite (d) && isfinite (*number);
}

/* "a,b,c": three finite numbers, white space allowed around each;
 * @values is written only on success. */
static gboolean
parse_comma_separated (const gchar * text, gfloat values[3])
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  gfloat parsed[3];

  if (g_strv_length (parts) != 3)
    return FALSE;
  for (guint i = 0; i < 3; i++) {
    gchar *end = NULL;
    gchar *part = g_strstrip (parts[i]);

    errno = 0;
    parsed[i] = (gfloat) g_ascii_strtod (part, &end);
    if (*part == '\0' || *end != '\0' || errno != 0 || !isfinite (parsed[i]))
      return FALSE;
  }
  memcpy (values, parsed, sizeof (parsed));
  return TRUE;
}

/* "<r, g, b>" through GStreamer's own GstValueArray parser. */
static gboolean
parse_value_array (const gchar * text, gfloat values[3])
{
  GValue array = G_VALUE_INIT;
  gboolean ok;

  g_value_init (&array, GST_TYPE_ARRAY);
  ok = gst_value_deserialize (&array, text)
      && gst_value_array_get_size (&array) == 3;
  for (guint i = 0; ok && i < 3; i++)
    ok = number_of (gst_value_array_get_value (&array, i), &values[i]);
  g_value_unset (&array);
  return ok;
}

gboolean
gst_guided_bp_parse_triplet (const gchar * property, const gchar * text,
    gfloat values[3], GError ** error)
{
  g_autofree gchar *inner = NULL;
  gfloat parsed[3];
  gboolean ok = FALSE;

  if (text != NULL) {
    inner = g_strstrip (g_strdup (text));
    if (inner[0] == '<') {
      ok = parse_value_array (inner, parsed);
    } else {
      gsize len = strlen (inner);

      /* a Python list or tuple, as str() writes it */
      if (len >= 2 && ((inner[0] == '[' && inner[len - 1] == ']')
              || (inner[0] == '(' && inner[len - 1] == ')'))) {
        inner[len - 1] = '\0';
        memmove (inner, inner + 1, len - 1);
      }
      ok = parse_comma_separated (inner, parsed);
    }
  }
  if (!ok) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "Invalid value for property '%s': '%s' is not %s", property,
        text ? text : "(null)", TRIPLET_FORMS);
    return FALSE;
  }
  memcpy (values, parsed, sizeof (parsed));
  return TRUE;
}

gboolean
gst_guided_bp_check_range (const gchar * property, gdouble value,
    gdouble min, gdouble max, GError ** error)
{
  if (value >= min && value <= max)
    return TRUE;
  g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
      "Invalid value for property '%s': %.15g is out of range "
      "(%.15g to %.15g)", property, value, min, max);
  return FALSE;
}

gboolean
gst_guided_bp_check_live_values (gint target_class, gdouble alpha,
    gdouble smoothing, guint interval, GError ** error)
{
  return gst_guided_bp_check_range ("target-class", target_class,
      GBP_TARGET_CLASS_TOP, G_MAXINT, error)
      && gst_guided_bp_check_range ("alpha", alpha, 0.0, 1.0, error)
      && gst_guided_bp_check_range ("smoothing", smoothing, 0.0,
      GST_GUIDED_BP_MAX_SMOOTHING, error)
      && gst_guided_bp_check_range ("interval", interval, 1, G_MAXINT, error);
}

void
gst_guided_bp_post_settings_error (GstElement * element, GError ** error)
{
  GST_ELEMENT_ERROR (element, LIBRARY, SETTINGS, ("%s", (*error)->message),
      ("gst-inspect-1.0 guidedbp describes each property and its valid "
          "values"));
  g_clear_error (error);
}
