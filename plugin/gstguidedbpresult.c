/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpresult.h"

void
gst_guided_bp_timing_init (GstGuidedBpTiming * timing,
    const GstSegment * segment, GstClockTime pts,
    GstClockTime processing_time)
{
  timing->timestamp = pts;
  timing->stream_time = GST_CLOCK_TIME_NONE;
  timing->running_time = GST_CLOCK_TIME_NONE;
  timing->processing_time = processing_time;
  if (GST_CLOCK_TIME_IS_VALID (pts) && segment != NULL
      && segment->format == GST_FORMAT_TIME) {
    timing->stream_time = gst_segment_to_stream_time (segment,
        GST_FORMAT_TIME, pts);
    timing->running_time = gst_segment_to_running_time (segment,
        GST_FORMAT_TIME, pts);
  }
}

/* Appends @value (of @type) to the GstValueArray @array. */
static void
array_append (GValue * array, GType type, gconstpointer value)
{
  GValue item = G_VALUE_INIT;

  g_value_init (&item, type);
  if (type == G_TYPE_INT)
    g_value_set_int (&item, *(const gint *) value);
  else if (type == G_TYPE_DOUBLE)
    g_value_set_double (&item, *(const gdouble *) value);
  else
    g_value_set_string (&item, value);
  gst_value_array_append_and_take_value (array, &item);
}

static void
fill_top_k (GstStructure * s, const GbpEngine * engine,
    const GbpSaliency * saliency, guint top_k)
{
  g_autofree gint *classes = g_new (gint, MAX (top_k, 1));
  g_autofree gfloat *scores = g_new (gfloat, MAX (top_k, 1));
  GValue top_classes = G_VALUE_INIT, top_scores = G_VALUE_INIT;
  GValue top_labels = G_VALUE_INIT;
  gboolean labelled = saliency->label != NULL;
  guint n;

  n = gbp_saliency_get_top_k (saliency, top_k, classes, scores);
  gst_value_array_init (&top_classes, n);
  gst_value_array_init (&top_scores, n);
  if (labelled)
    gst_value_array_init (&top_labels, n);
  for (guint i = 0; i < n; i++) {
    gdouble score = scores[i];

    array_append (&top_classes, G_TYPE_INT, &classes[i]);
    array_append (&top_scores, G_TYPE_DOUBLE, &score);
    if (labelled)
      array_append (&top_labels, G_TYPE_STRING,
          gbp_engine_get_label (engine, classes[i]));
  }
  gst_structure_take_value (s, "top-classes", &top_classes);
  gst_structure_take_value (s, "top-scores", &top_scores);
  if (labelled)
    gst_structure_take_value (s, "top-labels", &top_labels);
}

void
gst_guided_bp_result_fill (GstStructure * s, const GbpEngine * engine,
    const GbpSaliency * saliency, const GstGuidedBpTiming * timing,
    guint top_k)
{
  /* In the order the message always had: printed, it reads the same. */
  gst_structure_set (s,
      "timestamp", G_TYPE_UINT64, (guint64) timing->timestamp,
      "stream-time", G_TYPE_UINT64, (guint64) timing->stream_time,
      "running-time", G_TYPE_UINT64, (guint64) timing->running_time,
      "class", G_TYPE_INT, saliency->class_index,
      "score", G_TYPE_DOUBLE, (gdouble) saliency->score,
      "processing-time", G_TYPE_UINT64, (guint64) timing->processing_time,
      NULL);
  if (saliency->label != NULL)
    gst_structure_set (s, "label", G_TYPE_STRING, saliency->label, NULL);
  fill_top_k (s, engine, saliency, top_k);
}

void
gst_guided_bp_result_fill_object (GstStructure * s, const GbpEngine * engine,
    const GbpSaliency * saliency, guint top_k)
{
  gst_structure_set (s,
      "class", G_TYPE_INT, saliency->class_index,
      "score", G_TYPE_DOUBLE, (gdouble) saliency->score, NULL);
  if (saliency->label != NULL)
    gst_structure_set (s, "label", G_TYPE_STRING, saliency->label, NULL);
  fill_top_k (s, engine, saliency, top_k);
}

void
gst_guided_bp_result_fill_timing (GstStructure * s,
    const GstGuidedBpTiming * timing)
{
  gst_structure_set (s,
      "timestamp", G_TYPE_UINT64, (guint64) timing->timestamp,
      "stream-time", G_TYPE_UINT64, (guint64) timing->stream_time,
      "running-time", G_TYPE_UINT64, (guint64) timing->running_time,
      "processing-time", G_TYPE_UINT64, (guint64) timing->processing_time,
      NULL);
}

void
gst_guided_bp_meta_register (void)
{
  static gsize registered = 0;

  if (g_once_init_enter (&registered)) {
    /* No tags: the result describes the picture, not its pixels, so
     * elements that convert or scale the frame keep it. */
    static const gchar *tags[] = { NULL };

    gst_meta_register_custom (GST_GUIDED_BP_META_NAME, tags, NULL, NULL,
        NULL);
    g_once_init_leave (&registered, 1);
  }
}

void
gst_guided_bp_meta_add (GstBuffer * buffer, const GbpEngine * engine,
    const GbpSaliency * saliency, const GstGuidedBpTiming * timing,
    guint top_k)
{
  GstCustomMeta *meta;

  /* A buffer passed through twice (two guidedbp in a row) keeps only the
   * last element's result. */
  meta = gst_buffer_get_custom_meta (buffer, GST_GUIDED_BP_META_NAME);
  if (meta != NULL)
    gst_buffer_remove_meta (buffer, (GstMeta *) meta);
  meta = gst_buffer_add_custom_meta (buffer, GST_GUIDED_BP_META_NAME);
  gst_guided_bp_result_fill (gst_custom_meta_get_structure (meta), engine,
      saliency, timing, top_k);
}

static gboolean
copy_field (GQuark field, const GValue * value, gpointer user_data)
{
  gst_structure_id_set_value (user_data, field, value);
  return TRUE;
}

void
gst_guided_bp_meta_add_objects (GstBuffer * buffer,
    const GstStructure * objects, const GstGuidedBpTiming * timing)
{
  GstCustomMeta *meta;
  GstStructure *s;

  meta = gst_buffer_get_custom_meta (buffer, GST_GUIDED_BP_META_NAME);
  if (meta != NULL)
    gst_buffer_remove_meta (buffer, (GstMeta *) meta);
  meta = gst_buffer_add_custom_meta (buffer, GST_GUIDED_BP_META_NAME);
  s = gst_custom_meta_get_structure (meta);
  gst_guided_bp_result_fill_timing (s, timing);
  gst_structure_foreach (objects, copy_field, s);
}
