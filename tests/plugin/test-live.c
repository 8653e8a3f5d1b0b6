/* guidedbp tests — live behaviour: interval
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The model runs are counted through the "guidedbp" messages
 * (post-messages=true): one per frame the model ran on, carrying that
 * frame's timestamp. async, with interval too: test-async.c.
 */
#include <string.h>

#include "plugin-test-util.h"

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

/* The frames the model ran on in synchronous mode (their messages on
 * @bus, taken off it), as "0 3 6". */
/* The frames of the guidedbp messages on @bus (taken from it) are
 * @expected. */
static void
assert_model_frames (GstBus * bus, const gchar * expected)
{
  GString *frames = g_string_new (NULL);
  GstMessage *message;

  while ((message = pop_guidedbp_message (bus)) != NULL) {
    frames_append (frames, message_timestamp (message));
    gst_message_unref (message);
  }
  assert_frames (frames, expected);
}

/* interval=3 counts afresh after a flush and after a discontinuity: the
 * model runs on the first frame after each (there, frame 2, the mirrored
 * card, is explained for itself). */
GST_START_TEST (test_interval_restarts)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *mirrored, *out;
  GstBus *bus;
  guint8 *mirrored_rgb = mirrored_card ();

  g_object_set (element, "interval", 3, "post-messages", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  card = buffer_from_rgb (&info, fixture.card);
  mirrored = buffer_from_rgb (&info, mirrored_rgb);

  for (guint i = 0; i < 8; i++) {
    GstBuffer *in = frame_at (i == 2 ? mirrored : card, i);

    if (i == 2)
      push_flush (h);
    if (i == 4)
      GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_DISCONT);
    out = push_pull (h, in);
    if (i == 2)
      assert_engine_output (&info, mirrored_rgb, TARGET_CLASS_TOP, out);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  assert_model_frames (bus, "0 2 4 7");

  gst_buffer_unref (card);
  gst_buffer_unref (mirrored);
  g_free (mirrored_rgb);
  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

/* interval changed while playing applies from the next frame, counted
 * from the last frame the model ran on: the model runs once that many
 * frames have passed since (at once, if that many already have). */
GST_START_TEST (test_interval_live_change)
{
  static const struct
  {
    guint frame;
    guint interval;
  } changes[] = {
    {3, 4},                     /* 2 ran: 6 next */
    {7, 1},                     /* every frame */
    {9, 3},                     /* 8 ran: 11 next */
    {12, 5},                    /* 11 ran: 16 next, but... */
    {14, 2},                    /* ...3 frames since 11: 14 at once */
  };
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card;
  GstBus *bus;
  guint next = 0;

  g_object_set (element, "interval", 2, "post-messages", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  card = buffer_from_rgb (&info, fixture.card);

  for (guint i = 0; i < 17; i++) {
    GstBuffer *in = frame_at (card, i), *out;

    if (next < G_N_ELEMENTS (changes) && changes[next].frame == i)
      g_object_set (h->element, "interval", changes[next++].interval, NULL);
    out = push_pull (h, in);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  assert_model_frames (bus, "0 2 6 7 8 11 14 16");

  gst_buffer_unref (card);
  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

static Suite *
live_suite (void)
{
  Suite *s = suite_create ("guidedbp-live");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_test (tc, test_interval);
  tcase_add_test (tc, test_interval_draws_over_current_frame);
  tcase_add_test (tc, test_interval_restarts);
  tcase_add_test (tc, test_interval_live_change);

  return s;
}

GST_CHECK_MAIN (live);
