/* guidedbp tests — inference-region=roi-list: per-object explanations
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The boxes are GstVideoRegionOfInterestMeta the tests attach. Each box's
 * result is compared with the element's own full-frame result on the
 * box's crop pushed as a frame of its own (class, score, top classes, and
 * the rendered pixels), so these tests check the per-object plumbing; the
 * batch itself is checked against single runs in tests/core/test-regions.c.
 */
#include <string.h>

#include "plugin-test-util.h"

#define WIDTH 160
#define HEIGHT 120

/* A frame unlike any card crop of the model's size: the card tiled, each
 * tile's colours shifted. Packed RGB. */
static guint8 *
scene_rgb (guint shift)
{
  guint8 *rgb = g_malloc (WIDTH * HEIGHT * 3);

  for (guint y = 0; y < HEIGHT; y++)
    for (guint x = 0; x < WIDTH; x++)
      for (guint c = 0; c < 3; c++)
        rgb[(y * WIDTH + x) * 3 + c] = fixture.card[((y % 64) * 64
                + (x + shift) % 64) * 3 + c] + 37 * ((x / 64 + y / 64 + c
                + shift) % 3);
  return rgb;
}

typedef struct
{
  gint id;
  const gchar *type;
  guint x, y, w, h;
} Box;

static GstBuffer *
buffer_with_boxes (const GstVideoInfo * info, const guint8 * rgb,
    const Box * boxes, guint n)
{
  GstBuffer *buffer = buffer_from_rgb (info, rgb);

  for (guint i = 0; i < n; i++) {
    GstVideoRegionOfInterestMeta *meta =
        gst_buffer_add_video_region_of_interest_meta (buffer, boxes[i].type,
        boxes[i].x, boxes[i].y, boxes[i].w, boxes[i].h);

    meta->id = boxes[i].id;
  }
  GST_BUFFER_PTS (buffer) = 0;
  GST_BUFFER_DURATION (buffer) = FRAME_DURATION;
  return buffer;
}

/* The box clamped to the frame. */
static void
clamp_box (const Box * box, guint * x, guint * y, guint * w, guint * h)
{
  *x = box->x;
  *y = box->y;
  *w = MIN (box->x + box->w, WIDTH) - box->x;
  *h = MIN (box->y + box->h, HEIGHT) - box->y;
}

static guint8 *
crop_rgb (const guint8 * rgb, guint x, guint y, guint w, guint h)
{
  guint8 *out = g_malloc ((gsize) w * h * 3);

  for (guint r = 0; r < h; r++)
    memcpy (out + (gsize) r * w * 3, rgb + ((gsize) (y + r) * WIDTH + x) * 3,
        (gsize) w * 3);
  return out;
}

static GstElement *
objects_element (void)
{
  GstElement *element = guidedbp_new (fixture.model);

  g_object_set (element, "inference-region", 1 /* roi-list */ , NULL);
  return element;
}

static const GstStructure *
buffer_result (GstBuffer * buffer)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buffer, "GuidedBpMeta");

  fail_unless (meta != NULL, "no GuidedBpMeta");
  return gst_custom_meta_get_structure (meta);
}

static const GstStructure *
box_param (GstBuffer * buffer, gint id)
{
  GstVideoRegionOfInterestMeta *meta =
      gst_buffer_get_video_region_of_interest_meta_id (buffer, id);

  fail_unless (meta != NULL, "box %d lost its meta", id);
  return gst_video_region_of_interest_meta_get_param (meta, "guidedbp");
}

/* The per-buffer fields: the explained ids, the skipped and invalid
 * counts. */
static void
assert_buffer_fields (GstBuffer * buffer, const gint * ids, guint n_ids,
    guint skipped, guint invalid)
{
  const GstStructure *s = buffer_result (buffer);
  const GValue *array = gst_structure_get_value (s, "roi-ids");
  guint value;

  fail_unless (array != NULL && GST_VALUE_HOLDS_ARRAY (array));
  fail_unless_equals_int (gst_value_array_get_size (array), n_ids);
  for (guint i = 0; i < n_ids; i++)
    fail_unless_equals_int (g_value_get_int (gst_value_array_get_value (array,
                i)), ids[i]);
  /* objects: each explained box's result with its id, in that order */
  array = gst_structure_get_value (s, "objects");
  fail_unless (array != NULL && GST_VALUE_HOLDS_ARRAY (array));
  fail_unless_equals_int (gst_value_array_get_size (array), n_ids);
  for (guint i = 0; i < n_ids; i++) {
    const GstStructure *object =
        gst_value_get_structure (gst_value_array_get_value (array, i));
    gint id;

    fail_unless (gst_structure_get_int (object, "roi-id", &id));
    fail_unless_equals_int (id, ids[i]);
    fail_unless (gst_structure_has_field (object, "class")
        && gst_structure_has_field (object, "x")
        && gst_structure_has_field (object, "h"));
  }
  fail_unless (gst_structure_get_uint (s, "rois-skipped", &value));
  fail_unless_equals_int (value, skipped);
  fail_unless (gst_structure_get_uint (s, "rois-invalid", &value));
  fail_unless_equals_int (value, invalid);
  fail_unless (gst_structure_has_field (s, "processing-time"));
}

