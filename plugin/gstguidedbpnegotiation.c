/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpnegotiation.h"

#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

/* "GRAY8, Y42B" or "image/jpeg": what @caps offers, in words. */
static gchar *
describe_offer (GstCaps * caps, const gchar ** advice)
{
  GString *text = g_string_new (NULL);

  *advice = "put videoconvert before guidedbp";
  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *s = gst_caps_get_structure (caps, i);
    GstCapsFeatures *features = gst_caps_get_features (caps, i);
    const GValue *format = gst_structure_get_value (s, "format");
    gchar *part;

    if (!gst_structure_has_name (s, "video/x-raw")) {
      part = g_strdup (gst_structure_get_name (s));
      *advice = "decode it first (decodebin) and put videoconvert before "
          "guidedbp";
    } else if (features != NULL && !gst_caps_features_is_any (features)
        && !gst_caps_features_is_equal (features,
            GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
      gchar *f = gst_caps_features_to_string (features);

      part = g_strdup_printf ("video in %s", f);
      g_free (f);
      *advice = "download it to system memory first (e.g. gldownload, or "
          "the decoder's own converter) and put videoconvert before "
          "guidedbp";
    } else if (format != NULL) {
      gchar *f = gst_value_serialize (format);

      part = g_strdup_printf ("%s video", f);
      g_free (f);
    } else {
      part = g_strdup ("raw video");
    }
    if (strstr (text->str, part) == NULL)
      g_string_append_printf (text, "%s%s", text->len ? ", " : "", part);
    g_free (part);
  }
  return g_string_free (text, FALSE);
}

void
gst_guided_bp_warn_refused_caps (GstElement * element, GstCaps * offered,
    GstCaps * template, gchar ** last_offer)
{
  const gchar *advice;
  gchar *offer;
  gboolean repeated;

  if (offered == NULL || gst_caps_is_empty (offered)
      || gst_caps_is_any (offered)
      || gst_caps_can_intersect (offered, template))
    return;

  offer = describe_offer (offered, &advice);
  GST_OBJECT_LOCK (element);
  repeated = g_strcmp0 (*last_offer, offer) == 0;
  if (!repeated) {
    g_free (*last_offer);
    *last_offer = g_strdup (offer);
  }
  GST_OBJECT_UNLOCK (element);

  if (!repeated)
    GST_ELEMENT_WARNING (element, CORE, NEGOTIATION,
        ("guidedbp cannot take %s: it takes " GST_GUIDED_BP_FORMATS_TEXT
            "; %s", offer, advice),
        ("upstream offered %" GST_PTR_FORMAT, offered));
  g_free (offer);
}

void
gst_guided_bp_post_format_error (GstElement * element, GstVideoFormat format)
{
  GST_ELEMENT_ERROR (element, CORE, NEGOTIATION,
      ("guidedbp cannot take %s video: it takes "
          GST_GUIDED_BP_FORMATS_TEXT "; put videoconvert before guidedbp",
          gst_video_format_to_string (format)), (NULL));
}
