/* guidedbp tests — YUV frames through the element (GstHarness)
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NV12, I420 and YUY2 in and out: caps kept, odd sizes, padded strides,
 * the fixture card encoded by GStreamer's own converter explained like the
 * card given as RGB (same class, a close picture once converted back), and
 * the warning a refused format gets.
 */
#include <math.h>
#include <string.h>

#include "plugin-test-util.h"

static const gchar *yuv_formats[] = { "NV12", "I420", "YUY2" };

/* @buffer (in @from) converted by GstVideoConverter to @to. */
static GstBuffer *
convert (const GstVideoInfo * from, GstBuffer * buffer,
    const GstVideoInfo * to)
{
  GstVideoConverter *converter = gst_video_converter_new ((GstVideoInfo *)
      from, (GstVideoInfo *) to, NULL);
  GstBuffer *out = gst_buffer_new_allocate (NULL, to->size, NULL);
  GstVideoFrame in_frame, out_frame;

  fail_unless (converter != NULL);
  fail_unless (gst_video_frame_map (&in_frame, from, buffer, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&out_frame, to, out, GST_MAP_WRITE));
  gst_video_converter_frame (converter, &in_frame, &out_frame);
  gst_video_frame_unmap (&in_frame);
  gst_video_frame_unmap (&out_frame);
  gst_video_converter_free (converter);
  return out;
}

/* A @format copy of packed RGB @rgb, as a decoder would give it. */
static GstBuffer *
yuv_buffer (const GstVideoInfo * info, const guint8 * rgb)
{
  GstVideoInfo rgb_info;
  GstBuffer *packed, *yuv;

  video_info_init (&rgb_info, "RGB", GST_VIDEO_INFO_WIDTH (info),
      GST_VIDEO_INFO_HEIGHT (info));
  packed = buffer_from_rgb (&rgb_info, rgb);
  yuv = convert (&rgb_info, packed, info);
  gst_buffer_unref (packed);
  return yuv;
}

/* Packed RGB of a @info buffer, by GstVideoConverter. */
static guint8 *
rgb_of (const GstVideoInfo * info, GstBuffer * buffer)
{
  GstVideoInfo rgb_info;
  GstBuffer *packed;
  guint8 *rgb;

  video_info_init (&rgb_info, "RGB", GST_VIDEO_INFO_WIDTH (info),
      GST_VIDEO_INFO_HEIGHT (info));
  packed = convert (info, buffer, &rgb_info);
  rgb = rgb_from_buffer (&rgb_info, packed);
  gst_buffer_unref (packed);
  return rgb;
}

/* Bytes of a row of plane @p that hold pixels (YUY2: whole macropixels). */
static gsize
row_bytes (const GstVideoFrame * frame, guint p)
{
  if (GST_VIDEO_FRAME_FORMAT (frame) == GST_VIDEO_FORMAT_YUY2)
    return 4 * (gsize) ((GST_VIDEO_FRAME_WIDTH (frame) + 1) / 2);
  return (gsize) GST_VIDEO_FRAME_COMP_WIDTH (frame, p) *
      GST_VIDEO_FRAME_COMP_PSTRIDE (frame, p);
}

/* The luma (@chroma FALSE) or chroma bytes of @buffer, packed; @n: how
 * many. */
static guint8 *
pixel_bytes (const GstVideoInfo * info, GstBuffer * buffer, gboolean chroma,
    gsize * n)
{
  GstVideoFrame frame;
  guint8 *bytes = g_malloc (info->size), *p = bytes;

  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  for (guint plane = 0; plane < GST_VIDEO_FRAME_N_PLANES (&frame); plane++)
    for (guint y = 0; y < (guint) GST_VIDEO_FRAME_COMP_HEIGHT (&frame, plane);
        y++) {
      const guint8 *row = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&frame,
          plane) + y * GST_VIDEO_FRAME_PLANE_STRIDE (&frame, plane);

      for (gsize i = 0; i < row_bytes (&frame, plane); i++) {
        /* YUY2: Y0 U Y1 V */
        gboolean is_chroma = GST_VIDEO_FRAME_FORMAT (&frame) ==
            GST_VIDEO_FORMAT_YUY2 ? i % 2 == 1 : plane > 0;

        if (is_chroma == chroma)
          *p++ = row[i];
      }
    }
  gst_video_frame_unmap (&frame);
  *n = p - bytes;
  return bytes;
}

