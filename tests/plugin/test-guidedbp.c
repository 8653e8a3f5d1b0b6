/* guidedbp tests — the GStreamer element, through GstHarness
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Caps, properties, errors, lifecycle, QoS and latency of the default
 * (synchronous, gradient) element. The fixtures and the comparison with the
 * engine's own result are in plugin-test-util.h; render modes are tested in
 * test-render.c, interval and async in test-live.c.
 */
#include <math.h>
#include <string.h>

#include "plugin-test-util.h"

#define LABELS "labels/labels-10.txt"

/* ------------------------------------------------------------------ */
/* Tests                                                               */

GST_START_TEST (test_caps_every_format)
{
  GstVideoInfo rgb_info;
  GstBuffer *rgb_out;
  guint8 *reference;

  /* The RGB result is the reference for every other layout. */
  video_info_init (&rgb_info, "RGB", fixture.width, fixture.height);
  {
    GstHarness *h = harness_new (guidedbp_new (fixture.model), &rgb_info);
    GstBuffer *in = buffer_from_rgb (&rgb_info, fixture.card);

    rgb_out = push_pull (h, in);
    gst_buffer_unref (in);
    gst_harness_teardown (h);
  }
  reference = rgb_from_buffer (&rgb_info, rgb_out);
  gst_buffer_unref (rgb_out);

  for (guint i = 0; i < n_formats; i++) {
    GstVideoInfo info;
    GstHarness *h;
    GstBuffer *in, *out;
    GstCaps *in_caps, *out_caps;
    guint8 *rgb;

    video_info_init (&info, formats[i].name, fixture.width, fixture.height);
    h = harness_new (guidedbp_new (fixture.model), &info);
    in = buffer_from_rgb (&info, fixture.card);
    out = push_pull (h, in);

    in_caps = gst_pad_get_current_caps (h->srcpad);
    out_caps = gst_pad_get_current_caps (h->sinkpad);
    fail_unless (out_caps != NULL);
    fail_unless (gst_caps_is_equal (in_caps, out_caps),
        "%s: output caps %" GST_PTR_FORMAT, formats[i].name, out_caps);
    fail_unless_equals_uint64 (gst_buffer_get_size (out), info.size);

    rgb = rgb_from_buffer (&info, out);
    fail_unless (memcmp (rgb, reference,
            fixture.width * fixture.height * 3) == 0,
        "%s output differs from RGB output", formats[i].name);

    g_free (rgb);
    gst_caps_unref (in_caps);
    gst_caps_unref (out_caps);
    gst_buffer_unref (in);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
  g_free (reference);
}

GST_END_TEST;

GST_START_TEST (test_known_frame_matches_engine)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  in = buffer_from_rgb (&info, fixture.card);

  out = push_pull (h, in);
  assert_engine_output (&info, fixture.card, TARGET_CLASS_TOP, out);

  gst_buffer_unref (out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_target_class_changes_output)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *top, *target, *top_again;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  in = buffer_from_rgb (&info, fixture.card);

  top = push_pull (h, in);

  g_object_set (h->element, "target-class", fixture.target_class, NULL);
  target = push_pull (h, in);
  fail_unless (frames_differ (&info, top, target),
      "target-class %d gave the top class's output", fixture.target_class);
  assert_engine_output (&info, fixture.card, fixture.target_class, target);

  g_object_set (h->element, "target-class", -1, NULL);
  top_again = push_pull (h, in);
  fail_if (frames_differ (&info, top, top_again));

  gst_buffer_unref (top_again);
  gst_buffer_unref (target);
  gst_buffer_unref (top);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_target_class_out_of_range)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in;
  GstBus *bus;
  GstMessage *message;
  GError *error = NULL;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  bus = bus_for (h->element);
  in = buffer_from_rgb (&info, fixture.card);

  g_object_set (h->element, "target-class", 10, NULL);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in)),
      GST_FLOW_ERROR);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (message != NULL);
  gst_message_parse_error (message, &error, NULL);
  fail_unless (strstr (error->message, "10") != NULL, "%s", error->message);
  fail_unless (g_error_matches (error, GST_LIBRARY_ERROR,
          GST_LIBRARY_ERROR_SETTINGS));
  g_clear_error (&error);
  gst_message_unref (message);

  gst_buffer_unref (in);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A model that loads and then fails on a frame (element/fails-on-white.pt
 * raises on a white one): the frame fails the stream with an error naming
 * the model, the model's own message in the debug text; in async mode the
 * model's thread posts it and the next frame fails. */
