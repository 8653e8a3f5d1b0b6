/* guidedbp tests — async: the model in its own thread, on the newest frame
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The model runs are counted through the "guidedbp" messages
 * (post-messages=true): one per frame the model ran on, carrying that
 * frame's timestamp. The worker posts each result's message itself, from
 * its own thread, after publishing the result; a bus sync handler runs in
 * the thread that posts. So a test can hold the worker there (Hold below),
 * with a known result published, for as long as it needs: no timing is
 * assumed.
 */
#include <string.h>

#include "plugin-test-util.h"

#define SLOW_MODEL "element/slow.pt"

/* The "guidedbp" messages of an element, as they are posted: their
 * timestamps in order, and the worker held in the @block_at-th one (from
 * 1; 0: none) until hold_release(), or, with @hold_error, in posting an
 * error until hold_release_error(). Runs in the posting thread: no check
 * macros there. */
typedef struct
{
  GMutex lock;
  GCond cond;
  GArray *timestamps;           /* guint64, G_MAXUINT64: none in it */
  guint block_at;
  gboolean hold_error;
  gboolean held;
} Hold;

static GstBusSyncReply
hold_sync_handler (GstBus * bus, GstMessage * message, gpointer data)
{
  Hold *hold = data;
  guint64 timestamp = G_MAXUINT64;
  guint n;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    g_mutex_lock (&hold->lock);
    if (hold->hold_error) {
      hold->held = TRUE;
      g_cond_broadcast (&hold->cond);
      while (hold->hold_error)
        g_cond_wait (&hold->cond, &hold->lock);
      hold->held = FALSE;
    }
    g_mutex_unlock (&hold->lock);
    return GST_BUS_PASS;
  }
  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT
      || !gst_message_has_name (message, "guidedbp"))
    return GST_BUS_PASS;

  gst_structure_get_uint64 (gst_message_get_structure (message),
      "timestamp", &timestamp);
  g_mutex_lock (&hold->lock);
  g_array_append_val (hold->timestamps, timestamp);
  n = hold->timestamps->len;
  g_cond_broadcast (&hold->cond);
  if (n == hold->block_at) {
    hold->held = TRUE;
    g_cond_broadcast (&hold->cond);
    while (hold->block_at == n)
      g_cond_wait (&hold->cond, &hold->lock);
    hold->held = FALSE;
  }
  g_mutex_unlock (&hold->lock);
  gst_message_unref (message);
  return GST_BUS_DROP;
}

/* Records @element's messages (on a bus of its own, returned), holding the
 * worker at the @block_at-th. */
static GstBus *
hold_attach (Hold * hold, GstElement * element, guint block_at)
{
  GstBus *bus = bus_for (element);

  g_mutex_init (&hold->lock);
  g_cond_init (&hold->cond);
  hold->timestamps = g_array_new (FALSE, FALSE, sizeof (guint64));
  hold->block_at = block_at;
  hold->hold_error = FALSE;
  hold->held = FALSE;
  gst_bus_set_sync_handler (bus, hold_sync_handler, hold, NULL);
  return bus;
}

/* Waits until @n messages were posted (and, if the @n-th is the one to
 * hold at, the worker is held in it); fails after RESULT_TIMEOUT. */
static void
hold_wait (Hold * hold, guint n)
{
  gint64 deadline = g_get_monotonic_time () + RESULT_TIMEOUT / 1000;

  g_mutex_lock (&hold->lock);
  while (hold->timestamps->len < n
      || (n == hold->block_at && !hold->held)) {
    if (!g_cond_wait_until (&hold->cond, &hold->lock, deadline)) {
      guint got = hold->timestamps->len;

      g_mutex_unlock (&hold->lock);
      fail ("waited in vain for result %u (%u so far)", n, got);
    }
  }
  g_mutex_unlock (&hold->lock);
}

/* Lets the worker go on, to be held again at the @block_at-th message
 * (0: never). */
static void
hold_release (Hold * hold, guint block_at)
{
  g_mutex_lock (&hold->lock);
  hold->block_at = block_at;
  g_cond_broadcast (&hold->cond);
  g_mutex_unlock (&hold->lock);
}

/* The worker is held in posting its next error, from hold_wait_error()
 * (which returns once it is) until hold_release_error(). */
static void
hold_next_error (Hold * hold)
{
  g_mutex_lock (&hold->lock);
  hold->hold_error = TRUE;
  g_mutex_unlock (&hold->lock);
}

