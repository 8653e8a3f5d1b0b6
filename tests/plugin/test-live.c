/* guidedbp tests — live behaviour: interval and async
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The model runs are counted through the "guidedbp" messages
 * (post-messages=true): one per frame the model ran on, carrying that
 * frame's timestamp.
 */
#include <string.h>

#include "plugin-test-util.h"

#define FRAME_DURATION (GST_SECOND / 30)
#define RESULT_TIMEOUT (60 * GST_SECOND)

static GstBuffer *
frame_at (GstBuffer * frame, guint i)
{
  GstBuffer *buffer = gst_buffer_copy (frame);

  GST_BUFFER_PTS (buffer) = i * FRAME_DURATION;
  GST_BUFFER_DURATION (buffer) = FRAME_DURATION;
  return buffer;
}

static guint64
message_timestamp (GstMessage * message)
{
  guint64 timestamp;

  fail_unless (gst_structure_get_uint64 (gst_message_get_structure (message),
          "timestamp", &timestamp));
  return timestamp;
}

/* interval=3: ten frames in, ten out with their timestamps, the model ran
 * on frames 0, 3, 6, 9. */
GST_START_TEST (test_interval)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card;
  GstBus *bus;
  GstMessage *message;
  guint runs = 0;

  g_object_set (element, "interval", 3, "post-messages", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  card = buffer_from_rgb (&info, fixture.card);

  for (guint i = 0; i < 10; i++) {
    GstBuffer *in = frame_at (card, i);
    GstBuffer *out = push_pull (h, in);

    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * FRAME_DURATION);
    fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), FRAME_DURATION);
    /* Same frame, same saliency, whether computed or reused. */
    if (i == 0 || i == 1)
      assert_engine_output (&info, fixture.card, TARGET_CLASS_TOP, out);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  fail_unless_equals_int (gst_harness_buffers_received (h), 10);

  while ((message = pop_guidedbp_message (bus)) != NULL) {
    fail_unless_equals_uint64 (message_timestamp (message),
        runs * 3 * FRAME_DURATION);
    runs++;
    gst_message_unref (message);
  }
  fail_unless_equals_int (runs, 4);

  gst_buffer_unref (card);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Frames in between show the last saliency drawn over themselves. */
GST_START_TEST (test_interval_draws_over_current_frame)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *a, *b, *out;
  guint8 *mirrored = mirrored_card ();
  RefOptions options;
  guint8 *expected;

  gst_util_set_object_arg (G_OBJECT (element), "render-mode", "overlay");
  g_object_set (element, "interval", 2, NULL);
  video_info_init (&info, "RGBx", fixture.width, fixture.height);
  h = harness_new (element, &info);
  a = buffer_from_rgb (&info, fixture.card);
  b = buffer_from_rgb (&info, mirrored);

  ref_options_init (&options);
  options.mode = 5;             /* overlay */
  expected = engine_render_full (&info, fixture.card, &options, NULL);
  out = push_pull (h, a);
  fail_unless_equals_uint64 (count_mismatches (&info, expected, out), 0);
  gst_buffer_unref (out);
  g_free (expected);

  /* The card's saliency over the mirrored frame. */
  options.over = mirrored;
  expected = engine_render_full (&info, fixture.card, &options, NULL);
  out = push_pull (h, b);
  fail_unless_equals_uint64 (count_mismatches (&info, expected, out), 0);
  gst_buffer_unref (out);
  g_free (expected);

  gst_buffer_unref (a);
  gst_buffer_unref (b);
  g_free (mirrored);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* async: frames pushed faster than the model all come out at once with
 * their timestamps; the model takes the newest frame each time, so the
 * frames it explains have increasing timestamps and it ends on the last
 * one pushed. */
