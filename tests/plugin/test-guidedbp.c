/* guidedbp tests — the GStreamer element, through GstHarness
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Frames come from the committed fixtures (tests/data/, see its README):
 * the test card through the 64x64 AlexNet-like model. The element's output
 * is compared with the engine's own result (GbpEngine + GbpRenderer run
 * on the same frame by the gbp-render-ref helper, a separate process: the
 * engine cannot be linked into a process that loads the plugin, both would
 * register the same libtorch operators), so these tests check the
 * plumbing, not the math, which tests/core checks against the Python
 * reference.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>


#define MODEL_GROUP "model alexnet_inplace"
#define LABELS "labels/labels-10.txt"
#define CAPS_FORMAT "video/x-raw,format=%s,width=%u,height=%u,framerate=30/1"

#define TARGET_CLASS_TOP (-1)

/* Each format's byte layout: red, green, blue and padding/alpha offsets
 * (-1: none), written out here rather than taken from the engine. */
typedef struct
{
  const gchar *name;
  guint bytes_per_pixel;
  guint red, green, blue;
  gint pad;
} Format;

static const Format formats[] = {
  {"RGB", 3, 0, 1, 2, -1},
  {"BGR", 3, 2, 1, 0, -1},
  {"RGBA", 4, 0, 1, 2, 3},
  {"BGRA", 4, 2, 1, 0, 3},
  {"RGBx", 4, 0, 1, 2, 3},
  {"BGRx", 4, 2, 1, 0, 3},
  {"xRGB", 4, 1, 2, 3, 0},
  {"xBGR", 4, 3, 2, 1, 0},
  {"ARGB", 4, 1, 2, 3, 0},
  {"ABGR", 4, 3, 2, 1, 0},
};

/* The fixture model and its test card. */
typedef struct
{
  gchar *model;
  guint width;
  guint height;
  guint8 *card;                 /* packed RGB, width x height */
  gint top_class;
  gdouble top_score;
  gint target_class;
} Fixture;

static Fixture fixture;

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

static gchar *
data_path (const gchar * relative)
{
  return g_build_filename (GBP_TEST_DATA_DIR, relative, NULL);
}

static guint8 *
load_data_file (const gchar * relative, gsize expected_size)
{
  gchar *path = data_path (relative);
  gchar *contents = NULL;
  gsize size = 0;
  GError *error = NULL;

  fail_unless (g_file_get_contents (path, &contents, &size, &error),
      "cannot read %s: %s", path, error ? error->message : "?");
  fail_unless_equals_uint64 (size, expected_size);
  g_free (path);
  return (guint8 *) contents;
}

static gchar *
key_file_string (GKeyFile * kf, const gchar * key)
{
  GError *error = NULL;
  gchar *value = g_key_file_get_string (kf, MODEL_GROUP, key, &error);

  fail_unless (value != NULL, "fixtures.ini: %s", error ? error->message : "");
  return value;
}

static void
fixture_load (void)
{
  GKeyFile *kf = g_key_file_new ();
  gchar *path = data_path ("fixtures.ini");
  gchar *relative;
  GError *error = NULL;

  fail_unless (g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error),
      "cannot read %s: %s", path, error ? error->message : "?");
  g_free (path);

  relative = key_file_string (kf, "file");
  fixture.model = data_path (relative);
  g_free (relative);
  fixture.width = g_key_file_get_integer (kf, MODEL_GROUP, "input_width", NULL);
  fixture.height =
      g_key_file_get_integer (kf, MODEL_GROUP, "input_height", NULL);
  fixture.top_class = g_key_file_get_integer (kf, MODEL_GROUP, "top_class",
      NULL);
  fixture.top_score = g_key_file_get_double (kf, MODEL_GROUP, "top_score",
      NULL);
  fixture.target_class = g_key_file_get_integer (kf, MODEL_GROUP,
      "target_class", NULL);
  fail_unless_equals_int (fixture.width, 64);
  fail_unless_equals_int (fixture.height, 64);
  fail_unless (fixture.target_class != fixture.top_class);

  relative = key_file_string (kf, "image");
  fixture.card = load_data_file (relative, fixture.width * fixture.height * 3);
  g_free (relative);
  g_key_file_free (kf);
}

static void
fixture_free (void)
{
  g_clear_pointer (&fixture.model, g_free);
  g_clear_pointer (&fixture.card, g_free);
}

/* ------------------------------------------------------------------ */
/* Frames                                                              */

static const Format *
format_of (const GstVideoInfo * info)
{
  const gchar *name = gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info));

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (strcmp (formats[i].name, name) == 0)
      return &formats[i];
  fail ("format %s not tested", name);
  return NULL;
}

static void
video_info_init (GstVideoInfo * info, const gchar * format, guint width,
    guint height)
{
  gchar *caps_str = g_strdup_printf (CAPS_FORMAT, format, width, height);
  GstCaps *caps = gst_caps_from_string (caps_str);

  fail_unless (gst_video_info_from_caps (info, caps));
  gst_caps_unref (caps);
  g_free (caps_str);
}