/* The full-frame result (render-mode none) and rendering (gradient) of
 * the packed RGB @rgb, @w x @h, through fresh elements. */
static void
full_frame_of (const guint8 * rgb, guint w, guint h, GstStructure ** result,
    guint8 ** rendered)
{
  GstVideoInfo info;
  GstElement *element;
  GstHarness *h1;
  GstBuffer *in, *out;

  video_info_init (&info, "RGB", w, h);
  in = buffer_from_rgb (&info, rgb);

  element = guidedbp_new (fixture.model);
  g_object_set (element, "render-mode", 100 /* none */ , NULL);
  h1 = harness_new (element, &info);
  out = push_pull (h1, in);
  *result = gst_structure_copy (buffer_result (out));
  gst_buffer_unref (out);
  gst_harness_teardown (h1);

  element = guidedbp_new (fixture.model);
  h1 = harness_new (element, &info);
  out = push_pull (h1, in);
  *rendered = rgb_from_buffer (&info, out);
  gst_buffer_unref (out);
  gst_harness_teardown (h1);
  gst_buffer_unref (in);
}

/* @param carries what the full-frame run of its crop says. */
static void
assert_param_like (const GstStructure * param, const GstStructure * full,
    gint id)
{
  gint class_index, full_class;
  gdouble score, full_score;
  const GValue *top, *full_top;

  fail_unless (param != NULL, "box %d has no guidedbp param", id);
  fail_unless (gst_structure_get_int (param, "class", &class_index));
  fail_unless (gst_structure_get_int (full, "class", &full_class));
  fail_unless_equals_int (class_index, full_class);
  fail_unless (gst_structure_get_double (param, "score", &score));
  fail_unless (gst_structure_get_double (full, "score", &full_score));
  fail_unless (fabs (score - full_score) <= 1e-5 * full_score,
      "box %d: score %g, its crop alone %g", id, score, full_score);
  top = gst_structure_get_value (param, "top-classes");
  full_top = gst_structure_get_value (full, "top-classes");
  fail_unless (top != NULL && full_top != NULL);
  fail_unless (gst_value_compare (top, full_top) == GST_VALUE_EQUAL,
      "box %d: top classes differ from its crop's", id);
  fail_unless (gst_structure_has_field (param, "top-scores"));
}

/* Boxes inside, partly outside, overlapping: each box's param is its
 * crop's full-frame result; pixels of a box no other box covers are the
 * crop's own rendering; every pixel outside the boxes is the input's. */
START_TEST (test_boxes_explained_like_their_crops)
{
  static const Box boxes[] = {
    {1, "face", 4, 6, 64, 64},
    {2, "face", 90, 10, 60, 70},
    {3, "car", 130, 90, 60, 60},      /* partly outside: 30x30 */
    {4, "face", 40, 30, 50, 50},      /* overlaps box 1 */
  };
  static const gint ids[] = { 1, 2, 3, 4 };
  g_autofree guint8 *rgb = scene_rgb (0);
  g_autofree guint8 *out_rgb = NULL;
  g_autofree gboolean *covered = g_new0 (gboolean, WIDTH * HEIGHT);
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  guint changed_inside = 0;

  video_info_init (&info, "RGB", WIDTH, HEIGHT);
  h = harness_new (objects_element (), &info);
  in = buffer_with_boxes (&info, rgb, boxes, G_N_ELEMENTS (boxes));
  out = push_pull (h, in);
  assert_buffer_fields (out, ids, G_N_ELEMENTS (ids), 0, 0);
  out_rgb = rgb_from_buffer (&info, out);

  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++) {
    guint x, y, w, hh;
    g_autofree guint8 *crop = NULL;
    g_autofree guint8 *rendered = NULL;
    GstStructure *full;

    clamp_box (&boxes[i], &x, &y, &w, &hh);
    crop = crop_rgb (rgb, x, y, w, hh);
    full_frame_of (crop, w, hh, &full, &rendered);
    assert_param_like (box_param (out, boxes[i].id), full, boxes[i].id);
    gst_structure_free (full);

    for (guint r = 0; r < hh; r++)
      for (guint c = 0; c < w; c++)
        covered[(y + r) * WIDTH + x + c] = TRUE;
    /* boxes 2 and 3 overlap nothing: drawn exactly as their crops */
    if (boxes[i].id == 2 || boxes[i].id == 3) {
      for (guint r = 0; r < hh; r++)
        fail_unless (memcmp (out_rgb + ((gsize) (y + r) * WIDTH + x) * 3,
                rendered + (gsize) r * w * 3, (gsize) w * 3) == 0,
            "box %d row %u is not its crop's rendering", boxes[i].id, r);
    }
  }
  for (guint p = 0; p < WIDTH * HEIGHT; p++) {
    if (covered[p])
      changed_inside += memcmp (out_rgb + p * 3, rgb + p * 3, 3) != 0;
    else
      fail_unless (memcmp (out_rgb + p * 3, rgb + p * 3, 3) == 0,
          "pixel %u,%u outside the boxes changed", p % WIDTH, p / WIDTH);
  }
  fail_unless (changed_inside > 0, "nothing drawn inside the boxes");

  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
