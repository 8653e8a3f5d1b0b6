/* guidedbp tests — the rendering properties: render-mode, colormap, alpha,
 * smoothing, gradcam-layer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each mode's output is compared with the engine's own GbpRenderer result
 * for the same frame and options (the gbp-render-ref helper).
 */
#include <string.h>

#include "plugin-test-util.h"

/* The values of an enum property of guidedbp, from the element itself, so
 * that a new mode is tested as soon as it is added. */
static GEnumClass *
enum_class_of (const gchar * property)
{
  GstElement *element = guidedbp_new (fixture.model);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (element), property);
  GEnumClass *klass;

  fail_unless (G_IS_PARAM_SPEC_ENUM (pspec), "%s is not an enum", property);
  klass = g_type_class_ref (pspec->value_type);
  gst_object_unref (element);
  return klass;
}

/* Pushes @card (@info, packed RGB) through @h and checks the output against
 * the helper with @options. When the helper cannot render (a mode the
 * engine does not implement), the element must fail the same way. */
static void
check_render (GstHarness * h, const GstVideoInfo * info, const guint8 * card,
    const RefOptions * options, const gchar * what)
{
  gchar *error_text = NULL;
  guint8 *expected = engine_render_full (info, card, options, &error_text);
  GstBuffer *in = buffer_from_rgb (info, card);

  if (expected == NULL) {
    GstBus *bus = bus_for (h->element);
    GstMessage *message;
    GError *error = NULL;
    gchar *debug = NULL;

    GST_WARNING ("%s: the engine cannot render it (%s): checking that the "
        "element fails too", what, error_text);
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_ERROR);
    message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (message != NULL, "%s: no error message", what);
    gst_message_parse_error (message, &error, &debug);
    fail_unless (strstr (debug, error_text) != NULL
        || strstr (error->message, error_text) != NULL,
        "%s: element error '%s' (%s), engine error '%s'", what,
        error->message, debug, error_text);
    g_clear_error (&error);
    g_free (debug);
    gst_message_unref (message);
    gst_element_set_bus (h->element, NULL);
    gst_object_unref (bus);
  } else {
    GstBuffer *out = push_pull (h, in);
    gsize mismatches = count_mismatches (info, expected, out);

    fail_unless (mismatches == 0, "%s: %" G_GSIZE_FORMAT " of %"
        G_GSIZE_FORMAT " bytes differ from the engine's", what, mismatches,
        rgb_size (info));
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  g_free (expected);
  g_free (error_text);
}

GST_START_TEST (test_defaults)
{
  GstElement *element = guidedbp_new (fixture.model);
  gint mode, colormap;
  gdouble alpha, smoothing;
  gchar *layer;
  guint interval;
  gboolean async;

  g_object_get (element, "render-mode", &mode, "colormap", &colormap,
      "alpha", &alpha, "smoothing", &smoothing, "gradcam-layer", &layer,
      "interval", &interval, "async", &async, NULL);
  fail_unless_equals_int (mode, 0);
  fail_unless_equals_int (colormap, 0);
  fail_unless_equals_float (alpha, 0.5);
  fail_unless_equals_float (smoothing, 0.0);
  fail_unless_equals_string (layer, "");
  fail_unless_equals_int (interval, 1);
  fail_unless (!async);
  g_free (layer);

  /* Values round-trip; NULL gradcam-layer means "". */
  g_object_set (element, "alpha", 0.3, "smoothing", 0.99, "gradcam-layer",
      "features.3", NULL);
  g_object_get (element, "alpha", &alpha, "smoothing", &smoothing,
      "gradcam-layer", &layer, NULL);
  fail_unless_equals_float (alpha, 0.3);
  fail_unless_equals_float (smoothing, 0.99);
  fail_unless_equals_string (layer, "features.3");
  g_free (layer);
  g_object_set (element, "gradcam-layer", NULL, NULL);
  g_object_get (element, "gradcam-layer", &layer, NULL);
  fail_unless_equals_string (layer, "");
  g_free (layer);

  gst_object_unref (element);
}

GST_END_TEST;

/* Every render mode, in several formats, at a frame size other than the
 * model's, with a non-default colormap and alpha. */
GST_START_TEST (test_render_modes)
{
  GEnumClass *modes = enum_class_of ("render-mode");
  guint8 *card = load_data_file ("images/card-97x61.rgb", 97 * 61 * 3);

  fail_unless (modes->n_values >= 9);
  for (guint i = 0; i < modes->n_values; i++) {
    const GEnumValue *mode = &modes->values[i];
    const Format *format = &formats[i % n_formats];
    GstElement *element;
    GstVideoInfo info;
    GstHarness *h;
    RefOptions options;
    gchar *what;

    /* none renders nothing: the frame passes through as it came, padding
     * bytes too (test-passthrough.c) */
    if (g_str_equal (mode->value_nick, "none"))
      continue;
    element = guidedbp_new (fixture.model);

    ref_options_init (&options);
    options.mode = mode->value;
    options.colormap = (i + 1) % 4;
    options.alpha = 0.3;
    g_object_set (element, "render-mode", mode->value, "colormap",
        options.colormap, "alpha", options.alpha, NULL);

    video_info_init (&info, format->name, 97, 61);
    h = harness_new (element, &info);
    what = g_strdup_printf ("mode %s, %s", mode->value_nick, format->name);
    GST_INFO ("%s", what);
    check_render (h, &info, card, &options, what);
    g_free (what);
    gst_harness_teardown (h);
  }
  g_free (card);
  g_type_class_unref (modes);
}

GST_END_TEST;

/* Every colormap through the overlay, and the render properties changed
 * while playing, on one harness. */