static void
hold_wait_error (Hold * hold)
{
  gint64 deadline = g_get_monotonic_time () + RESULT_TIMEOUT / 1000;

  g_mutex_lock (&hold->lock);
  while (!hold->held) {
    if (!g_cond_wait_until (&hold->cond, &hold->lock, deadline)) {
      g_mutex_unlock (&hold->lock);
      fail ("no error from the model's thread");
    }
  }
  g_mutex_unlock (&hold->lock);
}

static void
hold_release_error (Hold * hold)
{
  g_mutex_lock (&hold->lock);
  hold->hold_error = FALSE;
  g_cond_broadcast (&hold->cond);
  g_mutex_unlock (&hold->lock);
}

/* The messages' timestamps, in frames, as "0 3 6". */
static GString *
hold_describe (Hold * hold)
{
  GString *text = g_string_new (NULL);

  g_mutex_lock (&hold->lock);
  for (guint i = 0; i < hold->timestamps->len; i++)
    frames_append (text, g_array_index (hold->timestamps, guint64, i));
  g_mutex_unlock (&hold->lock);
  return text;
}

/* The model ran on exactly the frames @expected ("0 3 6"). */
static void
hold_assert_frames (Hold * hold, const gchar * expected)
{
  assert_frames (hold_describe (hold), expected);
}

/* A started harness around @element (taken) with async=true and
 * post-messages=true, fed @info's caps, its messages recorded by @hold
 * and the worker held at the @block_at-th; its bus in @bus. */
static GstHarness *
async_harness_new (GstElement * element, const GstVideoInfo * info,
    Hold * hold, guint block_at, GstBus ** bus)
{
  GstHarness *h;

  g_object_set (element, "async", TRUE, "post-messages", TRUE, NULL);
  h = harness_new (element, info);
  *bus = hold_attach (hold, h->element, block_at);
  return h;
}

/* Frees @hold; after the element stopped (its worker joined). */
static void
hold_clear (Hold * hold)
{
  g_array_unref (hold->timestamps);
  g_mutex_clear (&hold->lock);
  g_cond_clear (&hold->cond);
}

/* async: while the model works on a frame, the frames that come all leave
 * at once, with their timestamps and the latest result; when it is done
 * it takes the newest frame and skips the others. The worker is held after
 * its first result (frame 0) while frames 1..n-1 come, so the model must
 * then run on frame n-1 and on no other: 0 and n-1 in all. */
GST_START_TEST (test_async_newest_frame)
{
  const guint n = 40;
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *out;
  GstBus *bus;
  Hold hold;
  gchar *expected;
  GString *frames;
  guint8 *rgb;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = async_harness_new (element, &info, &hold, 1, &bus);
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
      /* The worker finished frame 0 and is held. */
      hold_wait (&hold, 1);
    } else {
      /* Frame 0's result, drawn as the engine draws it. */
      fail_unless_equals_uint64 (meta_timestamp (out), 0);
      if (i == 1)
        assert_engine_output (&info, fixture.card, TARGET_CLASS_TOP, out);
    }
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  fail_unless_equals_int (gst_harness_buffers_received (h), n);

  hold_release (&hold, 0);
  hold_wait (&hold, 2);
  frames = hold_describe (&hold);
  GST_INFO ("%u frames pushed, the model ran on frames %s", n, frames->str);
  g_string_free (frames, TRUE);
  expected = g_strdup_printf ("0 %u", n - 1);
  hold_assert_frames (&hold, expected);
  g_free (expected);

  /* Now the latest saliency is the card's: drawn as the engine draws it. */
  out = push_pull (h, card);
  assert_engine_output (&info, fixture.card, TARGET_CLASS_TOP, out);
  gst_buffer_unref (out);

  gst_buffer_unref (card);
  harness_teardown_with_bus (h, bus);
  hold_clear (&hold);
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
 * next frame: already while the worker posts it (held there), so that no
 * frame passes once the error can be seen. */
