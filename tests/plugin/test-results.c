/* guidedbp tests — results as data: the GuidedBpMeta, top-k, target-label
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each output buffer's GuidedBpMeta (a GstCustomMeta) is read the way an
 * application reads it in C (gst_buffer_get_custom_meta(),
 * gst_custom_meta_get_structure()); the bus message must carry the same
 * fields. The fixture model's classes and scores are the Python
 * reference's (tests/data/fixtures.ini).
 */
#include <math.h>
#include <string.h>

#include "plugin-test-util.h"

#define META_NAME "GuidedBpMeta"
#define LABELS "labels/labels-10.txt"
#define NUM_CLASSES 10

static const GstStructure *
meta_of (GstBuffer * buffer)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buffer, META_NAME);

  return meta != NULL ? gst_custom_meta_get_structure (meta) : NULL;
}

static guint
count_metas (GstBuffer * buffer)
{
  gpointer state = NULL;
  GstMeta *meta;
  guint n = 0;

  while ((meta = gst_buffer_iterate_meta (buffer, &state)) != NULL)
    if (gst_meta_info_is_custom (meta->info)
        && gst_custom_meta_has_name ((GstCustomMeta *) meta, META_NAME))
      n++;
  return n;
}

static const GValue *
array_item (const GstStructure * s, const gchar * field, guint i)
{
  const GValue *array = gst_structure_get_value (s, field);

  fail_unless (array != NULL && GST_VALUE_HOLDS_ARRAY (array),
      "%s is not a GstValueArray in %" GST_PTR_FORMAT, field, s);
  fail_unless (i < gst_value_array_get_size (array));
  return gst_value_array_get_value (array, i);
}

static guint
array_size (const GstStructure * s, const gchar * field)
{
  const GValue *array = gst_structure_get_value (s, field);

  fail_unless (array != NULL && GST_VALUE_HOLDS_ARRAY (array),
      "%s is not a GstValueArray in %" GST_PTR_FORMAT, field, s);
  return gst_value_array_get_size (array);
}

static gchar **
read_labels (void)
{
  gchar *path = data_path (LABELS), *text;
  gchar **lines;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_free (text);
  g_free (path);
  return lines;
}

static GstElement *
labelled_guidedbp (void)
{
  GstElement *element = guidedbp_new (fixture.model);
  gchar *labels = data_path (LABELS);

  g_object_set (element, "labels", labels, NULL);
  g_free (labels);
  return element;
}

static GstBuffer *
card_at (const GstVideoInfo * info, guint i)
{
  GstBuffer *buffer = buffer_from_rgb (info, fixture.card);

  GST_BUFFER_PTS (buffer) = i * FRAME_DURATION;
  GST_BUFFER_DURATION (buffer) = FRAME_DURATION;
  return buffer;
}