static gchar *
caps_string (const GstVideoInfo * info)
{
  return g_strdup_printf (CAPS_FORMAT,
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)),
      GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
}

/* A buffer in @info's format holding packed RGB @rgb; padding and alpha
 * bytes get 0x5A, which the element must ignore. */
static GstBuffer *
buffer_from_rgb (const GstVideoInfo * info, const guint8 * rgb)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, info->size, NULL);
  const Format *f = format_of (info);
  GstVideoFrame frame;
  guint8 *data;
  gint stride;

  gst_buffer_memset (buffer, 0, 0xAB, info->size);
  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_WRITE));
  data = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  for (gint y = 0; y < GST_VIDEO_INFO_HEIGHT (info); y++) {
    for (gint x = 0; x < GST_VIDEO_INFO_WIDTH (info); x++) {
      guint8 *p = data + y * stride + x * f->bytes_per_pixel;
      const guint8 *s = rgb + (y * GST_VIDEO_INFO_WIDTH (info) + x) * 3;

      p[f->red] = s[0];
      p[f->green] = s[1];
      p[f->blue] = s[2];
      if (f->pad >= 0)
        p[f->pad] = 0x5A;
    }
  }
  gst_video_frame_unmap (&frame);
  return buffer;
}

/* The packed RGB of @buffer (in @info's format); checks that every
 * padding or alpha byte is 255. */
static guint8 *
rgb_from_buffer (const GstVideoInfo * info, GstBuffer * buffer)
{
  const Format *f = format_of (info);
  GstVideoFrame frame;
  const guint8 *data;
  gint stride;
  guint8 *rgb;

  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  data = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  rgb = g_malloc (GST_VIDEO_INFO_WIDTH (info) * GST_VIDEO_INFO_HEIGHT (info)
      * 3);
  for (gint y = 0; y < GST_VIDEO_INFO_HEIGHT (info); y++) {
    for (gint x = 0; x < GST_VIDEO_INFO_WIDTH (info); x++) {
      const guint8 *p = data + y * stride + x * f->bytes_per_pixel;
      guint8 *d = rgb + (y * GST_VIDEO_INFO_WIDTH (info) + x) * 3;

      d[0] = p[f->red];
      d[1] = p[f->green];
      d[2] = p[f->blue];
      if (f->pad >= 0)
        fail_unless_equals_int (p[f->pad], 255);
    }
  }
  gst_video_frame_unmap (&frame);
  return rgb;
}

static gsize
rgb_size (const GstVideoInfo * info)
{
  return (gsize) GST_VIDEO_INFO_WIDTH (info) * GST_VIDEO_INFO_HEIGHT (info)
      * 3;
}

static gboolean
frames_differ (const GstVideoInfo * info, GstBuffer * a, GstBuffer * b)
{
  guint8 *ra = rgb_from_buffer (info, a);
  guint8 *rb = rgb_from_buffer (info, b);
  gboolean differ = memcmp (ra, rb, rgb_size (info)) != 0;

  g_free (ra);
  g_free (rb);
  return differ;
}

/* The engine's own rendering (packed RGB) of the packed RGB frame @rgb
 * with @target_class, from the gbp-render-ref helper. */
static guint8 *
engine_render (const GstVideoInfo * info, const guint8 * rgb,
    gint target_class)
{
  const gchar *helper = g_getenv ("GBP_RENDER_REF");
  gchar *dir, *in_path, *out_path, *out_text, *err_text;
  gchar *rendered = NULL;
  gsize size = 0;
  gint status = 0;
  GError *error = NULL;
  gchar *argv[10];
  guint i;

  fail_unless (helper != NULL, "GBP_RENDER_REF is not set");
  dir = g_dir_make_tmp ("guidedbp-test-XXXXXX", &error);
  fail_unless (dir != NULL, "%s", error ? error->message : "?");
  in_path = g_build_filename (dir, "in.rgb", NULL);
  out_path = g_build_filename (dir, "out.rgb", NULL);
  fail_unless (g_file_set_contents (in_path, (const gchar *) rgb,
          rgb_size (info), NULL));

  argv[0] = (gchar *) helper;
  argv[1] = fixture.model;
  argv[2] = g_strdup_printf ("%u", fixture.width);
  argv[3] = g_strdup_printf ("%u", fixture.height);
  argv[4] = g_strdup_printf ("%d", target_class);
  argv[5] = g_strdup_printf ("%d", GST_VIDEO_INFO_WIDTH (info));
  argv[6] = g_strdup_printf ("%d", GST_VIDEO_INFO_HEIGHT (info));
  argv[7] = in_path;
  argv[8] = out_path;
  argv[9] = NULL;
  fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
          &out_text, &err_text, &status, &error), "%s",
      error ? error->message : "?");
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "gbp-render-ref failed: %s", err_text);
  fail_unless (g_file_get_contents (out_path, &rendered, &size, NULL));
  fail_unless_equals_uint64 (size, rgb_size (info));

  for (i = 2; i <= 6; i++)
    g_free (argv[i]);
  g_unlink (in_path);
  g_unlink (out_path);
  g_rmdir (dir);
  g_free (in_path);
  g_free (out_path);
  g_free (out_text);
  g_free (err_text);
  g_free (dir);
  return (guint8 *) rendered;
}