GST_START_TEST (test_async_error)
{
  const gchar *const parts[] = { "Invalid target class 10", NULL };
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *out;
  GstBus *bus;
  Hold hold;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = async_harness_new (element, &info, &hold, 0, &bus);
  hold_next_error (&hold);
  card = buffer_from_rgb (&info, fixture.card);

  g_object_set (h->element, "target-class", 10, NULL);
  out = push_pull (h, card);
  gst_buffer_unref (out);
  hold_wait_error (&hold);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (card)),
      GST_FLOW_ERROR);
  hold_release_error (&hold);
  assert_error_within (bus, RESULT_TIMEOUT, GST_LIBRARY_ERROR,
      GST_LIBRARY_ERROR_SETTINGS, parts, NULL);

  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (card)),
      GST_FLOW_ERROR);

  gst_buffer_unref (card);
  harness_teardown_with_bus (h, bus);
  hold_clear (&hold);
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

/* interval with async: only every interval-th frame goes to the model's
 * thread. Held after frame 0, frames 1 to 5 come: the next run is on
 * frame 3, the newest model frame, not on 4 or 5. */
GST_START_TEST (test_interval_async)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card;
  GstBus *bus;
  Hold hold;

  g_object_set (element, "interval", 3, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = async_harness_new (element, &info, &hold, 1, &bus);
  card = buffer_from_rgb (&info, fixture.card);

  for (guint i = 0; i < 12; i++) {
    GstBuffer *in = frame_at (card, i), *out;

    out = push_pull (h, in);
    if (i > 0)
      fail_unless (meta_timestamp (out) != G_MAXUINT64, "frame %u: no result "
          "drawn", i);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
    if (i == 0) {
      hold_wait (&hold, 1);
    } else if (i == 5) {
      hold_release (&hold, 0);
      hold_wait (&hold, 2);
      hold_assert_frames (&hold, "0 3");
    } else if (i == 6 || i == 9) {
      hold_wait (&hold, i / 3 + 1);
    }
  }
  harness_teardown_with_bus (h, bus);
  /* and no run on frames 10 and 11 */
  hold_assert_frames (&hold, "0 3 6 9");

  gst_buffer_unref (card);
  hold_clear (&hold);
}

GST_END_TEST;

/* async across flushes: nothing computed from a frame before a flush is
 * drawn after it, whether the result was still waiting to be taken (first
 * flush) or already drawn (second flush); the frame that waited for the
 * model when the stream flushed is never explained (frame 2). */
GST_START_TEST (test_async_flush)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *card, *in, *out;
  GstBus *bus;
  Hold hold;
  guint8 *rgb;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = async_harness_new (element, &info, &hold, 1, &bus);
  card = buffer_from_rgb (&info, fixture.card);

  /* Frame 0's result is published, not taken yet. */
  in = frame_at (card, 0);
  gst_buffer_unref (push_pull (h, in));
  gst_buffer_unref (in);
  hold_wait (&hold, 1);

  push_flush (h);
  in = frame_at (card, 1);
  out = push_pull (h, in);
  fail_unless_equals_uint64 (meta_timestamp (out), G_MAXUINT64);
  rgb = rgb_from_buffer (&info, out);
  for (gsize k = 0; k < rgb_size (&info); k++)
    fail_unless_equals_int (rgb[k], 127);
  g_free (rgb);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  hold_release (&hold, 2);
  hold_wait (&hold, 2);

  /* Frame 1's result is drawn on frame 2, which waits for the model. */
  in = frame_at (card, 2);
  out = push_pull (h, in);
  fail_unless_equals_uint64 (meta_timestamp (out), FRAME_DURATION);
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  push_flush (h);
  in = frame_at (card, 3);
  out = push_pull (h, in);
  fail_unless_equals_uint64 (meta_timestamp (out), G_MAXUINT64);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  hold_release (&hold, 0);
  hold_wait (&hold, 3);
  hold_assert_frames (&hold, "0 1 3");

  in = frame_at (card, 4);
  out = push_pull (h, in);
  fail_unless_equals_uint64 (meta_timestamp (out), 3 * FRAME_DURATION);
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  gst_buffer_unref (card);
  harness_teardown_with_bus (h, bus);
  hold_clear (&hold);
}

GST_END_TEST;

/* async: a flush while the model runs on a frame from before it. With a
 * slow model (tools/make-element-fixtures.py: hundreds of milliseconds a
 * frame) the flush lands in the middle of frame 0's run; whenever it lands,
 * no frame after the flush may show frame 0's result. */
