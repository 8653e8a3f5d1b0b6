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
 * the helper with @options. A mode @supported must render in the helper (the
 * library) and the element alike; one that is not (see render_fixtures) must
 * fail in both, the element's error carrying the library's message. */
static void
check_render (GstHarness * h, const GstVideoInfo * info, const guint8 * card,
    const RefOptions * options, const gchar * what, gboolean supported)
{
  gchar *error_text = NULL;
  guint8 *expected = engine_render_full (info, card, options, &error_text);
  GstBuffer *in = buffer_from_rgb (info, card);

  if (supported)
    fail_unless (expected != NULL, "%s: the library cannot render it: %s",
        what, error_text);
  else
    fail_unless (expected == NULL, "%s: listed as a mode this model cannot "
        "render, but the library rendered it", what);

  if (expected == NULL) {
    GstBus *bus = bus_for (h->element);
    GstMessage *message;
    GError *error = NULL;
    gchar *debug = NULL;

    GST_INFO ("%s: the engine cannot render it (%s): checking that the "
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

/* Each fixture model test_render_modes runs, with the render modes it
 * cannot render and why: every other mode must render, in the library as
 * in the element, so that a library regression in one mode fails this
 * suite rather than only making the element fail "the same way". */
static const struct
{
  const gchar *model;           /* in tests/data, 64x64 input */
  const gchar *unsupported[4];  /* render-mode nicks */
} render_fixtures[] = {
  /* convolutions, so a Grad-CAM layer: every mode */
  {"models/alexnet_inplace.pt", {NULL}},
  /* no convolution (tools/make-element-fixtures.py): no Grad-CAM layer */
  {"element/no-conv.pt", {"gradcam", "guided-gradcam", "guided-gradcam-gray",
          NULL}},
};

static gboolean
fixture_renders (guint fixture_index, const gchar * mode)
{
  const gchar *const *unsupported = render_fixtures[fixture_index].unsupported;

  for (guint i = 0; unsupported[i] != NULL; i++)
    if (g_str_equal (unsupported[i], mode))
      return FALSE;
  return TRUE;
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

/* Every render mode of each fixture model (render_fixtures), in several
 * formats, at a frame size other than the model's, with a non-default
 * colormap and alpha. */
GST_START_TEST (test_render_modes)
{
  GEnumClass *modes = enum_class_of ("render-mode");
  guint8 *card = load_data_file ("images/card-97x61.rgb", 97 * 61 * 3);
  gchar *model = data_path (render_fixtures[__i__].model);

  fail_unless (modes->n_values >= 9);
  /* the allow-list names modes that exist */
  for (guint i = 0; render_fixtures[__i__].unsupported[i] != NULL; i++)
    fail_unless (g_enum_get_value_by_nick (modes,
            render_fixtures[__i__].unsupported[i]) != NULL, "no mode %s",
        render_fixtures[__i__].unsupported[i]);

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
    element = guidedbp_new (model);

    ref_options_init (&options);
    options.model = model;
    options.mode = mode->value;
    options.colormap = (i + 1) % 4;
    options.alpha = 0.3;
    g_object_set (element, "render-mode", mode->value, "colormap",
        options.colormap, "alpha", options.alpha, NULL);

    video_info_init (&info, format->name, 97, 61);
    h = harness_new (element, &info);
    what = g_strdup_printf ("%s, mode %s, %s", render_fixtures[__i__].model,
        mode->value_nick, format->name);
    GST_INFO ("%s", what);
    check_render (h, &info, card, &options, what,
        fixture_renders (__i__, mode->value_nick));
    g_free (what);
    gst_harness_teardown (h);
  }
  g_free (model);
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
  check_render (h, &info, fixture.card, &options, "default", TRUE);

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
    check_render (h, &info, fixture.card, &options, what, TRUE);
    g_free (what);
  }

  gst_util_set_object_arg (G_OBJECT (h->element), "render-mode", "gray");
  ref_options_init (&options);
  options.mode = 1;
  check_render (h, &info, fixture.card, &options, "gray", TRUE);

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

/* One frame of the card through @element (taken) in @mode, compared with
 * the library's rendering with @options; returns the output. */
static GstBuffer *
render_card (GstElement * element, const gchar * mode, RefOptions * options)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  guint8 *expected;
  gsize mismatches;
  GEnumClass *modes = enum_class_of ("render-mode");

  options->mode = g_enum_get_value_by_nick (modes, mode)->value;
  g_type_class_unref (modes);
  gst_util_set_object_arg (G_OBJECT (element), "render-mode", mode);
  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (element, &info);
  in = buffer_from_rgb (&info, fixture.card);
  out = push_pull (h, in);
  expected = engine_render_full (&info, fixture.card, options, NULL);
  mismatches = count_mismatches (&info, expected, out);
  fail_unless (mismatches == 0, "%s: %" G_GSIZE_FORMAT " bytes differ from "
      "the library's", mode, mismatches);
  g_free (expected);
  gst_buffer_unref (in);
  gst_harness_teardown (h);
  return out;
}

/* gradcam-layer other than the default (the last convolution, features.8
 * in the fixture): the map is the named module's, as the library computes
 * it, and not the default layer's. */
GST_START_TEST (test_gradcam_layer)
{
  GstVideoInfo info;
  RefOptions options;
  GstElement *element;
  GstBuffer *last_conv, *named;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  ref_options_init (&options);
  last_conv = render_card (guidedbp_new (fixture.model), "gradcam", &options);

  element = guidedbp_new (fixture.model);
  g_object_set (element, "gradcam-layer", "features.3", NULL);
  options.gradcam_layer = "features.3";
  named = render_card (element, "gradcam", &options);
  fail_unless (frames_differ (&info, last_conv, named),
      "gradcam-layer=features.3 gave the last convolution's map");

  gst_buffer_unref (last_conv);
  gst_buffer_unref (named);
}

GST_END_TEST;

/* fold-batch-norm on a model with batch norm (vgg_bn): either way the
 * element renders what the library renders with that setting, and the
 * Grad-CAM map (at the last convolution: with its batch norm folded in, or
 * before it) differs between the two. */
GST_START_TEST (test_fold_batch_norm)
{
  gchar *model = data_path ("models/vgg_bn.pt");
  GstVideoInfo info;
  RefOptions options;
  GstElement *element;
  GstBuffer *folded, *unfolded, *gradient;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  ref_options_init (&options);
  options.model = model;
  element = guidedbp_new (model);
  g_object_set (element, "fold-batch-norm", TRUE, NULL);
  folded = render_card (element, "gradcam", &options);

  options.no_fold_batch_norm = TRUE;
  element = guidedbp_new (model);
  g_object_set (element, "fold-batch-norm", FALSE, NULL);
  unfolded = render_card (element, "gradcam", &options);
  fail_unless (frames_differ (&info, folded, unfolded),
      "fold-batch-norm made no difference to the Grad-CAM map");

  element = guidedbp_new (model);
  g_object_set (element, "fold-batch-norm", FALSE, NULL);
  gradient = render_card (element, "gradient", &options);

  gst_buffer_unref (folded);
  gst_buffer_unref (unfolded);
  gst_buffer_unref (gradient);
  g_free (model);
}

GST_END_TEST;

/* A Grad-CAM mode chosen while playing on a model without a convolution
 * (tools/make-element-fixtures.py): the next frame fails with an error that
 * names the model and says why; in async mode the model's thread posts it
 * and the next frame fails. (At start: test_render_modes.) */
GST_START_TEST (test_gradcam_without_convolution)
{
  gchar *model = data_path ("element/no-conv.pt");
  const gchar *const parts[] = { model, "Grad-CAM", NULL };
  GstVideoInfo info;
  GstHarness *h;
  GstBus *bus;
  GstBuffer *in, *out;
  GstElement *element;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  in = buffer_from_rgb (&info, fixture.card);

  h = harness_new (guidedbp_new (model), &info);
  bus = bus_for (h->element);
  out = push_pull (h, in);
  gst_buffer_unref (out);
  gst_util_set_object_arg (G_OBJECT (h->element), "render-mode",
      "guided-gradcam");
  assert_push_refused (h, bus, in, parts);
  harness_teardown_with_bus (h, bus);

  element = guidedbp_new (model);
  g_object_set (element, "async", TRUE, NULL);
  gst_util_set_object_arg (G_OBJECT (element), "render-mode", "gradcam");
  h = harness_new (element, &info);
  bus = bus_for (h->element);
  /* No result yet: the frame itself (the gradcam mode draws over it). */
  out = push_pull (h, in);
  gst_buffer_unref (out);
  assert_error_within (bus, RESULT_TIMEOUT, GST_LIBRARY_ERROR,
      GST_LIBRARY_ERROR_SETTINGS, parts, NULL);
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (in)),
      GST_FLOW_ERROR);
  harness_teardown_with_bus (h, bus);

  gst_buffer_unref (in);
  g_free (model);
}