GST_START_TEST (test_run_failed)
{
  gchar *model = data_path ("element/fails-on-white.pt");
  const gchar *const parts[] = { "Guided backpropagation failed", model,
    NULL
  };
  const gchar *const reason[] = { "deliberate failure on a white frame",
    NULL
  };
  GstVideoInfo info;
  GstElement *element;
  GstHarness *h;
  GstBuffer *card, *white, *out;
  GstBus *bus;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  card = buffer_from_rgb (&info, fixture.card);
  white = gst_buffer_new_allocate (NULL, info.size, NULL);
  gst_buffer_memset (white, 0, 0xff, info.size);

  for (guint async = 0; async < 2; async++) {
    element = guidedbp_new (model);
    g_object_set (element, "async", (gboolean) async, NULL);
    h = harness_new (element, &info);
    bus = bus_for (h->element);
    out = push_pull (h, card);
    gst_buffer_unref (out);
    if (async) {
      /* posted by the model's thread; the next frame fails */
      out = push_pull (h, white);
      gst_buffer_unref (out);
      assert_error_within (bus, RESULT_TIMEOUT, GST_LIBRARY_ERROR,
          GST_LIBRARY_ERROR_FAILED, parts, reason);
      fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (card)),
          GST_FLOW_ERROR);
    } else {
      fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (white)),
          GST_FLOW_ERROR);
      assert_error_within (bus, 0, GST_LIBRARY_ERROR,
          GST_LIBRARY_ERROR_FAILED, parts, reason);
    }
    harness_teardown_with_bus (h, bus);
  }

  gst_buffer_unref (card);
  gst_buffer_unref (white);
  g_free (model);
}

GST_END_TEST;

GST_START_TEST (test_post_messages)
{
  GstVideoInfo info;
  GstElement *element;
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;
  GstMessage *message;
  const GstStructure *s;
  gchar *labels = data_path (LABELS);
  gchar **label_lines;
  gchar *labels_text;
  guint64 timestamp, stream_time, running_time, processing_time;
  gint class_index;
  gdouble score;

  fail_unless (g_file_get_contents (labels, &labels_text, NULL, NULL));
  label_lines = g_strsplit (labels_text, "\n", -1);

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  element = guidedbp_new (fixture.model);
  g_object_set (element, "labels", labels, NULL);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  in = buffer_from_rgb (&info, fixture.card);
  GST_BUFFER_PTS (in) = 2 * GST_SECOND;

  /* Off by default. */
  out = push_pull (h, in);
  gst_buffer_unref (out);
  fail_unless (pop_guidedbp_message (bus) == NULL);

  g_object_set (h->element, "post-messages", TRUE, NULL);
  out = push_pull (h, in);
  gst_buffer_unref (out);
  message = pop_guidedbp_message (bus);
  fail_unless (message != NULL);
  fail_unless (GST_MESSAGE_SRC (message) == GST_OBJECT (h->element));
  s = gst_message_get_structure (message);
  GST_INFO ("message %" GST_PTR_FORMAT, s);
  fail_unless (gst_structure_get_uint64 (s, "timestamp", &timestamp));
  fail_unless (gst_structure_get_uint64 (s, "stream-time", &stream_time));
  fail_unless (gst_structure_get_uint64 (s, "running-time", &running_time));
  fail_unless (gst_structure_get_uint64 (s, "processing-time",
          &processing_time));
  fail_unless (gst_structure_get_int (s, "class", &class_index));
  fail_unless (gst_structure_get_double (s, "score", &score));
  fail_unless_equals_uint64 (timestamp, 2 * GST_SECOND);
  fail_unless_equals_uint64 (stream_time, 2 * GST_SECOND);
  fail_unless_equals_uint64 (running_time, 2 * GST_SECOND);
  fail_unless (processing_time > 0);
  fail_unless_equals_int (class_index, fixture.top_class);
  fail_unless (fabs (score - fixture.top_score) < 1e-4, "score %f", score);
  fail_unless_equals_string (gst_structure_get_string (s, "label"),
      label_lines[fixture.top_class]);
  gst_message_unref (message);

  /* Without labels there is no label field. */
  gst_harness_teardown (h);
  h = harness_new (guidedbp_new (fixture.model), &info);
  gst_element_set_bus (h->element, bus);
  g_object_set (h->element, "post-messages", TRUE, NULL);
  out = push_pull (h, in);
  gst_buffer_unref (out);
  message = pop_guidedbp_message (bus);
  fail_unless (message != NULL);
  fail_if (gst_structure_has_field (gst_message_get_structure (message),
          "label"));
  gst_message_unref (message);

  gst_buffer_unref (in);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_strfreev (label_lines);
  g_free (labels_text);
  g_free (labels);
}

