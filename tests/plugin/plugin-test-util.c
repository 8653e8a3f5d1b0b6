/* guidedbp tests — what the element tests share
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "plugin-test-util.h"

#include <math.h>
#include <string.h>

const Format formats[] = {
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

const guint n_formats = G_N_ELEMENTS (formats);

Fixture fixture;

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */

gchar *
data_path (const gchar * relative)
{
  return g_build_filename (GBP_TEST_DATA_DIR, relative, NULL);
}

guint8 *
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

void
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

void
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

void
video_info_init (GstVideoInfo * info, const gchar * format, guint width,
    guint height)
{
  gchar *caps_str = g_strdup_printf (CAPS_FORMAT, format, width, height);
  GstCaps *caps = gst_caps_from_string (caps_str);

  fail_unless (gst_video_info_from_caps (info, caps));
  gst_caps_unref (caps);
  g_free (caps_str);
}

gchar *
caps_string (const GstVideoInfo * info)
{
  return g_strdup_printf (CAPS_FORMAT,
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)),
      GST_VIDEO_INFO_WIDTH (info), GST_VIDEO_INFO_HEIGHT (info));
}

/* A buffer in @info's format holding packed RGB @rgb; padding and alpha
 * bytes get 0x5A, which the element must ignore. */
GstBuffer *
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
guint8 *
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

gsize
rgb_size (const GstVideoInfo * info)
{
  return (gsize) GST_VIDEO_INFO_WIDTH (info) * GST_VIDEO_INFO_HEIGHT (info)
      * 3;
}

gboolean
frames_differ (const GstVideoInfo * info, GstBuffer * a, GstBuffer * b)
{
  guint8 *ra = rgb_from_buffer (info, a);
  guint8 *rb = rgb_from_buffer (info, b);
  gboolean differ = memcmp (ra, rb, rgb_size (info)) != 0;

  g_free (ra);
  g_free (rb);
  return differ;
}

gdouble
byte_correlation (const guint8 * a, const guint8 * b, gsize n)
{
  gdouble ma = 0, mb = 0, cov = 0, va = 0, vb = 0;

  for (gsize i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  for (gsize i = 0; i < n; i++) {
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) * (a[i] - ma);
    vb += (b[i] - mb) * (b[i] - mb);
  }
  return va > 0 && vb > 0 ? cov / sqrt (va * vb) : 0;
}

GstBuffer *
frame_at (GstBuffer * frame, guint i)
{
  GstBuffer *buffer = gst_buffer_copy (frame);

  GST_BUFFER_PTS (buffer) = i * FRAME_DURATION;
  GST_BUFFER_DURATION (buffer) = FRAME_DURATION;
  return buffer;
}

guint8 *
mirrored_card (void)
{
  guint8 *rgb = g_malloc (fixture.width * fixture.height * 3);

  for (guint y = 0; y < fixture.height; y++)
    for (guint x = 0; x < fixture.width; x++)
      memcpy (rgb + (y * fixture.width + x) * 3,
          fixture.card + (y * fixture.width + fixture.width - 1 - x) * 3, 3);
  return rgb;
}

void
ref_options_init (RefOptions * options)
{
  memset (options, 0, sizeof (*options));
  options->target_class = TARGET_CLASS_TOP;
  options->alpha = 0.5;
}

