/* guidedbp tests — render-mode none and the annotate property
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * none: the frame leaves as it came, in the same memory, with its
 * GuidedBpMeta. annotate: the label is drawn in the top-left corner and
 * nowhere else, at a size that follows the frame height.
 */
#include <string.h>

#include "plugin-test-util.h"

#define META_NAME "GuidedBpMeta"
#define GRAY 128

/* The bounding box of the pixels that differ between two packed RGB
 * images; n == 0 when none does. */
typedef struct
{
  guint x0, y0, x1, y1;         /* x1, y1 exclusive */
  gsize n;
} Box;

static Box
changed_box (const guint8 * a, const guint8 * b, guint width, guint height)
{
  Box box = { width, height, 0, 0, 0 };

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++) {
      const gsize i = ((gsize) y * width + x) * 3;

      if (memcmp (a + i, b + i, 3) == 0)
        continue;
      box.x0 = MIN (box.x0, x);
      box.y0 = MIN (box.y0, y);
      box.x1 = MAX (box.x1, x + 1);
      box.y1 = MAX (box.y1, y + 1);
      box.n++;
    }
  return box;
}

/* Pixels of @rgb inside @box whose three channels are all >= 200: the
 * white text. */
static gsize
white_pixels (const guint8 * rgb, guint width, const Box * box)
{
  gsize n = 0;

  for (guint y = box->y0; y < box->y1; y++)
    for (guint x = box->x0; x < box->x1; x++) {
      const guint8 *p = rgb + ((gsize) y * width + x) * 3;

      if (p[0] >= 200 && p[1] >= 200 && p[2] >= 200)
        n++;
    }
  return n;
}

/* A copy of @buffer's bytes, whatever its format. */
static guint8 *
bytes_of (GstBuffer * buffer, gsize * size)
{
  GstMapInfo map;
  guint8 *bytes;

  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  bytes = g_memdup2 (map.data, map.size);
  *size = map.size;
  gst_buffer_unmap (buffer, &map);
  return bytes;
}

static gboolean
same_bytes (GstBuffer * a, GstBuffer * b)
{
  gsize na, nb;
  guint8 *x = bytes_of (a, &na), *y = bytes_of (b, &nb);
  gboolean same = na == nb && memcmp (x, y, na) == 0;

  g_free (x);
  g_free (y);
  return same;
}

static gint
meta_class (GstBuffer * buffer)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buffer, META_NAME);
  gint class_index = -100;

  fail_unless (meta != NULL, "no " META_NAME);
  fail_unless (gst_structure_get_int (gst_custom_meta_get_structure (meta),
          "class", &class_index));
  return class_index;
}

/* The frame leaves in the memory it came in, every byte as it was
 * (padding too: nothing writes to it), with the result. */
GST_START_TEST (test_none_passes_in_place)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *in, *out;

  gst_util_set_object_arg (G_OBJECT (element), "render-mode", "none");
  video_info_init (&info, "BGRx", fixture.width, fixture.height);
  h = harness_new (element, &info);
  in = buffer_from_rgb (&info, fixture.card);

  for (guint i = 0; i < 3; i++) {
    out = push_pull (h, in);
    fail_unless (gst_buffer_peek_memory (out, 0) ==
        gst_buffer_peek_memory (in, 0), "frame %u was copied", i);
    fail_unless (same_bytes (in, out), "frame %u changed", i);
    fail_unless_equals_int (meta_class (out), fixture.top_class);
    gst_buffer_unref (out);
  }
  /* the input never got a meta: the output is another GstBuffer */
  fail_unless (gst_buffer_get_custom_meta (in, META_NAME) == NULL);

  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Switching to none and back while playing: the element goes in place and
 * back to its buffer pool without a frame lost or garbled. */