GST_END_TEST;

GST_START_TEST (test_missing_model)
{
  GstElement *element = guidedbp_new ("/nonexistent/dir/missing-model.pt");

  assert_start_fails (element, "/nonexistent/dir/missing-model.pt",
      GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ);
  gst_object_unref (element);
}

GST_END_TEST;

static const gchar *bad_models[] = {
  "bad/empty.pt",
  "bad/random.pt",
  "bad/not-torchscript.zip",
  "bad/truncated-50.pt",
  "bad/returns-tuple.pt",
  "bad/expects-1-channel.pt",
  "bad/no-relu.pt",
};

GST_START_TEST (test_invalid_model)
{
  gchar *path = data_path (bad_models[__i__]);
  GstElement *element = guidedbp_new (path);

  assert_start_fails (element, path, 0, 0);
  gst_object_unref (element);
  g_free (path);
}

GST_END_TEST;

GST_START_TEST (test_bad_labels)
{
  GstElement *element = guidedbp_new (fixture.model);
  gchar *labels = data_path ("labels/labels-9.txt");

  g_object_set (element, "labels", labels, NULL);
  assert_start_fails (element, labels, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ);
  gst_object_unref (element);
  g_free (labels);
}

GST_END_TEST;

GST_START_TEST (test_mean_std_text)
{
  GstElement *element = guidedbp_new (fixture.model);
  gchar *text;

  g_object_get (element, "mean", &text, NULL);
  fail_unless_equals_string (text, "0.485,0.456,0.406");
  g_free (text);

  /* Bad text warns and keeps the old value. */
  g_object_set (element, "mean", "0.5,zero", "std", "", NULL);
  g_object_get (element, "mean", &text, NULL);
  fail_unless_equals_string (text, "0.485,0.456,0.406");
  g_free (text);
  g_object_get (element, "std", &text, NULL);
  fail_unless_equals_string (text, "0.229,0.224,0.225");
  g_free (text);

  g_object_set (element, "mean", " 0.5, 0.25 ,0.125", NULL);
  g_object_get (element, "mean", &text, NULL);
  fail_unless_equals_string (text, "0.5,0.25,0.125");
  g_free (text);

  /* A zero std parses but cannot start. */
  g_object_set (element, "std", "0.2,0,0.2", NULL);
  assert_start_fails (element, fixture.model, GST_LIBRARY_ERROR,
      GST_LIBRARY_ERROR_SETTINGS);
  gst_object_unref (element);
}

GST_END_TEST;

GST_START_TEST (test_resolution_change)
{
  static const struct
  {
    const gchar *format;
    guint width, height;
    const gchar *card;
  } steps[] = {
    {"RGB", 64, 64, "images/card-64x64.rgb"},
    {"RGB", 97, 61, "images/card-97x61.rgb"},   /* rows padded to 4 bytes */
    {"BGRx", 40, 30, "images/card-40x30.rgb"},
    {"RGB", 64, 64, "images/card-64x64.rgb"},
  };
  GstHarness *h = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++) {
    GstVideoInfo info;
    GstBuffer *in, *out;
    GstCaps *out_caps;
    guint8 *card;
    gint width, height;

    video_info_init (&info, steps[i].format, steps[i].width, steps[i].height);
    if (h == NULL) {
      h = harness_new (guidedbp_new (fixture.model), &info);
    } else {
      gchar *caps = caps_string (&info);

      gst_harness_set_src_caps_str (h, caps);
      g_free (caps);
    }
    card = load_data_file (steps[i].card, steps[i].width * steps[i].height * 3);
    in = buffer_from_rgb (&info, card);
    out = push_pull (h, in);

    out_caps = gst_pad_get_current_caps (h->sinkpad);
    fail_unless (gst_structure_get_int (gst_caps_get_structure (out_caps, 0),
            "width", &width));
    fail_unless (gst_structure_get_int (gst_caps_get_structure (out_caps, 0),
            "height", &height));
    fail_unless_equals_int (width, steps[i].width);
    fail_unless_equals_int (height, steps[i].height);
    fail_unless_equals_string (gst_structure_get_string
        (gst_caps_get_structure (out_caps, 0), "format"), steps[i].format);
    fail_unless_equals_uint64 (gst_buffer_get_size (out), info.size);

    assert_engine_output (&info, card, TARGET_CLASS_TOP, out);

    gst_caps_unref (out_caps);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
    g_free (card);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_state_cycles)
{
  GstElement *element = guidedbp_new (fixture.model);

  for (guint i = 0; i < 20; i++) {
    fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
  }
  gst_object_unref (element);
}