guint8 *
engine_render_full (const GstVideoInfo * info, const guint8 * rgb,
    const RefOptions * options, gchar ** error_text)
{
  const gchar *helper = g_getenv ("GBP_RENDER_REF");
  gchar *dir, *in_path, *out_path, *over_path = NULL, *out_text, *err_text;
  gchar alpha[G_ASCII_DTOSTR_BUF_SIZE];
  gchar *rendered = NULL;
  gsize size = 0, out_size;
  guint out_width = options->out_width ? options->out_width :
      (guint) GST_VIDEO_INFO_WIDTH (info);
  guint out_height = options->out_height ? options->out_height :
      (guint) GST_VIDEO_INFO_HEIGHT (info);
  gint status = 0;
  GError *error = NULL;
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  fail_unless (helper != NULL, "GBP_RENDER_REF is not set");
  dir = g_dir_make_tmp ("guidedbp-test-XXXXXX", &error);
  fail_unless (dir != NULL, "%s", error ? error->message : "?");
  out_size = (gsize) out_width * out_height * 3;
  in_path = g_build_filename (dir, "in.rgb", NULL);
  out_path = g_build_filename (dir, "out.rgb", NULL);
  fail_unless (g_file_set_contents (in_path, (const gchar *) rgb,
          rgb_size (info), NULL));

  g_ptr_array_add (argv, g_strdup (helper));
  g_ptr_array_add (argv, g_strdup_printf ("--mode=%d", options->mode));
  g_ptr_array_add (argv, g_strdup_printf ("--colormap=%d", options->colormap));
  g_ascii_dtostr (alpha, sizeof (alpha), options->alpha);
  g_ptr_array_add (argv, g_strdup_printf ("--alpha=%s", alpha));
  if (options->over != NULL) {
    over_path = g_build_filename (dir, "over.rgb", NULL);
    fail_unless (g_file_set_contents (over_path,
            (const gchar *) options->over, out_size, NULL));
    g_ptr_array_add (argv, g_strdup_printf ("--over=%s", over_path));
  }
  if (options->out_width || options->out_height) {
    g_ptr_array_add (argv, g_strdup_printf ("--out-width=%u", out_width));
    g_ptr_array_add (argv, g_strdup_printf ("--out-height=%u", out_height));
  }
  if (options->gradcam_layer != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("--gradcam-layer=%s",
            options->gradcam_layer));
  if (options->no_fold_batch_norm)
    g_ptr_array_add (argv, g_strdup ("--no-fold-batch-norm"));
  g_ptr_array_add (argv, g_strdup ("--"));
  g_ptr_array_add (argv, g_strdup (options->model != NULL ? options->model :
          fixture.model));
  g_ptr_array_add (argv, g_strdup_printf ("%u", fixture.width));
  g_ptr_array_add (argv, g_strdup_printf ("%u", fixture.height));
  g_ptr_array_add (argv, g_strdup_printf ("%d", options->target_class));
  g_ptr_array_add (argv, g_strdup_printf ("%d", GST_VIDEO_INFO_WIDTH (info)));
  g_ptr_array_add (argv, g_strdup_printf ("%d", GST_VIDEO_INFO_HEIGHT (info)));
  g_ptr_array_add (argv, g_strdup (in_path));
  g_ptr_array_add (argv, g_strdup (out_path));
  g_ptr_array_add (argv, NULL);

  fail_unless (g_spawn_sync (NULL, (gchar **) argv->pdata, NULL,
          G_SPAWN_DEFAULT, NULL, NULL, &out_text, &err_text, &status,
          &error), "%s", error ? error->message : "?");
  if (g_spawn_check_wait_status (status, NULL)) {
    fail_unless (g_file_get_contents (out_path, &rendered, &size, NULL));
    fail_unless_equals_uint64 (size, out_size);
    g_unlink (out_path);
  } else {
    fail_unless (error_text != NULL, "gbp-render-ref failed: %s", err_text);
    *error_text = g_strdup (g_strstrip (err_text));
  }

  g_unlink (in_path);
  if (over_path != NULL)
    g_unlink (over_path);
  g_rmdir (dir);
  g_ptr_array_unref (argv);
  g_free (in_path);
  g_free (out_path);
  g_free (over_path);
  g_free (out_text);
  g_free (err_text);
  g_free (dir);
  return (guint8 *) rendered;
}

guint8 *
engine_render (const GstVideoInfo * info, const guint8 * rgb,
    gint target_class)
{
  RefOptions options;

  ref_options_init (&options);
  options.target_class = target_class;
  return engine_render_full (info, rgb, &options, NULL);
}

gsize
count_mismatches (const GstVideoInfo * info, const guint8 * expected,
    GstBuffer * out)
{
  guint8 *actual = rgb_from_buffer (info, out);
  gsize n = rgb_size (info), mismatches = 0;

  for (gsize i = 0; i < n; i++)
    if (actual[i] != expected[i])
      mismatches++;
  g_free (actual);
  return mismatches;
}

void
assert_engine_output (const GstVideoInfo * info, const guint8 * in_rgb,
    gint target_class, GstBuffer * out)
{
  guint8 *expected = engine_render (info, in_rgb, target_class);
  gsize mismatches = count_mismatches (info, expected, out);

  fail_unless (mismatches == 0, "%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
      " bytes differ from the engine's output", mismatches, rgb_size (info));
  g_free (expected);
}