GST_START_TEST (test_none_live_switch)
{
  static const gchar *modes[] = { "gradient", "none", "gradient", "none",
    "overlay", "none"
  };
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  in = buffer_from_rgb (&info, fixture.card);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++) {
    GstBuffer *out;

    gst_util_set_object_arg (G_OBJECT (h->element), "render-mode", modes[i]);
    out = push_pull (h, in);
    if (g_str_equal (modes[i], "none")) {
      fail_unless (gst_buffer_peek_memory (out, 0) ==
          gst_buffer_peek_memory (in, 0), "step %u: copied", i);
      fail_unless (same_bytes (in, out), "step %u: changed", i);
    } else if (g_str_equal (modes[i], "gradient")) {
      assert_engine_output (&info, fixture.card, TARGET_CLASS_TOP, out);
    } else {
      fail_unless (frames_differ (&info, in, out), "step %u: no overlay", i);
    }
    fail_unless_equals_int (meta_class (out), fixture.top_class);
    gst_buffer_unref (out);
  }
  fail_unless (same_bytes (in, in));

  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* overlay and gradcam draw over the frame: a frame that is only ours is
 * drawn on where it came, a frame shared with another holder is copied
 * first (that holder's stays as it was), and both come out as the
 * library draws them. Modes that replace the frame render into a new
 * buffer. */
GST_START_TEST (test_overlay_drawn_in_place)
{
  static const struct
  {
    const gchar *nick;
    gint mode;                  /* GbpRenderMode value */
    gboolean in_place;
  } modes[] = {
    {"overlay", 5, TRUE}, {"gradcam", 6, TRUE}, {"gray", 1, FALSE},
  };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++) {
    GstVideoInfo info;
    GstElement *element = guidedbp_new (fixture.model);
    RefOptions options;
    g_autofree guint8 *expected = NULL;
    GstHarness *h;
    GstBuffer *in, *out, *kept, *pristine;
    GstMemory *memory;

    gst_util_set_object_arg (G_OBJECT (element), "render-mode",
        modes[i].nick);
    video_info_init (&info, "BGRx", fixture.width, fixture.height);
    pristine = buffer_from_rgb (&info, fixture.card);
    h = harness_new (element, &info);
    ref_options_init (&options);
    options.mode = modes[i].mode;
    expected = engine_render_full (&info, fixture.card, &options, NULL);
    fail_unless (expected != NULL);

    /* only ours: the harness's push takes the one reference */
    in = buffer_from_rgb (&info, fixture.card);
    memory = gst_buffer_peek_memory (in, 0);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    out = gst_harness_pull (h);
    fail_unless ((gst_buffer_peek_memory (out, 0) == memory) ==
        modes[i].in_place, "%s: drawn %s", modes[i].nick,
        modes[i].in_place ? "into another buffer" : "in place");
    fail_unless_equals_uint64 (count_mismatches (&info, expected, out), 0);
    gst_buffer_unref (out);

    /* shared: drawn on a copy */
    kept = buffer_from_rgb (&info, fixture.card);
    out = push_pull (h, kept);
    fail_unless (gst_buffer_peek_memory (out, 0) !=
        gst_buffer_peek_memory (kept, 0), "%s: drew on a shared frame",
        modes[i].nick);
    fail_unless_equals_uint64 (count_mismatches (&info, expected, out), 0);
    fail_unless (same_bytes (kept, pristine),
        "%s: the shared frame changed", modes[i].nick);
    gst_buffer_unref (out);
    gst_buffer_unref (kept);
    gst_buffer_unref (pristine);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

/* async with none: every frame passes unchanged at once; the meta comes
 * with the first result. */
GST_START_TEST (test_none_async)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBus *bus;
  GstMessage *message;
  GstBuffer *in, *out;

  gst_util_set_object_arg (G_OBJECT (element), "render-mode", "none");
  g_object_set (element, "async", TRUE, "post-messages", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  in = buffer_from_rgb (&info, fixture.card);

  out = push_pull (h, in);
  fail_unless (same_bytes (in, out));
  gst_buffer_unref (out);
  message = wait_guidedbp_message (bus, 60 * GST_SECOND);
  fail_unless (message != NULL, "no result in time");
  gst_message_unref (message);
  out = push_pull (h, in);
  fail_unless (same_bytes (in, out));
  fail_unless_equals_int (meta_class (out), fixture.top_class);
  gst_buffer_unref (out);

  gst_buffer_unref (in);
  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

/* The box of changed pixels between the output without and with annotate
 * (render mode @mode, target class @target), on @rgb of @width x @height;
 * checks that the box holds white text. */
static Box
annotation_box (const gchar * mode, gint target, const guint8 * rgb,
    guint width, guint height, gboolean labels)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *in, *plain, *annotated;
  guint8 *a, *b;
  Box box;

  if (labels) {
    gchar *path = data_path ("labels/labels-10.txt");

    g_object_set (element, "labels", path, NULL);
    g_free (path);
  }
  gst_util_set_object_arg (G_OBJECT (element), "render-mode", mode);
  g_object_set (element, "target-class", target, NULL);
  video_info_init (&info, "RGB", width, height);
  h = harness_new (element, &info);
  in = buffer_from_rgb (&info, rgb);

  plain = push_pull (h, in);
  g_object_set (h->element, "annotate", TRUE, NULL);
  annotated = push_pull (h, in);

  a = rgb_from_buffer (&info, plain);
  b = rgb_from_buffer (&info, annotated);
  box = changed_box (a, b, width, height);
  GST_INFO ("%s %ux%u target %d: %" G_GSIZE_FORMAT " pixels changed in "
      "%u,%u-%u,%u, %" G_GSIZE_FORMAT " white", mode, width, height, target,
      box.n, box.x0, box.y0, box.x1, box.y1, white_pixels (b, width, &box));
  fail_unless (box.n > 0, "annotate drew nothing");
  fail_unless (white_pixels (b, width, &box) > 0, "no white text");

  g_free (a);
  g_free (b);
  gst_buffer_unref (plain);
  gst_buffer_unref (annotated);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
  return box;
}

static guint8 *
gray_frame (guint width, guint height)
{
  const gsize size = (gsize) width * height * 3;
  guint8 *rgb = g_malloc (size);

  memset (rgb, GRAY, size);
  return rgb;
}

/* Over the saliency of a 64x64 frame: a box in the top-left corner, with
 * text at least the minimum size. */
GST_START_TEST (test_annotate_corner)
{
  Box box = annotation_box ("gradient", TARGET_CLASS_TOP, fixture.card,
      fixture.width, fixture.height, TRUE);

  fail_unless (box.x0 <= 4 && box.y0 <= 4, "box at %u,%u", box.x0, box.y0);
  fail_unless (box.y1 - box.y0 >= 10, "box %u pixels high", box.y1 - box.y0);
  fail_unless (box.y1 <= fixture.height, "box covers the frame");
}

GST_END_TEST;

/* The text follows the frame height: at 4K the box is 1/24 of the height
 * (plus line spacing and padding), not the minimum of a frame 64 pixels
 * high (wide enough for one line: at 64x64 the label wraps). */
GST_START_TEST (test_annotate_scales)
{
  const guint width = 3840, height = 2160;
  guint8 *gray = gray_frame (width, height);
  guint8 *small = gray_frame (640, 64);
  Box big = annotation_box ("none", TARGET_CLASS_TOP, gray, width, height,
      TRUE);
  Box little = annotation_box ("none", TARGET_CLASS_TOP, small, 640, 64,
      TRUE);
  guint big_height = big.y1 - big.y0, little_height = little.y1 - little.y0;

  /* the whole box darkens the gray: it is the changed area */
  fail_unless (big.y0 > 0 && big.y0 < 100 && big.x0 < 100);
  fail_unless (big_height >= height / 24 && big_height <= height / 6,
      "4K box %u pixels high", big_height);
  fail_unless (little_height >= 10 && little_height <= 32,
      "640x64 box %u pixels high", little_height);
  fail_unless (big_height > 5 * little_height, "%u against %u at 640x64",
      big_height, little_height);
  g_free (gray);
  g_free (small);
}

GST_END_TEST;

/* A target adds the top class's line: a taller box. */
GST_START_TEST (test_annotate_target)
{
  guint8 *gray = gray_frame (640, 480);
  Box top = annotation_box ("none", TARGET_CLASS_TOP, gray, 640, 480, TRUE);
  Box target = annotation_box ("none", fixture.target_class, gray, 640, 480,
      TRUE);

  fail_unless (target.y1 - target.y0 > (top.y1 - top.y0) * 3 / 2,
      "one line %u high, two lines %u", top.y1 - top.y0,
      target.y1 - target.y0);
  g_free (gray);
}

GST_END_TEST;

/* none + annotate writes the label on the frame: a frame someone else
 * holds is copied first, never changed under them. */
GST_START_TEST (test_annotate_none_copy_on_write)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *in, *before, *out;

  gst_util_set_object_arg (G_OBJECT (element), "render-mode", "none");
  g_object_set (element, "annotate", TRUE, NULL);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  in = buffer_from_rgb (&info, fixture.card);
  before = gst_buffer_copy_deep (in);

  out = push_pull (h, in);
  fail_unless (same_bytes (in, before), "the input frame was written to");
  fail_unless (frames_differ (&info, in, out), "no label drawn");
  fail_unless_equals_int (meta_class (out), fixture.top_class);

  gst_buffer_unref (out);
  gst_buffer_unref (before);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
passthrough_suite (void)
{
  Suite *s = suite_create ("passthrough");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_test (tc, test_none_passes_in_place);
  tcase_add_test (tc, test_none_live_switch);
  tcase_add_test (tc, test_overlay_drawn_in_place);
  tcase_add_test (tc, test_none_async);
  tcase_add_test (tc, test_annotate_corner);
  tcase_add_test (tc, test_annotate_scales);
  tcase_add_test (tc, test_annotate_target);
  tcase_add_test (tc, test_annotate_none_copy_on_write);
  return s;
}

GST_CHECK_MAIN (passthrough);