GST_START_TEST (test_async_flush_while_running)
{
  gchar *model = data_path (SLOW_MODEL);
  GstVideoInfo info;
  GstElement *element = guidedbp_new (model);
  GstHarness *h;
  GstBuffer *card, *in;
  gint64 deadline;
  guint64 shown = G_MAXUINT64;

  g_object_set (element, "async", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  card = buffer_from_rgb (&info, fixture.card);

  in = frame_at (card, 0);
  gst_buffer_unref (push_pull (h, in));
  gst_buffer_unref (in);
  /* Not a timing assumption: only gives the worker the moment it needs to
   * take frame 0, so that the flush finds it running. */
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
  push_flush (h);

  deadline = g_get_monotonic_time () + RESULT_TIMEOUT / 1000;
  for (guint i = 1; shown == G_MAXUINT64; i++) {
    GstBuffer *out;

    fail_unless (g_get_monotonic_time () < deadline, "no result after the "
        "flush");
    in = frame_at (card, i);
    out = push_pull (h, in);
    shown = meta_timestamp (out);
    fail_unless (shown == G_MAXUINT64 || shown >= FRAME_DURATION,
        "frame %u, after the flush, shows the result of frame 0, from "
        "before it", i);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
    g_usleep (5 * G_TIME_SPAN_MILLISECOND);
  }

  gst_buffer_unref (card);
  gst_harness_teardown (h);
  g_free (model);
}

GST_END_TEST;

/* async across a caps change: frames of the new size leave at once with
 * the latest result (of a frame of the old size) drawn at their size, then
 * with the result of a frame of their own. */
GST_START_TEST (test_async_caps_change)
{
  GstVideoInfo small, large;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;
  Hold hold;
  RefOptions options;
  guint8 *large_card = load_data_file ("images/card-97x61.rgb", 97 * 61 * 3);
  guint8 *expected;
  gchar *caps;

  video_info_init (&small, "RGB", fixture.width, fixture.height);
  video_info_init (&large, "BGRx", 97, 61);
  h = async_harness_new (element, &small, &hold, 1, &bus);

  in = buffer_from_rgb (&small, fixture.card);
  GST_BUFFER_PTS (in) = 0;
  gst_buffer_unref (push_pull (h, in));
  gst_buffer_unref (in);
  hold_wait (&hold, 1);

  caps = caps_string (&large);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  in = buffer_from_rgb (&large, large_card);
  GST_BUFFER_PTS (in) = FRAME_DURATION;
  out = push_pull (h, in);
  fail_unless_equals_uint64 (gst_buffer_get_size (out), large.size);
  fail_unless_equals_uint64 (meta_timestamp (out), 0);
  ref_options_init (&options);
  options.out_width = 97;
  options.out_height = 61;
  options.over = large_card;
  expected = engine_render_full (&small, fixture.card, &options, NULL);
  fail_unless_equals_uint64 (count_mismatches (&large, expected, out), 0);
  g_free (expected);
  gst_buffer_unref (out);
  gst_buffer_unref (in);

  /* held again in frame 1's message, after its result is published: the
   * worker cannot finish frame 2 before the streaming thread takes the
   * latest result (released, a tiny model sometimes did) */
  hold_release (&hold, 2);
  hold_wait (&hold, 2);
  hold_assert_frames (&hold, "0 1");

  in = buffer_from_rgb (&large, large_card);
  GST_BUFFER_PTS (in) = 2 * FRAME_DURATION;
  out = push_pull (h, in);
  fail_unless_equals_uint64 (meta_timestamp (out), FRAME_DURATION);
  assert_engine_output (&large, large_card, TARGET_CLASS_TOP, out);
  gst_buffer_unref (out);
  gst_buffer_unref (in);
  hold_release (&hold, 0);

  g_free (large_card);
  harness_teardown_with_bus (h, bus);
  hold_clear (&hold);
}

GST_END_TEST;

static Suite *
async_suite (void)
{
  Suite *s = suite_create ("guidedbp-async");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_test (tc, test_async_newest_frame);
  tcase_add_test (tc, test_async_placeholder_overlay);
  tcase_add_test (tc, test_async_latency);
  tcase_add_test (tc, test_async_error);
  tcase_add_test (tc, test_async_stop_while_running);
  tcase_add_test (tc, test_interval_async);
  tcase_add_test (tc, test_async_flush);
  tcase_add_test (tc, test_async_flush_while_running);
  tcase_add_test (tc, test_async_caps_change);

  return s;
}

GST_CHECK_MAIN (async);