/* ------------------------------------------------------------------ */
/* Elements and harnesses                                              */

GstElement *
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
GstHarness *
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
GstBuffer *
push_pull (GstHarness * h, GstBuffer * buffer)
{
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (buffer)),
      GST_FLOW_OK);
  return gst_harness_pull (h);
}

TCase *
fixture_tcase_add (Suite * s)
{
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 300);
  tcase_add_unchecked_fixture (tc, fixture_load, fixture_free);
  suite_add_tcase (s, tc);
  return tc;
}

GstBus *
bus_for (GstElement * element)
{
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (element, bus);
  return bus;
}

/* Starting @element fails with an error message whose text names @file. */
void
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

void
assert_error_names (GstBus * bus, GQuark domain, gint code,
    const gchar * const *parts)
{
  assert_error_within (bus, 0, domain, code, parts, NULL);
}

void
assert_push_refused (GstHarness * h, GstBus * bus, GstBuffer * buffer,
    const gchar * const *parts)
{
  fail_unless_equals_int (gst_harness_push (h, gst_buffer_ref (buffer)),
      GST_FLOW_ERROR);
  assert_error_names (bus, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
      parts);
}

void
assert_error_within (GstBus * bus, GstClockTime timeout, GQuark domain,
    gint code, const gchar * const *parts, const gchar * const *debug_parts)
{
  GstMessage *message = gst_bus_timed_pop_filtered (bus, timeout,
      GST_MESSAGE_ERROR);
  GError *error = NULL;
  gchar *debug = NULL;

  fail_unless (message != NULL, "no error message");
  gst_message_parse_error (message, &error, &debug);
  GST_INFO ("error: %s (%s)", error->message, debug);
  fail_unless (g_error_matches (error, domain, code), "%s %d: %s",
      g_quark_to_string (error->domain), error->code, error->message);
  for (guint i = 0; parts[i] != NULL; i++)
    fail_unless (strstr (error->message, parts[i]) != NULL,
        "'%s' does not say '%s'", error->message, parts[i]);
  fail_unless (debug != NULL && *debug != '\0');
  for (guint i = 0; debug_parts != NULL && debug_parts[i] != NULL; i++)
    fail_unless (strstr (debug, debug_parts[i]) != NULL,
        "debug text '%s' does not say '%s'", debug, debug_parts[i]);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (message);
}

void
harness_teardown_with_bus (GstHarness * h, GstBus * bus)
{
  gst_element_set_bus (h->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GstMessage *
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

GstMessage *
wait_guidedbp_message (GstBus * bus, GstClockTime timeout)
{
  GstClockTime deadline = gst_util_get_timestamp () + timeout;
  GstMessage *message;

  for (;;) {
    GstClockTime now = gst_util_get_timestamp ();

    if (now >= deadline)
      return NULL;
    message = gst_bus_timed_pop_filtered (bus, deadline - now,
        GST_MESSAGE_ELEMENT);
    if (message == NULL)
      return NULL;
    if (gst_message_has_name (message, "guidedbp"))
      return message;
    gst_message_unref (message);
  }
}

void
frames_append (GString * frames, guint64 timestamp)
{
  g_string_append_printf (frames, "%s%" G_GUINT64_FORMAT,
      frames->len ? " " : "", timestamp / FRAME_DURATION);
}

void
assert_frames (GString * frames, const gchar * expected)
{
  gchar *text = g_string_free (frames, FALSE);

  fail_unless (g_str_equal (text, expected), "the model ran on frames %s, "
      "expected %s", text, expected);
  g_free (text);
}

guint64
message_timestamp (GstMessage * message)
{
  guint64 timestamp;

  fail_unless (gst_structure_get_uint64 (gst_message_get_structure (message),
          "timestamp", &timestamp));
  return timestamp;
}

guint64
meta_timestamp (GstBuffer * buffer)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buffer, "GuidedBpMeta");
  guint64 timestamp;

  if (meta == NULL)
    return G_MAXUINT64;
  fail_unless (gst_structure_get_uint64 (gst_custom_meta_get_structure (meta),
          "timestamp", &timestamp));
  return timestamp;
}

void
push_flush (GstHarness * h)
{
  GstSegment segment;

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
}