GST_END_TEST;

/* target-class set from two threads as fast as they can while frames flow:
 * each frame is explained for one of the two classes, whole: its meta names
 * the top class or the target, and its pixels are the engine's rendering
 * for that class, byte for byte (never one class's map with the other's
 * label, never a mix); and both values take effect. Frames go on past 30
 * until both were seen (each frame reads a fresh value: two in a row the
 * same about half the time). */
GST_START_TEST (test_stress_target_class)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in;
  GValue top = G_VALUE_INIT, target = G_VALUE_INIT;
  GstHarnessThread *t1, *t2;
  guint8 *expected_top, *expected_target;
  guint seen[2] = { 0, 0 };

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  in = buffer_from_rgb (&info, fixture.card);
  expected_top = engine_render (&info, fixture.card, TARGET_CLASS_TOP);
  expected_target = engine_render (&info, fixture.card, fixture.target_class);

  g_value_init (&top, G_TYPE_INT);
  g_value_set_int (&top, -1);
  g_value_init (&target, G_TYPE_INT);
  g_value_set_int (&target, fixture.target_class);
  t1 = gst_harness_stress_property_start_full (h, "target-class", &top, 100);
  t2 = gst_harness_stress_property_start_full (h, "target-class", &target,
      100);

  for (guint i = 0; i < 30 || (i < 300 && (seen[0] == 0 || seen[1] == 0));
      i++) {
    GstBuffer *out;
    GstCustomMeta *meta;
    gint class_index;
    gboolean is_target;
    gsize mismatches;

    GST_BUFFER_PTS (in) = i * GST_SECOND / 30;
    out = push_pull (h, in);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * GST_SECOND / 30);
    meta = gst_buffer_get_custom_meta (out, "GuidedBpMeta");
    fail_unless (meta != NULL, "frame %u has no result", i);
    fail_unless (gst_structure_get_int (gst_custom_meta_get_structure (meta),
            "class", &class_index));
    fail_unless (class_index == fixture.top_class
        || class_index == fixture.target_class,
        "frame %u explains class %d, neither the top one (%d) nor the "
        "target (%d)", i, class_index, fixture.top_class,
        fixture.target_class);
    is_target = class_index == fixture.target_class;
    mismatches = count_mismatches (&info, is_target ? expected_target :
        expected_top, out);
    fail_unless (mismatches == 0, "frame %u, explained for class %d: %"
        G_GSIZE_FORMAT " bytes differ from the engine's rendering for it", i,
        class_index, mismatches);
    seen[is_target]++;
    gst_buffer_unref (out);
  }
  GST_INFO ("%u frames explained for the top class, %u for the target",
      seen[0], seen[1]);
  fail_unless (seen[0] > 0 && seen[1] > 0, "of %u frames, %u explained the "
      "top class and %u the target", seen[0] + seen[1], seen[0], seen[1]);

  fail_unless (gst_harness_stress_thread_stop (t1) > 0);
  fail_unless (gst_harness_stress_thread_stop (t2) > 0);
  g_value_unset (&top);
  g_value_unset (&target);
  g_free (expected_top);
  g_free (expected_target);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_timestamps_preserved)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  in = buffer_from_rgb (&info, fixture.card);

  for (guint i = 0; i < 5; i++) {
    GstBuffer *buffer = gst_buffer_copy (in);
    GstBuffer *out;
    GstBufferFlags flags = i == 0 ? GST_BUFFER_FLAG_DISCONT :
        GST_BUFFER_FLAG_DELTA_UNIT;

    GST_BUFFER_PTS (buffer) = GST_SECOND + i * 40 * GST_MSECOND;
    GST_BUFFER_DTS (buffer) = GST_SECOND + i * 40 * GST_MSECOND - 1;
    GST_BUFFER_DURATION (buffer) = 40 * GST_MSECOND;
    GST_BUFFER_OFFSET (buffer) = i;
    GST_BUFFER_OFFSET_END (buffer) = i + 1;
    GST_BUFFER_FLAG_SET (buffer, flags);
    out = push_pull (h, buffer);

    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), GST_BUFFER_PTS (buffer));
    fail_unless_equals_uint64 (GST_BUFFER_DTS (out), GST_BUFFER_DTS (buffer));
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (out),
        GST_BUFFER_DURATION (buffer));
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (out), i);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (out), i + 1);
    fail_unless (GST_BUFFER_FLAG_IS_SET (out, flags));
    gst_buffer_unref (out);
    gst_buffer_unref (buffer);
  }
  fail_unless_equals_int (gst_harness_buffers_received (h), 5);

  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_qos_drops_late_frames)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;
  GstMessage *message;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  bus = bus_for (h->element);
  in = buffer_from_rgb (&info, fixture.card);
  GST_BUFFER_DURATION (in) = 40 * GST_MSECOND;

  /* Downstream says: frames before ~2 s would be late. */
  fail_unless (gst_harness_push_upstream_event (h,
          gst_event_new_qos (GST_QOS_TYPE_UNDERFLOW, 1.5,
              500 * GST_MSECOND, GST_SECOND)));

  GST_BUFFER_PTS (in) = 500 * GST_MSECOND;
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in)),
      GST_FLOW_OK);
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_QOS);
  fail_unless (message != NULL, "no QoS message for the dropped frame");
  gst_message_unref (message);

  GST_BUFFER_PTS (in) = 10 * GST_SECOND;
  out = push_pull (h, in);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), 10 * GST_SECOND);
  gst_buffer_unref (out);

  gst_buffer_unref (in);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_latency)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;
  GstMessage *message;
  GstQuery *query;
  GstClockTime min, max;
  gboolean live;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  bus = bus_for (h->element);
  gst_harness_set_upstream_latency (h, 10 * GST_MSECOND);
  in = buffer_from_rgb (&info, fixture.card);

  /* Nothing measured yet: upstream's latency only. */
  query = gst_query_new_latency ();
  fail_unless (gst_pad_peer_query (h->sinkpad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 10 * GST_MSECOND);
  gst_query_unref (query);

  out = push_pull (h, in);
  gst_buffer_unref (out);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_LATENCY);
  fail_unless (message != NULL, "no latency message after the first frame");
  gst_message_unref (message);

  query = gst_query_new_latency ();
  fail_unless (gst_pad_peer_query (h->sinkpad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless (live);
  fail_unless (min > 10 * GST_MSECOND, "min latency %" GST_TIME_FORMAT,
      GST_TIME_ARGS (min));
  if (GST_CLOCK_TIME_IS_VALID (max))
    fail_unless (max >= min);
  gst_query_unref (query);

  gst_buffer_unref (in);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
guidedbp_suite (void)
{
  Suite *s = suite_create ("guidedbp");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_test (tc, test_caps_every_format);
  tcase_add_test (tc, test_known_frame_matches_engine);
  tcase_add_test (tc, test_target_class_changes_output);
  tcase_add_test (tc, test_target_class_out_of_range);
  tcase_add_test (tc, test_run_failed);
  tcase_add_test (tc, test_post_messages);
  tcase_add_test (tc, test_missing_model);
  tcase_add_loop_test (tc, test_invalid_model, 0, G_N_ELEMENTS (bad_models));
  tcase_add_test (tc, test_bad_labels);
  tcase_add_test (tc, test_mean_std_text);
  tcase_add_test (tc, test_resolution_change);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_stress_target_class);
  tcase_add_test (tc, test_timestamps_preserved);
  tcase_add_test (tc, test_qos_drops_late_frames);
  tcase_add_test (tc, test_latency);

  return s;
}

GST_CHECK_MAIN (guidedbp);