/* The element's output for @in (caps @info) and its class. */
static GstBuffer *
run_element (const GstVideoInfo * info, GstBuffer * in, const gchar * mode,
    gint * class_index)
{
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBus *bus;
  GstBuffer *out;
  GstMessage *message;
  GstCaps *in_caps, *out_caps;

  g_object_set (element, "post-messages", TRUE, NULL);
  if (mode != NULL)
    gst_util_set_object_arg (G_OBJECT (element), "render-mode", mode);
  h = harness_new (element, info);
  bus = bus_for (h->element);
  out = push_pull (h, in);

  in_caps = gst_pad_get_current_caps (h->srcpad);
  out_caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (gst_caps_is_equal (in_caps, out_caps), "output caps %"
      GST_PTR_FORMAT, out_caps);
  fail_unless_equals_uint64 (gst_buffer_get_size (out), info->size);
  message = pop_guidedbp_message (bus);
  fail_unless (message != NULL);
  fail_unless (gst_structure_get_int (gst_message_get_structure (message),
          "class", class_index));

  gst_message_unref (message);
  gst_caps_unref (in_caps);
  gst_caps_unref (out_caps);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  return out;
}

/* The card as a decoder would give it, in YUV, against the same frame
 * converted to RGB first (GStreamer's converter, as videoconvert would):
 * the same class, and outputs that differ by the conversions' rounding
 * only, the RGB output encoded in the YUV format by the converter to
 * compare them plane by plane. */
GST_START_TEST (test_known_frame_like_rgb)
{
  static const gchar *modes[] = { "gradient", "heatmap", "overlay" };
  GstVideoInfo rgb_info, info;
  GstBuffer *rgb_in, *rgb_out, *in, *out;
  guint8 *expected, *actual;
  gint rgb_class, yuv_class;
  gdouble r, mean;
  gsize n;

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++) {
    guint8 *converted;

    video_info_init (&info, yuv_formats[__i__], fixture.width,
        fixture.height);
    video_info_init (&rgb_info, "RGB", fixture.width, fixture.height);
    in = yuv_buffer (&info, fixture.card);
    if (GST_VIDEO_INFO_FORMAT (&info) == GST_VIDEO_FORMAT_I420) {
      /* the converter's I420 -> RGB repeats chroma samples (its fast
       * path); through NV12, a plane shuffle, it interpolates them */
      GstVideoInfo nv12;
      GstBuffer *shuffled;

      video_info_init (&nv12, "NV12", fixture.width, fixture.height);
      shuffled = convert (&info, in, &nv12);
      converted = rgb_of (&nv12, shuffled);
      gst_buffer_unref (shuffled);
    } else {
      converted = rgb_of (&info, in);
    }
    rgb_in = buffer_from_rgb (&rgb_info, converted);
    g_free (converted);

    rgb_out = run_element (&rgb_info, rgb_in, modes[m], &rgb_class);
    out = run_element (&info, in, modes[m], &yuv_class);
    fail_unless_equals_int (yuv_class, rgb_class);
    for (guint chroma = 0; chroma < 2; chroma++) {
      guint8 *rgb = rgb_from_buffer (&rgb_info, rgb_out);
      GstBuffer *encoded = yuv_buffer (&info, rgb);

      expected = pixel_bytes (&info, encoded, chroma, &n);
      actual = pixel_bytes (&info, out, chroma, &n);
      r = byte_correlation (actual, expected, n);
      mean = 0;
      for (gsize i = 0; i < n; i++)
        mean += fabs ((gdouble) actual[i] - expected[i]);
      mean /= n;
      g_print ("%s %s %s: correlation with the RGB-first output encoded by "
          "GstVideoConverter %.4f, mean difference %.2f levels\n",
          yuv_formats[__i__], modes[m], chroma ? "chroma" : "luma", r, mean);
      /* Not equal: the model sees the YUV frame as the engine converts
       * it (chroma resampled from its own resolution), the RGB-first frame
       * as GstVideoConverter does (its own chroma filter, per format),
       * which moves a small model's gradient; and the converter filters
       * and sites its chroma subsampling where the renderer averages what
       * each chroma sample covers. tests/core/test-resize.c checks the
       * conversion itself; bench/yuv-correlation.py measures a real photo
       * through a real network. */
      fail_unless (r > 0.95, "%s %s %s: correlation %f", yuv_formats[__i__],
          modes[m], chroma ? "chroma" : "luma", r);
      fail_unless (mean < 8.0, "%s %s %s: %f levels", yuv_formats[__i__],
          modes[m], chroma ? "chroma" : "luma", mean);
      gst_buffer_unref (encoded);
      g_free (rgb);
      g_free (expected);
      g_free (actual);
    }
    gst_buffer_unref (rgb_in);
    gst_buffer_unref (rgb_out);
    gst_buffer_unref (in);
    gst_buffer_unref (out);
  }
}