/* Every field of the meta, in C, on a frame of the fixture card. */
GST_START_TEST (test_meta_fields)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  const GstStructure *s;
  gchar **labels = read_labels ();
  guint64 timestamp, stream_time, running_time, processing_time;
  gint class_index;
  gdouble score, previous = 2.0;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (labelled_guidedbp (), &info);
  in = card_at (&info, 60);

  out = push_pull (h, in);
  fail_unless_equals_int (count_metas (out), 1);
  s = meta_of (out);
  fail_unless (s != NULL, "no " META_NAME " on the output buffer");
  GST_INFO ("meta %" GST_PTR_FORMAT, s);
  fail_unless (gst_structure_has_name (s, META_NAME));
  fail_unless (gst_structure_get_int (s, "class", &class_index));
  fail_unless (gst_structure_get_double (s, "score", &score));
  fail_unless_equals_int (class_index, fixture.top_class);
  fail_unless (fabs (score - fixture.top_score) < 1e-4, "score %f", score);
  fail_unless_equals_string (gst_structure_get_string (s, "label"),
      labels[fixture.top_class]);

  fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
  fail_unless (gst_structure_get_uint64 (s, "stream-time", &stream_time));
  fail_unless (gst_structure_get_uint64 (s, "running-time", &running_time));
  fail_unless (gst_structure_get_uint64 (s, "processing-time",
          &processing_time));
  fail_unless_equals_uint64 (timestamp, 60 * FRAME_DURATION);
  fail_unless_equals_uint64 (stream_time, 60 * FRAME_DURATION);
  fail_unless_equals_uint64 (running_time, 60 * FRAME_DURATION);
  fail_unless (processing_time > 0);

  /* top-k, by default the 5 most probable, most probable first */
  fail_unless_equals_int (array_size (s, "top-classes"), 5);
  fail_unless_equals_int (array_size (s, "top-scores"), 5);
  fail_unless_equals_int (array_size (s, "top-labels"), 5);
  fail_unless_equals_int (g_value_get_int (array_item (s, "top-classes", 0)),
      fixture.top_class);
  fail_unless_equals_float (g_value_get_double (array_item (s, "top-scores",
              0)), score);
  for (guint i = 0; i < 5; i++) {
    gint c = g_value_get_int (array_item (s, "top-classes", i));
    gdouble p = g_value_get_double (array_item (s, "top-scores", i));

    fail_unless (p <= previous && p >= 0.0, "top-scores not descending");
    previous = p;
    fail_unless (c >= 0 && c < NUM_CLASSES);
    fail_unless_equals_string (g_value_get_string (array_item (s,
                "top-labels", i)), labels[c]);
    for (guint j = 0; j < i; j++)
      fail_if (c == g_value_get_int (array_item (s, "top-classes", j)));
  }

  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
  g_strfreev (labels);
}

GST_END_TEST;