END_TEST

/* Boxes sharing an id (facedetect gives every box id 0): the buffer's
 * objects list each with its own place and its own crop's result. */
START_TEST (test_boxes_sharing_an_id)
{
  static const Box boxes[] = {
    {0, "face", 2, 3, 40, 30},
    {0, "face", 60, 20, 36, 44},
  };
  static const gint ids[] = { 0, 0 };
  g_autofree guint8 *rgb = scene_rgb (3);
  const GValue *objects;
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;

  video_info_init (&info, "RGB", WIDTH, HEIGHT);
  h = harness_new (objects_element (), &info);
  in = buffer_with_boxes (&info, rgb, boxes, G_N_ELEMENTS (boxes));
  out = push_pull (h, in);
  assert_buffer_fields (out, ids, G_N_ELEMENTS (ids), 0, 0);
  objects = gst_structure_get_value (buffer_result (out), "objects");
  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++) {
    const GstStructure *object =
        gst_value_get_structure (gst_value_array_get_value (objects, i));
    guint x, y, w, hh, got_x, got_w;
    g_autofree guint8 *crop = NULL;
    g_autofree guint8 *rendered = NULL;
    GstStructure *full;

    fail_unless (gst_structure_get_uint (object, "x", &got_x)
        && gst_structure_get_uint (object, "w", &got_w));
    fail_unless_equals_int (got_x, boxes[i].x);
    fail_unless_equals_int (got_w, boxes[i].w);
    clamp_box (&boxes[i], &x, &y, &w, &hh);
    crop = crop_rgb (rgb, x, y, w, hh);
    full_frame_of (crop, w, hh, &full, &rendered);
    assert_param_like (object, full, i);
    gst_structure_free (full);
  }
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
END_TEST

/* Zero-sized and outside boxes are not explained and are counted; a frame
 * whose boxes all are passes unchanged, with one warning for the stream. */
START_TEST (test_invalid_boxes)
{
  static const Box some[] = {
    {1, "face", 10, 10, 0, 20},       /* zero-sized */
    {2, "face", 20, 20, 30, 30},
    {3, "face", 200, 10, 20, 20},     /* outside */
  };
  static const gint ids[] = { 2 };
  g_autofree guint8 *rgb = scene_rgb (5);
  GstVideoInfo info;
  GstHarness *h;
  GstBus *bus;
  GstBuffer *in, *out;
  GstMessage *message;

  video_info_init (&info, "RGB", WIDTH, HEIGHT);
  h = harness_new (objects_element (), &info);
  bus = bus_for (h->element);

  in = buffer_with_boxes (&info, rgb, some, G_N_ELEMENTS (some));
  out = push_pull (h, in);
  assert_buffer_fields (out, ids, 1, 0, 2);
  fail_unless (box_param (out, 2) != NULL);
  fail_unless (box_param (out, 1) == NULL);
  fail_unless (box_param (out, 3) == NULL);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL);
  gst_buffer_unref (in);
  gst_buffer_unref (out);

  /* every box invalid, twice: unchanged frames, a warning once */
  for (guint i = 0; i < 2; i++) {
    Box bad[] = { some[0], some[2] };

    in = buffer_with_boxes (&info, rgb, bad, G_N_ELEMENTS (bad));
    GST_BUFFER_PTS (in) = (i + 1) * FRAME_DURATION;
    out = push_pull (h, in);
    fail_if (frames_differ (&info, in, out), "frame %u changed", i);
    assert_buffer_fields (out, NULL, 0, 0, 2);
    fail_unless (box_param (out, 1) == NULL && box_param (out, 3) == NULL);
    message = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
    if (i == 0) {
      GError *error = NULL;
      gchar *debug = NULL;

      fail_unless (message != NULL, "no warning for all-invalid boxes");
      gst_message_parse_warning (message, &error, &debug);
      fail_unless (strstr (error->message, "zero-sized or outside") != NULL,
          "%s", error->message);
      g_clear_error (&error);
      g_free (debug);
      gst_message_unref (message);
    } else {
      fail_unless (message == NULL, "warned twice");
    }
    gst_buffer_unref (in);
    gst_buffer_unref (out);
  }
  harness_teardown_with_bus (h, bus);
}
END_TEST