GST_END_TEST;

/* Odd widths and heights (4:2:0 chroma rounds up), and rows padded
 * through GstVideoMeta: caps kept, every byte of the frame written, the
 * padding left alone. */
GST_START_TEST (test_odd_sizes_and_strides)
{
  static const guint sizes[][2] = { {63, 47}, {65, 33}, {1, 1}, {2, 3} };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++) {
    GstVideoInfo info, padded;
    GstVideoAlignment align;
    GstBuffer *in, *out, *in_padded;
    GstVideoFrame src, dst;
    gint class_index;
    GstHarness *h;
    guint8 *rgb = g_malloc ((gsize) sizes[s][0] * sizes[s][1] * 3);

    for (gsize i = 0; i < (gsize) sizes[s][0] * sizes[s][1] * 3; i++)
      rgb[i] = (guint8) (i * 37 % 251);
    video_info_init (&info, yuv_formats[__i__], sizes[s][0], sizes[s][1]);
    in = yuv_buffer (&info, rgb);

    /* the same frame with padded rows, described by a GstVideoMeta */
    padded = info;
    gst_video_alignment_reset (&align);
    align.padding_right = 13;
    align.padding_bottom = 2;
    fail_unless (gst_video_info_align (&padded, &align));
    in_padded = gst_buffer_new_allocate (NULL, padded.size, NULL);
    gst_buffer_memset (in_padded, 0, 0xEE, padded.size);
    gst_buffer_add_video_meta_full (in_padded, GST_VIDEO_FRAME_FLAG_NONE,
        GST_VIDEO_INFO_FORMAT (&padded), GST_VIDEO_INFO_WIDTH (&info),
        GST_VIDEO_INFO_HEIGHT (&info), GST_VIDEO_INFO_N_PLANES (&padded),
        padded.offset, padded.stride);
    fail_unless (gst_video_frame_map (&src, &info, in, GST_MAP_READ));
    fail_unless (gst_video_frame_map (&dst, &padded, in_padded,
            GST_MAP_WRITE));
    for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&src); p++)
      for (guint y = 0; y < (guint) GST_VIDEO_FRAME_COMP_HEIGHT (&src, p); y++)
        memcpy ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&dst, p)
            + y * GST_VIDEO_FRAME_PLANE_STRIDE (&dst, p),
            (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&src, p)
            + y * GST_VIDEO_FRAME_PLANE_STRIDE (&src, p), row_bytes (&src, p));
    gst_video_frame_unmap (&src);
    gst_video_frame_unmap (&dst);

    out = run_element (&info, in, NULL, &class_index);
    h = harness_new (guidedbp_new (fixture.model), &info);
    {
      GstBuffer *out_padded = push_pull (h, in_padded);
      GstVideoFrame a, b;

      fail_unless (gst_video_frame_map (&a, &info, out, GST_MAP_READ));
      fail_unless (gst_video_frame_map (&b, &info, out_padded,
              GST_MAP_READ));
      for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&a); p++) {
        guint rows = GST_VIDEO_FRAME_COMP_HEIGHT (&a, p);
        gsize bytes = row_bytes (&a, p);

        for (guint y = 0; y < rows; y++)
          fail_unless (memcmp ((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&a, p)
                  + y * GST_VIDEO_FRAME_PLANE_STRIDE (&a, p),
                  (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&b, p)
                  + y * GST_VIDEO_FRAME_PLANE_STRIDE (&b, p), bytes) == 0,
              "%s %ux%u: plane %u row %u differs with padded input rows",
              yuv_formats[__i__], sizes[s][0], sizes[s][1], p, y);
      }
      gst_video_frame_unmap (&a);
      gst_video_frame_unmap (&b);
      gst_buffer_unref (out_padded);
    }
    gst_harness_teardown (h);
    gst_buffer_unref (in);
    gst_buffer_unref (in_padded);
    gst_buffer_unref (out);
    g_free (rgb);
  }
}