GST_START_TEST (test_colormaps_live)
{
  GEnumClass *colormaps = enum_class_of ("colormap");
  GstVideoInfo info;
  GstHarness *h;
  RefOptions options;

  video_info_init (&info, "BGRA", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);

  ref_options_init (&options);
  check_render (h, &info, fixture.card, &options, "default");

  fail_unless (colormaps->n_values >= 4);
  for (guint i = 0; i < colormaps->n_values; i++) {
    gchar *what = g_strdup_printf ("overlay, %s",
        colormaps->values[i].value_nick);

    options.mode = 5;           /* overlay */
    options.colormap = colormaps->values[i].value;
    options.alpha = 0.25 * i;
    gst_util_set_object_arg (G_OBJECT (h->element), "render-mode", "overlay");
    gst_util_set_object_arg (G_OBJECT (h->element), "colormap",
        colormaps->values[i].value_nick);
    g_object_set (h->element, "alpha", options.alpha, NULL);
    check_render (h, &info, fixture.card, &options, what);
    g_free (what);
  }

  gst_util_set_object_arg (G_OBJECT (h->element), "render-mode", "gray");
  ref_options_init (&options);
  options.mode = 1;
  check_render (h, &info, fixture.card, &options, "gray");

  gst_harness_teardown (h);
  g_type_class_unref (colormaps);
}

GST_END_TEST;

/* With smoothing, a frame renders as the engine renders it alone only
 * when the history was forgotten: on caps changes, flushes and
 * discontinuities. */
GST_START_TEST (test_smoothing_resets)
{
  GstVideoInfo rgb_info, bgrx_info;
  GstHarness *h;
  GstBuffer *a, *b, *out;
  GstSegment segment;
  guint8 *mirrored = mirrored_card ();
  guint8 *expected_a, *expected_b;
  gchar *caps;

  video_info_init (&rgb_info, "RGB", fixture.width, fixture.height);
  video_info_init (&bgrx_info, "BGRx", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &rgb_info);
  g_object_set (h->element, "smoothing", 0.9, NULL);
  expected_a = engine_render (&rgb_info, fixture.card, TARGET_CLASS_TOP);
  expected_b = engine_render (&rgb_info, mirrored, TARGET_CLASS_TOP);
  a = buffer_from_rgb (&rgb_info, fixture.card);
  b = buffer_from_rgb (&rgb_info, mirrored);

  /* The first frame has no history; the second is smoothed. */
  out = push_pull (h, a);
  fail_unless_equals_uint64 (count_mismatches (&rgb_info, expected_a, out),
      0);
  gst_buffer_unref (out);
  out = push_pull (h, b);
  fail_unless (count_mismatches (&rgb_info, expected_b, out) > 0,
      "smoothing=0.9 had no effect");
  gst_buffer_unref (out);

  /* New caps (same size, another format): no history. */
  caps = caps_string (&bgrx_info);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  gst_buffer_unref (b);
  b = buffer_from_rgb (&bgrx_info, mirrored);
  out = push_pull (h, b);
  fail_unless_equals_uint64 (count_mismatches (&bgrx_info, expected_b, out),
      0);
  gst_buffer_unref (out);

  /* A flush: no history. */
  gst_buffer_unref (a);
  a = buffer_from_rgb (&bgrx_info, fixture.card);
  out = push_pull (h, a);
  fail_unless (count_mismatches (&bgrx_info, expected_a, out) > 0);
  gst_buffer_unref (out);
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  out = push_pull (h, b);
  fail_unless_equals_uint64 (count_mismatches (&bgrx_info, expected_b, out),
      0);
  gst_buffer_unref (out);

  /* A discontinuity: no history. */
  out = push_pull (h, a);
  fail_unless (count_mismatches (&bgrx_info, expected_a, out) > 0);
  gst_buffer_unref (out);
  GST_BUFFER_FLAG_SET (a, GST_BUFFER_FLAG_DISCONT);
  out = push_pull (h, a);
  fail_unless_equals_uint64 (count_mismatches (&bgrx_info, expected_a, out),
      0);
  gst_buffer_unref (out);

  gst_buffer_unref (a);
  gst_buffer_unref (b);
  g_free (expected_a);
  g_free (expected_b);
  g_free (mirrored);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A Grad-CAM layer the model does not have: starting fails, naming it. */
GST_START_TEST (test_gradcam_layer_missing)
{
  GstElement *element = guidedbp_new (fixture.model);
  GstBus *bus = bus_for (element);
  GstMessage *message;
  GError *error = NULL;
  gchar *debug = NULL;

  g_object_set (element, "gradcam-layer", "no.such.layer", NULL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (message != NULL);
  gst_message_parse_error (message, &error, &debug);
  GST_INFO ("%s (%s)", error->message, debug);
  fail_unless (strstr (error->message, "no.such.layer") != NULL
      || strstr (debug, "no.such.layer") != NULL,
      "error '%s' (%s) does not name the layer", error->message, debug);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (message);

  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  gst_object_unref (element);
}

GST_END_TEST;

static Suite *
render_suite (void)
{
  Suite *s = suite_create ("guidedbp-render");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  tcase_add_unchecked_fixture (tc, fixture_load, fixture_free);
  suite_add_tcase (s, tc);

  tcase_add_test (tc, test_defaults);
  tcase_add_test (tc, test_render_modes);
  tcase_add_test (tc, test_colormaps_live);
  tcase_add_test (tc, test_smoothing_resets);
  tcase_add_test (tc, test_gradcam_layer_missing);

  return s;
}

GST_CHECK_MAIN (render);