/* Beyond max-objects boxes are skipped and counted; a frame without boxes
 * passes unchanged with an empty list. */
START_TEST (test_max_objects_and_no_boxes)
{
  static const Box boxes[] = {
    {10, "face", 0, 0, 40, 40},
    {11, "face", 40, 0, 40, 40},
    {12, "face", 80, 0, 40, 40},
    {13, "face", 0, 40, 40, 40},
    {14, "face", 40, 40, 40, 40},
  };
  static const gint ids[] = { 10, 11, 12 };
  g_autofree guint8 *rgb = scene_rgb (9);
  GstVideoInfo info;
  GstElement *element = objects_element ();
  GstHarness *h;
  GstBuffer *in, *out;

  g_object_set (element, "max-objects", 3, NULL);
  video_info_init (&info, "RGB", WIDTH, HEIGHT);
  h = harness_new (element, &info);

  in = buffer_with_boxes (&info, rgb, boxes, G_N_ELEMENTS (boxes));
  out = push_pull (h, in);
  assert_buffer_fields (out, ids, 3, 2, 0);
  for (guint i = 0; i < G_N_ELEMENTS (boxes); i++)
    fail_unless ((box_param (out, boxes[i].id) != NULL) == (i < 3),
        "box %d", boxes[i].id);
  gst_buffer_unref (in);
  gst_buffer_unref (out);

  in = buffer_with_boxes (&info, rgb, NULL, 0);
  out = push_pull (h, in);
  fail_if (frames_differ (&info, in, out), "a frame without boxes changed");
  assert_buffer_fields (out, NULL, 0, 0, 0);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
END_TEST

/* object-class picks the boxes by type; render-mode none passes the frame
 * in place with the params. */
START_TEST (test_object_class_and_none)
{
  static const Box boxes[] = {
    {1, "face", 0, 0, 50, 50},
    {2, "car", 60, 0, 50, 50},
    {3, "person", 100, 50, 50, 50},
  };
  static const gint ids[] = { 1, 3 };
  g_autofree guint8 *rgb = scene_rgb (3);
  GstVideoInfo info;
  GstElement *element = objects_element ();
  GstHarness *h;
  GstBuffer *in, *out;

  g_object_set (element, "object-class", " person,face ", "render-mode",
      100 /* none */ , NULL);
  video_info_init (&info, "RGB", WIDTH, HEIGHT);
  h = harness_new (element, &info);
  in = buffer_with_boxes (&info, rgb, boxes, G_N_ELEMENTS (boxes));
  out = push_pull (h, in);
  fail_if (frames_differ (&info, in, out), "render-mode none drew");
  assert_buffer_fields (out, ids, 2, 0, 0);
  fail_unless (box_param (out, 1) != NULL);
  fail_unless (box_param (out, 2) == NULL);
  fail_unless (box_param (out, 3) != NULL);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
}
END_TEST

static guint8 *
box_pixels (GstBuffer * buffer, const GstVideoInfo * info, const Box * box)
{
  g_autofree guint8 *rgb = rgb_from_buffer (info, buffer);

  return crop_rgb (rgb, box->x, box->y, box->w, box->h);
}

/* Smoothing follows the box id: the same id keeps its history, a new id
 * starts over, an id missing from a frame is forgotten. */
START_TEST (test_smoothing_per_id)
{
  Box box = { 1, "face", 20, 20, 64, 64 };
  g_autofree guint8 *first = scene_rgb (0);
  g_autofree guint8 *second = scene_rgb (17);
  g_autofree guint8 *fresh = NULL;
  GstVideoInfo info;
  GstElement *element;
  GstHarness *h, *ref;
  GstBuffer *in, *out;
  gsize size = (gsize) box.w * box.h * 3;

  video_info_init (&info, "RGB", WIDTH, HEIGHT);

  /* the second frame's box rendered without history */
  element = objects_element ();
  g_object_set (element, "smoothing", 0.5, NULL);
  ref = harness_new (element, &info);
  in = buffer_with_boxes (&info, second, &box, 1);
  out = push_pull (ref, in);
  fresh = box_pixels (out, &info, &box);
  gst_buffer_unref (in);
  gst_buffer_unref (out);
  gst_harness_teardown (ref);

  element = objects_element ();
  g_object_set (element, "smoothing", 0.5, NULL);
  h = harness_new (element, &info);
  for (guint i = 0; i < 4; i++) {
    static const gint frame_ids[] = { 1, 1, 7, 1 };
    g_autofree guint8 *pixels = NULL;

    box.id = frame_ids[i];
    in = buffer_with_boxes (&info, i == 0 ? first : second, &box, 1);
    GST_BUFFER_PTS (in) = i * FRAME_DURATION;
    out = push_pull (h, in);
    pixels = box_pixels (out, &info, &box);
    if (i == 1)
      fail_unless (memcmp (pixels, fresh, size) != 0,
          "id 1 again: no history used");
    else if (i >= 2)
      fail_unless (memcmp (pixels, fresh, size) == 0,
          "frame %u (id %d): history not started over", i, box.id);
    gst_buffer_unref (in);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}
END_TEST

/* roi-list refuses async and an interval other than 1, naming them; and
 * max-objects out of range. */
START_TEST (test_refused_combinations)
{
  static const struct
  {
    const gchar *property;
    guint value;
    const gchar *words;
  } refused[] = {
    {"async", TRUE, "'async'"},
    {"interval", 2, "'interval'"},
    {"max-objects", 0, "max-objects"},
    {"max-objects", 257, "max-objects"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    GstElement *element = objects_element ();
    GstBus *bus = bus_for (element);
    const gchar *parts[] = { refused[i].words, NULL };

    if (g_str_equal (refused[i].property, "async"))
      g_object_set (element, "async", TRUE, NULL);
    else
      g_object_set (element, refused[i].property, refused[i].value, NULL);
    fail_unless (gst_element_set_state (element, GST_STATE_PAUSED)
        == GST_STATE_CHANGE_FAILURE, "%s: started", refused[i].property);
    assert_error_names (bus, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
        parts);
    gst_element_set_state (element, GST_STATE_NULL);
    gst_element_set_bus (element, NULL);
    gst_object_unref (bus);
    gst_object_unref (element);
  }
}
END_TEST

/* Switching to roi-list while playing with an interval fails streaming,
 * naming the properties; back to full-frame works. */
START_TEST (test_live_switch)
{
  static const Box box = { 1, "face", 10, 10, 40, 40 };
  g_autofree guint8 *rgb = scene_rgb (1);
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBus *bus;
  GstBuffer *in, *out;
  const gchar *parts[] = { "'inference-region'", "'interval'", NULL };

  video_info_init (&info, "RGB", WIDTH, HEIGHT);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  in = buffer_with_boxes (&info, rgb, &box, 1);

  out = push_pull (h, in);      /* full-frame: no param */
  fail_unless (box_param (out, 1) == NULL);
  gst_buffer_unref (out);

  g_object_set (h->element, "inference-region", 1, NULL);
  out = push_pull (h, in);
  fail_unless (box_param (out, 1) != NULL);
  gst_buffer_unref (out);

  g_object_set (h->element, "interval", 3, NULL);
  assert_push_refused (h, bus, in, parts);
  gst_buffer_unref (in);
  harness_teardown_with_bus (h, bus);
}
END_TEST

static Suite *
objects_suite (void)
{
  Suite *s = suite_create ("guidedbp-objects");
  TCase *tc = tcase_create ("general");

  tcase_add_unchecked_fixture (tc, fixture_load, fixture_free);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_boxes_explained_like_their_crops);
  tcase_add_test (tc, test_invalid_boxes);
  tcase_add_test (tc, test_boxes_sharing_an_id);
  tcase_add_test (tc, test_max_objects_and_no_boxes);
  tcase_add_test (tc, test_object_class_and_none);
  tcase_add_test (tc, test_smoothing_per_id);
  tcase_add_test (tc, test_refused_combinations);
  tcase_add_test (tc, test_live_switch);
  return s;
}

GST_CHECK_MAIN (objects);