/* The message holds exactly the meta's fields and values. */
GST_START_TEST (test_message_equals_meta)
{
  GstVideoInfo info;
  GstElement *element = labelled_guidedbp ();
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;
  GstMessage *message;
  const GstStructure *meta, *fields;

  g_object_set (element, "post-messages", TRUE, "top-k", 3, NULL);
  video_info_init (&info, "BGRx", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  in = card_at (&info, 7);

  out = push_pull (h, in);
  meta = meta_of (out);
  message = pop_guidedbp_message (bus);
  fail_unless (meta != NULL && message != NULL);
  fields = gst_message_get_structure (message);
  GST_INFO ("message %" GST_PTR_FORMAT, fields);
  fail_unless_equals_int (gst_structure_n_fields (fields),
      gst_structure_n_fields (meta));
  for (gint i = 0; i < gst_structure_n_fields (meta); i++) {
    const gchar *name = gst_structure_nth_field_name (meta, i);
    const GValue *a = gst_structure_get_value (meta, name);
    const GValue *b = gst_structure_get_value (fields, name);

    fail_unless (b != NULL, "the message has no %s", name);
    fail_unless (gst_value_compare (a, b) == GST_VALUE_EQUAL,
        "%s differs: meta %s, message %s", name, gst_value_serialize (a),
        gst_value_serialize (b));
  }
  fail_unless_equals_int (array_size (meta, "top-classes"), 3);

  gst_message_unref (message);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

/* top-k: 0 lists none, more than the classes lists them all; without
 * labels there is no label field at all. */
GST_START_TEST (test_top_k)
{
  static const guint ks[] = { 0, 1, 10, 1000 };
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  in = card_at (&info, 0);

  for (guint i = 0; i < G_N_ELEMENTS (ks); i++) {
    GstBuffer *out;
    const GstStructure *s;
    gdouble sum = 0.0;

    g_object_set (h->element, "top-k", ks[i], NULL);
    out = push_pull (h, in);
    s = meta_of (out);
    fail_unless (s != NULL);
    fail_if (gst_structure_has_field (s, "label"));
    fail_if (gst_structure_has_field (s, "top-labels"));
    fail_unless_equals_int (array_size (s, "top-classes"),
        MIN (ks[i], NUM_CLASSES));
    fail_unless_equals_int (array_size (s, "top-scores"),
        MIN (ks[i], NUM_CLASSES));
    if (ks[i] >= NUM_CLASSES) {
      for (guint j = 0; j < NUM_CLASSES; j++)
        sum += g_value_get_double (array_item (s, "top-scores", j));
      fail_unless (fabs (sum - 1.0) < 1e-5, "probabilities sum to %f", sum);
    }
    gst_buffer_unref (out);
  }

  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* interval: the frames in between carry the result of the frame the model
 * ran on, timestamp and all. */
GST_START_TEST (test_meta_interval)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  guint64 processing_time = 0;

  g_object_set (element, "interval", 3, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);

  for (guint i = 0; i < 7; i++) {
    GstBuffer *in = card_at (&info, i);
    GstBuffer *out = push_pull (h, in);
    const GstStructure *s = meta_of (out);
    guint64 timestamp, t;

    fail_unless (s != NULL, "frame %u has no meta", i);
    fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
    fail_unless_equals_uint64 (timestamp, (i / 3) * 3 * FRAME_DURATION);
    fail_unless (gst_structure_get_uint64 (s, "processing-time", &t));
    if (i % 3 == 0)
      processing_time = t;
    else
      fail_unless_equals_uint64 (t, processing_time);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

/* async: no meta before the first result, then the latest result, of a
 * frame no later than the buffer's own. */
GST_START_TEST (test_meta_async)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBus *bus;
  GstMessage *message;
  GstBuffer *in, *out;
  const GstStructure *s;
  guint64 timestamp;
  gint class_index;

  g_object_set (element, "async", TRUE, "post-messages", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);

  in = card_at (&info, 0);
  out = push_pull (h, in);
  /* Whether the first result is ready this soon depends on the machine:
   * if there is a meta, it describes frame 0. */
  if ((s = meta_of (out)) != NULL) {
    fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
    fail_unless_equals_uint64 (timestamp, 0);
  }
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  message = wait_guidedbp_message (bus, RESULT_TIMEOUT);
  fail_unless (message != NULL, "no result in time");
  gst_message_unref (message);

  in = card_at (&info, 5);
  out = push_pull (h, in);
  s = meta_of (out);
  fail_unless (s != NULL, "no meta once a result is ready");
  fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
  fail_unless (timestamp <= 5 * FRAME_DURATION, "timestamp %" G_GUINT64_FORMAT,
      timestamp);
  fail_unless (gst_structure_get_int (s, "class", &class_index));
  fail_unless_equals_int (class_index, fixture.top_class);
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

/* Two elements in a row: the buffer carries one meta, the last one's (the
 * first one's is copied to the second's output, then replaced). */
GST_START_TEST (test_meta_replaced_downstream)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  gchar *description, *caps;
  const GstStructure *s;

  description = g_strdup_printf ("guidedbp model=%s input-width=64 "
      "input-height=64 top-k=1 ! guidedbp model=%s input-width=64 "
      "input-height=64 top-k=2", fixture.model, fixture.model);
  h = gst_harness_new_parse (description);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  caps = caps_string (&info);
  gst_harness_set_src_caps_str (h, caps);
  in = card_at (&info, 0);

  out = push_pull (h, in);
  fail_unless_equals_int (count_metas (out), 1);
  s = meta_of (out);
  fail_unless_equals_int (array_size (s, "top-classes"), 2);

  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
  g_free (caps);
  g_free (description);
}

GST_END_TEST;

/* target-label explains that class, like target-class would; it wins over
 * target-class, can change while playing, and "" gives the choice back. */
GST_START_TEST (test_target_label)
{
  gchar **labels = read_labels ();
  GstVideoInfo info;
  GstElement *element = labelled_guidedbp ();
  GstHarness *h;
  GstBuffer *in, *out;
  gint class_index;

  g_object_set (element, "target-label", labels[fixture.target_class],
      "target-class", fixture.top_class, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  in = card_at (&info, 0);

  out = push_pull (h, in);
  assert_engine_output (&info, fixture.card, fixture.target_class, out);
  fail_unless (gst_structure_get_int (meta_of (out), "class", &class_index));
  fail_unless_equals_int (class_index, fixture.target_class);
  fail_unless_equals_string (gst_structure_get_string (meta_of (out),
          "label"), labels[fixture.target_class]);
  gst_buffer_unref (out);

  /* "" or NULL: target-class decides again */
  g_object_set (h->element, "target-label", "", "target-class", -1, NULL);
  out = push_pull (h, in);
  assert_engine_output (&info, fixture.card, TARGET_CLASS_TOP, out);
  gst_buffer_unref (out);

  /* set while playing */
  g_object_set (h->element, "target-label", labels[3], NULL);
  out = push_pull (h, in);
  fail_unless (gst_structure_get_int (meta_of (out), "class", &class_index));
  fail_unless_equals_int (class_index, 3);
  gst_buffer_unref (out);

  gst_buffer_unref (in);
  gst_harness_teardown (h);
  g_strfreev (labels);
}

GST_END_TEST;

GST_START_TEST (test_target_label_unknown_at_start)
{
  static const gchar *const unknown[] = { "target-label", "'zebra'",
    "'tabby cat'", "(10 in all)", NULL
  };
  static const gchar *const similar[] = { "target-label", "'Fox'",
    "similar", "'red fox'", NULL
  };
  static const gchar *const unlabelled[] = { "target-label", "'red fox'",
    "no labels", NULL
  };
  GstElement *element = labelled_guidedbp ();
  GstBus *bus = bus_for (element);

  g_object_set (element, "target-label", "zebra", NULL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error_names (bus, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
      unknown);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  g_object_set (element, "target-label", "Fox", NULL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error_names (bus, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
      similar);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (element, NULL);
  gst_object_unref (element);

  /* a model without labels */
  element = guidedbp_new (fixture.model);
  gst_element_set_bus (element, bus);
  g_object_set (element, "target-label", "red fox", NULL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error_names (bus, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
      unlabelled);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (element, NULL);
  gst_object_unref (element);
  gst_object_unref (bus);
}

GST_END_TEST;

/* An unknown label set while playing fails streaming at the next frame. */
GST_START_TEST (test_target_label_unknown_while_playing)
{
  static const gchar *const parts[] = { "target-label", "'espresso machine'",
    "'espresso'", NULL
  };
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (labelled_guidedbp (), &info);
  bus = bus_for (h->element);
  in = card_at (&info, 0);

  out = push_pull (h, in);
  gst_buffer_unref (out);
  g_object_set (h->element, "target-label", "espresso machine", NULL);
  assert_push_refused (h, bus, in, parts);

  gst_buffer_unref (in);
  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

/* async: the label is looked up in the streaming thread and the worker
 * explains that class. */
GST_START_TEST (test_target_label_async)
{
  gchar **labels = read_labels ();
  GstVideoInfo info;
  GstElement *element = labelled_guidedbp ();
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;
  GstMessage *message;
  gint class_index;

  g_object_set (element, "async", TRUE, "post-messages", TRUE,
      "target-label", labels[fixture.target_class], NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  in = card_at (&info, 0);

  out = push_pull (h, in);
  gst_buffer_unref (out);
  message = wait_guidedbp_message (bus, RESULT_TIMEOUT);
  fail_unless (message != NULL, "no result in time");
  fail_unless (gst_structure_get_int (gst_message_get_structure (message),
          "class", &class_index));
  fail_unless_equals_int (class_index, fixture.target_class);
  gst_message_unref (message);

  gst_buffer_unref (in);
  harness_teardown_with_bus (h, bus);
  g_strfreev (labels);
}

GST_END_TEST;

static Suite *
results_suite (void)
{
  Suite *s = suite_create ("results");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_test (tc, test_meta_fields);
  tcase_add_test (tc, test_message_equals_meta);
  tcase_add_test (tc, test_top_k);
  tcase_add_test (tc, test_meta_interval);
  tcase_add_test (tc, test_meta_async);
  tcase_add_test (tc, test_meta_replaced_downstream);
  tcase_add_test (tc, test_target_label);
  tcase_add_test (tc, test_target_label_unknown_at_start);
  tcase_add_test (tc, test_target_label_unknown_while_playing);
  tcase_add_test (tc, test_target_label_async);
  return s;
}

GST_CHECK_MAIN (results);