GST_END_TEST;

/* A frame the library cannot draw over fails the stream with an error that
 * names the mode and the model, and the library's reason in the debug
 * text. The only such frame the element can be given is one whose
 * GstVideoMeta claims rows shorter than the frame's width (a broken
 * upstream); with interval=2 the model does not run on it (it would refuse
 * it first), so the renderer meets it. */
GST_START_TEST (test_render_failed)
{
  const gchar *const parts[] = { "Could not render the overlay saliency",
    fixture.model, NULL
  };
  const gchar *const reason[] = { "stride 3 is too small", NULL };
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 3 };
  GstVideoInfo info;
  GstHarness *h;
  GstBus *bus;
  GstBuffer *in, *bad, *out;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  gst_util_set_object_arg (G_OBJECT (h->element), "render-mode", "overlay");
  g_object_set (h->element, "interval", 2, NULL);
  bus = bus_for (h->element);
  in = buffer_from_rgb (&info, fixture.card);
  bad = buffer_from_rgb (&info, fixture.card);
  gst_buffer_add_video_meta_full (bad, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_RGB, fixture.width, fixture.height, 1, offset, stride);

  out = push_pull (h, in);
  gst_buffer_unref (out);
  fail_unless_equals_int (gst_harness_push (h, bad), GST_FLOW_ERROR);
  assert_error_within (bus, 0, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_FAILED,
      parts, reason);

  gst_buffer_unref (in);
  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

static Suite *
render_suite (void)
{
  Suite *s = suite_create ("guidedbp-render");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_test (tc, test_defaults);
  tcase_add_loop_test (tc, test_render_modes, 0,
      G_N_ELEMENTS (render_fixtures));
  tcase_add_test (tc, test_colormaps_live);
  tcase_add_test (tc, test_smoothing_resets);
  tcase_add_test (tc, test_gradcam_layer_missing);
  tcase_add_test (tc, test_gradcam_layer);
  tcase_add_test (tc, test_fold_batch_norm);
  tcase_add_test (tc, test_gradcam_without_convolution);
  tcase_add_test (tc, test_render_failed);

  return s;
}

GST_CHECK_MAIN (render);