/* The element's output @out equals the engine's rendering of @in_rgb. */
static void
assert_engine_output (const GstVideoInfo * info, const guint8 * in_rgb,
    gint target_class, GstBuffer * out)
{
  guint8 *expected = engine_render (info, in_rgb, target_class);
  guint8 *actual = rgb_from_buffer (info, out);
  gsize n = rgb_size (info), mismatches = 0;

  for (gsize i = 0; i < n; i++)
    if (actual[i] != expected[i])
      mismatches++;
  fail_unless (mismatches == 0, "%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
      " bytes differ from the engine's output", mismatches, n);
  g_free (actual);
  g_free (expected);
}

/* ------------------------------------------------------------------ */
/* Elements and harnesses                                              */

static GstElement *
guidedbp_new (const gchar * model)
{
  GstElement *element = gst_element_factory_make ("guidedbp", NULL);

  fail_unless (element != NULL, "guidedbp not found: check "
      "GST_PLUGIN_PATH_1_0");
  g_object_set (element, "model", model,
      "input-width", fixture.width, "input-height", fixture.height, NULL);
  return element;
}

/* A harness around @element (configured: the harness starts it), fed
 * @info's caps. Takes @element. */
static GstHarness *
harness_new (GstElement * element, const GstVideoInfo * info)
{
  GstHarness *h = gst_harness_new_with_element (element, "sink", "src");
  gchar *caps = caps_string (info);

  gst_object_unref (element);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  return h;
}

/* Pushes @buffer (ref taken) and pulls the result. */
static GstBuffer *
push_pull (GstHarness * h, GstBuffer * buffer)
{
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (buffer)),
      GST_FLOW_OK);
  return gst_harness_pull (h);
}

static GstBus *
bus_for (GstElement * element)
{
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (element, bus);
  return bus;
}

/* Starting @element fails with an error message whose text names @file. */
static void
assert_start_fails (GstElement * element, const gchar * file,
    GQuark domain, gint code)
{
  GstBus *bus = bus_for (element);
  GstMessage *message;
  GError *error = NULL;
  gchar *debug = NULL;

  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (message != NULL, "no error message for %s", file);
  gst_message_parse_error (message, &error, &debug);
  GST_INFO ("%s: %s (%s)", file, error->message, debug);
  fail_unless (strstr (error->message, file) != NULL,
      "error '%s' does not name '%s'", error->message, file);
  if (domain != 0) {
    fail_unless (error->domain == domain, "domain %s",
        g_quark_to_string (error->domain));
    fail_unless_equals_int (error->code, code);
  }
  fail_unless (debug != NULL && *debug != '\0');

  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (message);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
}

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

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
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

static GstMessage *
pop_guidedbp_message (GstBus * bus)
{
  GstMessage *message;

  while ((message = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT))) {
    if (gst_message_has_name (message, "guidedbp"))
      return message;
    gst_message_unref (message);
  }
  return NULL;
}

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

GST_START_TEST (test_stress_target_class)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in;
  GValue top = G_VALUE_INIT, target = G_VALUE_INIT;
  GstHarnessThread *t1, *t2;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  in = buffer_from_rgb (&info, fixture.card);

  g_value_init (&top, G_TYPE_INT);
  g_value_set_int (&top, -1);
  g_value_init (&target, G_TYPE_INT);
  g_value_set_int (&target, fixture.target_class);
  t1 = gst_harness_stress_property_start_full (h, "target-class", &top, 100);
  t2 = gst_harness_stress_property_start_full (h, "target-class", &target,
      100);

  for (guint i = 0; i < 30; i++) {
    GstBuffer *out;

    GST_BUFFER_PTS (in) = i * GST_SECOND / 30;
    out = push_pull (h, in);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * GST_SECOND / 30);
    gst_buffer_unref (out);
  }

  fail_unless (gst_harness_stress_thread_stop (t1) > 0);
  fail_unless (gst_harness_stress_thread_stop (t2) > 0);
  g_value_unset (&top);
  g_value_unset (&target);
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
  TCase *tc = tcase_create ("general");

  /* One model load per harness: several seconds per test on a busy CPU. */
  tcase_set_timeout (tc, 300);
  tcase_add_unchecked_fixture (tc, fixture_load, fixture_free);
  suite_add_tcase (s, tc);

  tcase_add_test (tc, test_caps_every_format);
  tcase_add_test (tc, test_known_frame_matches_engine);
  tcase_add_test (tc, test_target_class_changes_output);
  tcase_add_test (tc, test_target_class_out_of_range);
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