GST_END_TEST;

/* The asynchronous mode copies the YUV planes for its thread. */
GST_START_TEST (test_async_yuv)
{
  GstVideoInfo info;
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h;
  GstBuffer *in, *sync_out;
  gint class_index;
  guint8 *expected;
  gboolean same = FALSE;

  video_info_init (&info, yuv_formats[__i__], fixture.width, fixture.height);
  in = yuv_buffer (&info, fixture.card);
  sync_out = run_element (&info, in, NULL, &class_index);

  g_object_set (element, "async", TRUE, NULL);
  h = harness_new (element, &info);
  expected = rgb_of (&info, sync_out);
  /* mid-gray frames until the model's thread has a result: wait for it */
  for (guint i = 0; i < 500 && !same; i++) {
    GstBuffer *frame = push_pull (h, in);
    guint8 *rgb = rgb_of (&info, frame);

    same = memcmp (rgb, expected, rgb_size (&info)) == 0;
    g_free (rgb);
    gst_buffer_unref (frame);
    if (!same)
      g_usleep (10 * 1000);
  }
  fail_unless (same, "%s: the asynchronous result never matched the "
      "synchronous one", yuv_formats[__i__]);
  g_free (expected);
  gst_buffer_unref (sync_out);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A format the element does not take: a warning that names it, the formats
 * it takes and videoconvert, once however often it is offered. */
GST_START_TEST (test_refused_format_warns)
{
  GstElement *element = guidedbp_new (fixture.model);
  GstHarness *h = gst_harness_new_with_element (element, "sink", "src");
  GstBus *bus = bus_for (element);
  GstCaps *gray = gst_caps_from_string ("video/x-raw,format=GRAY8,"
      "width=64,height=64,framerate=30/1");
  GstMessage *message;
  GError *error = NULL;
  gchar *debug = NULL;

  gst_object_unref (element);
  for (guint i = 0; i < 3; i++) {
    GstQuery *query = gst_query_new_caps (gray);
    GstCaps *result;

    fail_unless (gst_pad_peer_query (h->srcpad, query));
    gst_query_parse_caps_result (query, &result);
    fail_unless (gst_caps_is_empty (result));
    gst_query_unref (query);
  }
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (message != NULL, "no warning for GRAY8");
  gst_message_parse_warning (message, &error, &debug);
  GST_INFO ("warning: %s (%s)", error->message, debug);
  g_print ("warning: %s\n", error->message);
  fail_unless (g_error_matches (error, GST_CORE_ERROR,
          GST_CORE_ERROR_NEGOTIATION));
  fail_unless (strstr (error->message, "GRAY8") != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, "NV12") != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, "videoconvert") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (message);
  fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL,
      "the same offer warned twice");

  /* A format it takes: no warning. */
  {
    GstCaps *nv12 = gst_caps_from_string ("video/x-raw,format=NV12,"
        "width=64,height=64,framerate=30/1");
    GstQuery *query = gst_query_new_accept_caps (nv12);
    gboolean accepted = FALSE;

    fail_unless (gst_pad_peer_query (h->srcpad, query));
    gst_query_parse_accept_caps_result (query, &accepted);
    fail_unless (accepted);
    gst_query_unref (query);
    gst_caps_unref (nv12);
    fail_unless (gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING) == NULL);
  }

  gst_caps_unref (gray);
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

static Suite *
yuv_suite (void)
{
  Suite *s = suite_create ("guidedbp-yuv");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_loop_test (tc, test_known_frame_like_rgb, 0,
      G_N_ELEMENTS (yuv_formats));
  tcase_add_loop_test (tc, test_odd_sizes_and_strides, 0,
      G_N_ELEMENTS (yuv_formats));
  tcase_add_loop_test (tc, test_async_yuv, 0, G_N_ELEMENTS (yuv_formats));
  tcase_add_test (tc, test_refused_format_warns);
  return s;
}

GST_CHECK_MAIN (yuv);