GST_START_TEST (test_async_newest_frame)
{
  const guint n = 40;
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *out;
  GstBus *bus;
  GstMessage *message;
  guint64 last = 0;
  guint runs = 0;
  gboolean first = TRUE;
  guint8 *rgb;

  g_object_set (element, "async", TRUE, "post-messages", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  card = buffer_from_rgb (&info, fixture.card);

  for (guint i = 0; i < n; i++) {
    GstBuffer *in = frame_at (card, i);

    out = push_pull (h, in);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * FRAME_DURATION);
    if (i == 0) {
      /* No saliency yet: the gradient mode's mid-gray. */
      rgb = rgb_from_buffer (&info, out);
      for (gsize k = 0; k < rgb_size (&info); k++)
        fail_unless_equals_int (rgb[k], 127);
      g_free (rgb);
    }
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  fail_unless_equals_int (gst_harness_buffers_received (h), n);

  do {
    message = wait_guidedbp_message (bus, RESULT_TIMEOUT);
    fail_unless (message != NULL, "no result for the last frame");
    if (!first)
      fail_unless (message_timestamp (message) > last,
          "frame %" G_GUINT64_FORMAT " explained after frame %"
          G_GUINT64_FORMAT, message_timestamp (message), last);
    last = message_timestamp (message);
    first = FALSE;
    runs++;
    gst_message_unref (message);
  } while (last != (n - 1) * FRAME_DURATION);
  GST_INFO ("%u frames pushed, the model ran on %u", n, runs);
  fail_unless (runs <= n);

  /* Now the latest saliency is the card's: drawn as the engine draws it. */
  out = push_pull (h, card);
  assert_engine_output (&info, fixture.card, TARGET_CLASS_TOP, out);
  gst_buffer_unref (out);

  gst_buffer_unref (card);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Before the first result, modes drawn over the frame show the frame. */
GST_START_TEST (test_async_placeholder_overlay)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *out;
  guint8 *rgb;

  g_object_set (element, "async", TRUE, NULL);
  gst_util_set_object_arg (G_OBJECT (element), "render-mode", "overlay");
  video_info_init (&info, "xBGR", fixture.width, fixture.height);
  h = harness_new (element, &info);
  card = buffer_from_rgb (&info, fixture.card);

  out = push_pull (h, card);
  rgb = rgb_from_buffer (&info, out);
  fail_unless (memcmp (rgb, fixture.card, rgb_size (&info)) == 0);
  g_free (rgb);
  gst_buffer_unref (out);

  gst_buffer_unref (card);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* async adds no latency. */
GST_START_TEST (test_async_latency)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *out;
  GstBus *bus;
  GstMessage *message;
  GstQuery *query;
  GstClockTime min, max;
  gboolean live;

  g_object_set (element, "async", TRUE, "post-messages", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  gst_harness_set_upstream_latency (h, 10 * GST_MSECOND);
  card = buffer_from_rgb (&info, fixture.card);

  out = push_pull (h, card);
  gst_buffer_unref (out);
  message = wait_guidedbp_message (bus, RESULT_TIMEOUT);
  fail_unless (message != NULL);
  gst_message_unref (message);
  out = push_pull (h, card);
  gst_buffer_unref (out);

  fail_if (gst_bus_pop_filtered (bus, GST_MESSAGE_LATENCY) != NULL);
  query = gst_query_new_latency ();
  fail_unless (gst_pad_peer_query (h->sinkpad, query));
  gst_query_parse_latency (query, &live, &min, &max);
  fail_unless (live);
  fail_unless_equals_uint64 (min, 10 * GST_MSECOND);
  gst_query_unref (query);

  gst_buffer_unref (card);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* An engine error in the model's thread is posted from there and fails the
 * next frame. */
GST_START_TEST (test_async_error)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *out;
  GstBus *bus;
  GstMessage *message;
  GError *error = NULL;

  g_object_set (element, "async", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  card = buffer_from_rgb (&info, fixture.card);

  g_object_set (h->element, "target-class", 10, NULL);
  out = push_pull (h, card);
  gst_buffer_unref (out);
  message = gst_bus_timed_pop_filtered (bus, RESULT_TIMEOUT,
      GST_MESSAGE_ERROR);
  fail_unless (message != NULL, "no error from the model's thread");
  gst_message_parse_error (message, &error, NULL);
  fail_unless (g_error_matches (error, GST_LIBRARY_ERROR,
          GST_LIBRARY_ERROR_SETTINGS));
  fail_unless (strstr (error->message, "10") != NULL, "%s", error->message);
  g_clear_error (&error);
  gst_message_unref (message);

  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (card)),
      GST_FLOW_ERROR);

  gst_buffer_unref (card);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Stopping while the model's thread is busy never deadlocks. */
GST_START_TEST (test_async_stop_while_running)
{
  GstVideoInfo info;
  GstBuffer *card;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  card = buffer_from_rgb (&info, fixture.card);

  for (guint round = 0; round < 10; round++) {
    GstElement *element = guidedbp_new (fixture.model);
    GstHarness *h;

    g_object_set (element, "async", TRUE, "post-messages", TRUE, NULL);
    h = harness_new (element, &info);
    for (guint i = 0; i < 1 + round % 4; i++) {
      GstBuffer *in = frame_at (card, i);
      GstBuffer *out = push_pull (h, in);

      gst_buffer_unref (out);
      gst_buffer_unref (in);
    }
    /* Straight to NULL, a run most likely in progress. */
    fail_unless_equals_int (gst_element_set_state (h->element,
            GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    gst_harness_teardown (h);
  }
  gst_buffer_unref (card);
}

GST_END_TEST;

static Suite *
live_suite (void)
{
  Suite *s = suite_create ("guidedbp-live");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  tcase_add_unchecked_fixture (tc, fixture_load, fixture_free);
  suite_add_tcase (s, tc);

  tcase_add_test (tc, test_interval);
  tcase_add_test (tc, test_interval_draws_over_current_frame);
  tcase_add_test (tc, test_async_newest_frame);
  tcase_add_test (tc, test_async_placeholder_overlay);
  tcase_add_test (tc, test_async_latency);
  tcase_add_test (tc, test_async_error);
  tcase_add_test (tc, test_async_stop_while_running);

  return s;
}

GST_CHECK_MAIN (live);
