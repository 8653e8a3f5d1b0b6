/* guidedbp tests — never crash, never hang: bad inputs, odd geometry,
 * lifecycle and threads, through the element
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test-guidedbp.c checks that the element computes the right thing; this
 * file checks that it survives everything else: every bad model and
 * labels file of tests/data (read from fixtures.ini, so a new fixture is
 * covered without touching this file), frames of any size, stride and
 * format, state cycles, seeks, EOS without data, properties changed from
 * other threads, several elements and pipelines at once. Outputs are
 * checked for shape and sanity only (caps, sizes, padding/alpha bytes,
 * "not flat"), never against reference values.
 *
 * Pipelines use videotestsrc, tee, queue, videoflip and fakesink: the test
 * needs those stock plugins next to the build's (links to exactly their
 * files, see meson.build).
 * tests/valgrind/ runs the same element under memcheck and the sanitizers.
 */
#include <string.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "plugin-test-util.h"

/* The fast fixture model (64x64, 10 classes), a tiny one for the many
 * state cycles, and one with another input size for model changes. */
#define MODEL "models/alexnet_inplace.pt"
#define MODEL_SIZE 64
#define MODEL_CLASSES 10
#define TINY_MODEL "models/functional_relu.pt"
#define OTHER_MODEL "models/resnet_reuse.pt"
#define OTHER_MODEL_WIDTH 48
#define OTHER_MODEL_HEIGHT 40
#define GOOD_LABELS "labels/labels-10.txt"

#define STATE_CYCLES 100
#define PIPELINE_TIMEOUT (120 * GST_SECOND)

/* ------------------------------------------------------------------ */
/* Fixture files                                                       */

/* One "bad NAME" group of fixtures.ini. */
typedef struct
{
  gchar *name;
  gchar *file;                  /* relative to tests/data */
  gchar *expect;                /* load, output, input, forward, no-relu */
} BadModel;

static GArray *bad_models;      /* of BadModel, filled before the tests */

static void
bad_models_load (void)
{
  GKeyFile *kf = g_key_file_new ();
  gchar *path = data_path ("fixtures.ini");
  gchar **groups;
  GError *error = NULL;

  bad_models = g_array_new (FALSE, TRUE, sizeof (BadModel));
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error)) {
    /* Reported by test_bad_model_count. */
    g_printerr ("cannot read %s: %s\n", path, error->message);
    g_clear_error (&error);
    g_key_file_free (kf);
    g_free (path);
    return;
  }

  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++) {
    BadModel bad;

    if (!g_str_has_prefix (groups[i], "bad "))
      continue;
    bad.name = g_strdup (groups[i] + 4);
    bad.file = g_key_file_get_string (kf, groups[i], "file", NULL);
    bad.expect = g_key_file_get_string (kf, groups[i], "expect", NULL);
    g_array_append_val (bad_models, bad);
  }
  g_strfreev (groups);
  g_key_file_free (kf);
  g_free (path);
}

/* What the error's debug text must say for each stage of fixtures.ini's
 * `expect` (any one of the alternatives), and the error it must be. The
 * element's error message names the file; the debug text is the engine's
 * message, with the cause. */
static const struct
{
  const gchar *expect;
  const gchar *causes[3];
  GstResourceError resource_code;       /* 0: a GST_LIBRARY_ERROR_INIT */
} bad_causes[] = {
  {"load", {"is empty", "not a readable TorchScript file", NULL},
      GST_RESOURCE_ERROR_OPEN_READ},
  {"output", {"a classifier must return", NULL}, 0},
  {"input", {"not a usable image classifier", NULL}, 0},
  {"forward", {"deliberate failure in forward", NULL}, 0},
  {"no-relu", {"no ReLU-family activation", NULL}, 0},
};

/* ------------------------------------------------------------------ */
/* Frames                                                              */

/* Byte offsets of red, green, blue and padding/alpha (-1: none) in one
 * pixel of a packed RGB-family format, from GStreamer's format table. */
typedef struct
{
  guint pixel_stride;
  guint rgb[3];
  gint pad;
} Layout;

static Layout
layout_of (GstVideoFormat format)
{
  const GstVideoFormatInfo *finfo = gst_video_format_get_info (format);
  Layout layout;
  guint used = 0;

  fail_unless (GST_VIDEO_FORMAT_INFO_IS_RGB (finfo));
  fail_unless_equals_int (GST_VIDEO_FORMAT_INFO_N_PLANES (finfo), 1);
  fail_unless_equals_int (GST_VIDEO_FORMAT_INFO_DEPTH (finfo, 0), 8);
  layout.pixel_stride = GST_VIDEO_FORMAT_INFO_PSTRIDE (finfo, 0);
  fail_unless (layout.pixel_stride == 3 || layout.pixel_stride == 4);
  for (guint c = 0; c < 3; c++) {
    layout.rgb[c] = GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c);
    used |= 1u << layout.rgb[c];
  }
  layout.pad = -1;
  for (guint b = 0; b < layout.pixel_stride; b++)
    if (!(used & (1u << b)))
      layout.pad = b;
  return layout;
}

static void
video_info_set (GstVideoInfo * info, const gchar * format, guint width,
    guint height)
{
  gst_video_info_init (info);
  fail_unless (gst_video_info_set_format (info,
          gst_video_format_from_string (format), width, height));
  GST_VIDEO_INFO_FPS_N (info) = 30;
  GST_VIDEO_INFO_FPS_D (info) = 1;
}

/* A textured test picture: stripes, a checkerboard and a hash, different
 * in every channel, so that no saliency map of it should be flat. */
static guint8
texture (guint x, guint y, guint c, guint seed)
{
  guint32 h = (x * 73856093u) ^ (y * 19349663u) ^ ((c + 1) * 83492791u)
      ^ (seed * 2654435761u);

  h ^= h >> 13;
  h *= 0x5bd1e995u;
  h ^= h >> 15;
  switch (c) {
    case 0:
      return (guint8) (((x / 4 + y / 4) & 1) * 160 + (h & 63));
    case 1:
      return (guint8) ((x * 7 + y * 3) & 0xff);
    default:
      return (guint8) ((y * 11) ^ (h & 0x3f));
  }
}

/* Fills @frame with the texture; padding/alpha bytes get 0x5A and the
 * bytes past each row's pixels @row_padding, which the element must
 * ignore. */
static void
frame_fill (GstVideoFrame * frame, guint seed, guint8 row_padding)
{
  Layout l = layout_of (GST_VIDEO_FRAME_FORMAT (frame));
  guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint width = GST_VIDEO_FRAME_WIDTH (frame);
  guint height = GST_VIDEO_FRAME_HEIGHT (frame);

  for (guint y = 0; y < height; y++) {
    guint8 *row = data + (gsize) y * stride;

    memset (row + width * l.pixel_stride, row_padding,
        stride - width * l.pixel_stride);
    for (guint x = 0; x < width; x++) {
      guint8 *p = row + x * l.pixel_stride;

      for (guint c = 0; c < 3; c++)
        p[l.rgb[c]] = texture (x, y, c, seed);
      if (l.pad >= 0)
        p[l.pad] = 0x5A;
    }
  }
}

static GstBuffer *
buffer_new_textured (const GstVideoInfo * info, guint seed,
    guint8 row_padding)
{
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstVideoFrame frame;

  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_WRITE));
  frame_fill (&frame, seed, row_padding);
  gst_video_frame_unmap (&frame);
  return buffer;
}

/* The visible pixels of @buffer, packed RGB; every padding or alpha byte
 * must be 255. */
static guint8 *
buffer_get_rgb (const GstVideoInfo * info, GstBuffer * buffer)
{
  Layout l = layout_of (GST_VIDEO_INFO_FORMAT (info));
  guint width = GST_VIDEO_INFO_WIDTH (info);
  guint height = GST_VIDEO_INFO_HEIGHT (info);
  GstVideoFrame frame;
  const guint8 *data;
  gint stride;
  guint8 *rgb = g_malloc ((gsize) width * height * 3);

  fail_unless (gst_video_frame_map (&frame, info, buffer, GST_MAP_READ));
  data = GST_VIDEO_FRAME_PLANE_DATA (&frame, 0);
  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0);
  for (guint y = 0; y < height; y++) {
    for (guint x = 0; x < width; x++) {
      const guint8 *p = data + (gsize) y * stride + x * l.pixel_stride;
      guint8 *d = rgb + ((gsize) y * width + x) * 3;

      for (guint c = 0; c < 3; c++)
        d[c] = p[l.rgb[c]];
      if (l.pad >= 0 && p[l.pad] != 255) {
        gst_video_frame_unmap (&frame);
        fail ("%s %ux%u: padding/alpha byte at (%u,%u) is %u, not 255",
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)), width,
            height, x, y, p[l.pad]);
      }
    }
  }
  gst_video_frame_unmap (&frame);
  return rgb;
}

/* @out is a sane output frame for @info: the right size, padding/alpha
 * 255 and, for frames big enough to carry texture, not one flat colour. */
static void
assert_sane_output (const GstVideoInfo * info, GstBuffer * out)
{
  guint width = GST_VIDEO_INFO_WIDTH (info);
  guint height = GST_VIDEO_INFO_HEIGHT (info);
  gsize n = (gsize) width * height * 3;
  guint8 *rgb;
  guint8 lo = 255, hi = 0;

  fail_unless (out != NULL);
  fail_unless (gst_buffer_get_size (out) >= info->size,
      "output of %" G_GSIZE_FORMAT " bytes for %ux%u %s (%" G_GSIZE_FORMAT
      " expected)", gst_buffer_get_size (out), width, height,
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)), info->size);
  rgb = buffer_get_rgb (info, out);
  for (gsize i = 0; i < n; i++) {
    lo = MIN (lo, rgb[i]);
    hi = MAX (hi, rgb[i]);
  }
  if (width >= 8 && height >= 8)
    fail_unless (hi > lo, "%ux%u %s: the output is flat (all bytes %u)",
        width, height,
        gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info)), lo);
  g_free (rgb);
}

/* ------------------------------------------------------------------ */
/* Elements, harnesses, pipelines                                      */

static GstElement *
guidedbp_new_sized (const gchar * model, guint input_width, guint input_height)
{
  GstElement *element = gst_element_factory_make ("guidedbp", NULL);
  gchar *path = data_path (model);

  fail_unless (element != NULL, "guidedbp not found: check "
      "GST_PLUGIN_PATH_1_0");
  g_object_set (element, "model", path, "input-width", input_width,
      "input-height", input_height, NULL);
  g_free (path);
  return element;
}

static gchar *
caps_string_of (const GstVideoInfo * info)
{
  GstCaps *caps = gst_video_info_to_caps (info);
  gchar *text = gst_caps_to_string (caps);

  gst_caps_unref (caps);
  return text;
}

/* A started harness around @element (taken), fed @info's caps exactly
 * (its framerate included, unlike plugin-test-util's harness_new). */
static GstHarness *
harness_new_for_info (GstElement * element, const GstVideoInfo * info)
{
  GstHarness *h = gst_harness_new_with_element (element, "sink", "src");
  gchar *caps = caps_string_of (info);

  gst_object_unref (element);
  gst_harness_set_src_caps_str (h, caps);
  g_free (caps);
  return h;
}

static GstHarness *
harness_new_default (const GstVideoInfo * info)
{
  return harness_new_for_info (guidedbp_new_sized (MODEL, MODEL_SIZE, MODEL_SIZE), info);
}

/* Pushes @buffer (taken), pulls the output and checks it has the input's
 * caps. */
static GstBuffer *
push_pull_checked (GstHarness * h, const GstVideoInfo * info,
    GstBuffer * buffer)
{
  GstCaps *in_caps, *out_caps;
  GstBuffer *out;

  fail_unless_equals_int (gst_harness_push (h, buffer), GST_FLOW_OK);
  out = gst_harness_pull (h);
  fail_unless (out != NULL, "no output buffer");

  in_caps = gst_video_info_to_caps (info);
  out_caps = gst_pad_get_current_caps (h->sinkpad);
  fail_unless (out_caps != NULL);
  fail_unless (gst_caps_is_equal (in_caps, out_caps), "output caps %"
      GST_PTR_FORMAT " for input caps %" GST_PTR_FORMAT, out_caps, in_caps);
  gst_caps_unref (in_caps);
  gst_caps_unref (out_caps);
  return out;
}

static void
bus_release (GstElement * element, GstBus * bus)
{
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
}

/* Takes the first error message off @bus and returns "message | debug",
 * and its GError in @error_out if not NULL. NULL when there is none. */
static gchar *
bus_pop_error (GstBus * bus, GstClockTime timeout, GError ** error_out)
{
  GstMessage *message;
  GError *error = NULL;
  gchar *debug = NULL, *text;

  message = gst_bus_timed_pop_filtered (bus, timeout, GST_MESSAGE_ERROR);
  if (message == NULL)
    return NULL;
  gst_message_parse_error (message, &error, &debug);
  text = g_strdup_printf ("%s | %s", error->message, GST_STR_NULL (debug));
  if (error_out != NULL)
    *error_out = g_steal_pointer (&error);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (message);
  return text;
}

/* Counts buffers going into a pad. */
static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return GST_PAD_PROBE_OK;
}

static void
count_buffers_into (GstElement * bin, const gchar * name, gint * counter)
{
  GstElement *element = gst_bin_get_by_name (GST_BIN (bin), name);
  GstPad *pad;

  fail_unless (element != NULL, "no element %s", name);
  pad = gst_element_get_static_pad (element, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer, counter,
      NULL);
  gst_object_unref (pad);
  gst_object_unref (element);
}

static void
set_model (GstElement * bin, const gchar * name, const gchar * model,
    guint input_width, guint input_height)
{
  GstElement *element = gst_bin_get_by_name (GST_BIN (bin), name);
  gchar *path = data_path (model);

  fail_unless (element != NULL, "no element %s", name);
  g_object_set (element, "model", path, "input-width", input_width,
      "input-height", input_height, NULL);
  g_free (path);
  gst_object_unref (element);
}

/* Parses @description; every guidedbp in it is named and configured by
 * the caller. */
static GstElement *
pipeline_new (const gchar * description)
{
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", description,
      error ? error->message : "?");
  return pipeline;
}

/* Plays @pipeline to EOS. Returns NULL on EOS, else what went wrong (an
 * error message or a timeout), to free. Counts "guidedbp" element
 * messages in @n_messages when not NULL. Leaves the pipeline PLAYING (or
 * where it failed): the caller sets it to NULL. Calls no fail(): usable
 * from any thread. */
static gchar *
pipeline_play_to_eos (GstElement * pipeline, guint * n_messages)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + PIPELINE_TIMEOUT / 1000;
  gchar *problem = NULL;

  if (n_messages != NULL)
    *n_messages = 0;
  if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    problem = bus_pop_error (bus, 0, NULL);
    if (problem == NULL)
      problem = g_strdup ("state change failed without an error message");
    gst_object_unref (bus);
    return problem;
  }

  while (problem == NULL) {
    gint64 left = deadline - g_get_monotonic_time ();
    GstMessage *message;

    if (left <= 0) {
      problem = g_strdup ("timeout waiting for EOS");
      break;
    }
    message = gst_bus_timed_pop_filtered (bus, left * 1000,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT);
    if (message == NULL)
      continue;
    if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS) {
      gst_message_unref (message);
      break;
    }
    if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
      GError *error = NULL;
      gchar *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      problem = g_strdup_printf ("%s | %s", error->message,
          GST_STR_NULL (debug));
      g_clear_error (&error);
      g_free (debug);
    } else if (n_messages != NULL && gst_message_has_name (message,
            "guidedbp")) {
      (*n_messages)++;
    }
    gst_message_unref (message);
  }
  gst_object_unref (bus);
  return problem;
}

static void
assert_plays_to_eos (GstElement * pipeline, guint * n_messages)
{
  gchar *problem = pipeline_play_to_eos (pipeline, n_messages);

  fail_unless (problem == NULL, "%s", problem);
}

static void
set_state_checked (GstElement * element, GstState state)
{
  GstStateChangeReturn ret = gst_element_set_state (element, state);

  fail_if (ret == GST_STATE_CHANGE_FAILURE, "cannot go to %s",
      gst_element_state_get_name (state));
  if (ret == GST_STATE_CHANGE_ASYNC)
    fail_unless_equals_int (gst_element_get_state (element, NULL, NULL,
            PIPELINE_TIMEOUT), GST_STATE_CHANGE_SUCCESS);
}

/* ------------------------------------------------------------------ */
/* 1. Bad inputs                                                       */

GST_START_TEST (test_bad_model_count)
{
  /* fixtures.ini was read and holds every bad model this suite was
   * written for (15); more is fine. */
  fail_unless (bad_models->len >= 15, "%u bad models in fixtures.ini",
      bad_models->len);
}

GST_END_TEST;

/* Each bad model, in a real pipeline: going to PLAYING fails with an
 * error naming the file (message) and the cause (debug); the pipeline
 * goes back to NULL cleanly. */
GST_START_TEST (test_bad_model)
{
  const BadModel *bad = &g_array_index (bad_models, BadModel, __i__);
  GstElement *pipeline;
  GstBus *bus;
  GError *error = NULL;
  gchar *text, *path;
  guint stage;
  gboolean named_cause = FALSE;

  fail_unless (bad->file != NULL && bad->expect != NULL,
      "fixtures.ini: [bad %s] lacks file or expect", bad->name);
  for (stage = 0; stage < G_N_ELEMENTS (bad_causes); stage++)
    if (strcmp (bad_causes[stage].expect, bad->expect) == 0)
      break;
  fail_unless (stage < G_N_ELEMENTS (bad_causes),
      "[bad %s]: unknown expect=%s", bad->name, bad->expect);

  pipeline = pipeline_new ("videotestsrc num-buffers=3 ! "
      "video/x-raw,format=RGB,width=64,height=48 ! guidedbp name=g ! "
      "fakesink");
  set_model (pipeline, "g", bad->file, MODEL_SIZE, MODEL_SIZE);
  bus = gst_element_get_bus (pipeline);
  path = data_path (bad->file);

  fail_unless_equals_int (gst_element_set_state (pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  text = bus_pop_error (bus, 0, &error);
  fail_unless (text != NULL, "[bad %s]: no error message", bad->name);
  GST_INFO ("[bad %s] %s", bad->name, text);

  fail_unless (strstr (error->message, path) != NULL,
      "[bad %s]: error message does not name the file: %s", bad->name, text);
  for (guint i = 0; bad_causes[stage].causes[i] != NULL; i++)
    named_cause |= strstr (text, bad_causes[stage].causes[i]) != NULL;
  fail_unless (named_cause, "[bad %s] (%s): the error does not say why: %s",
      bad->name, bad->expect, text);
  if (bad_causes[stage].resource_code != 0)
    fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
            bad_causes[stage].resource_code), "[bad %s]: %s %d", bad->name,
        g_quark_to_string (error->domain), error->code);
  else
    fail_unless (g_error_matches (error, GST_LIBRARY_ERROR,
            GST_LIBRARY_ERROR_INIT), "[bad %s]: %s %d", bad->name,
        g_quark_to_string (error->domain), error->code);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  g_clear_error (&error);
  g_free (text);
  g_free (path);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Labels files: which are accepted and, for the others, what the error
 * must say. */
static const struct
{
  const gchar *file;
  const gchar *cause;           /* NULL: accepted */
} labels_cases[] = {
  {"labels/labels-9.txt", "has 9 lines but the model has 10 classes"},
  {"labels/labels-11.txt", "has 11 lines but the model has 10 classes"},
  {"labels/labels-invalid-utf8.txt", "line 4 is not valid UTF-8"},
  {"labels/labels-10-blank-line.txt", "has 11 lines"},
  {"labels/labels-10-no-newline.txt", NULL},
  {"labels/labels-10-crlf.txt", NULL},
  {GOOD_LABELS, NULL},
};

GST_START_TEST (test_labels)
{
  const gchar *file = labels_cases[__i__].file;
  const gchar *cause = labels_cases[__i__].cause;
  GstElement *element = guidedbp_new_sized (MODEL, MODEL_SIZE, MODEL_SIZE);
  gchar *path = data_path (file);
  GstBus *bus = bus_for (element);

  g_object_set (element, "labels", path, "post-messages", TRUE, NULL);

  if (cause != NULL) {
    GError *error = NULL;
    gchar *text;

    fail_unless_equals_int (gst_element_set_state (element,
            GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    text = bus_pop_error (bus, 0, &error);
    fail_unless (text != NULL, "%s: no error message", file);
    GST_INFO ("%s: %s", file, text);
    fail_unless (strstr (error->message, path) != NULL,
        "%s: the error does not name the file: %s", file, text);
    fail_unless (strstr (text, cause) != NULL,
        "%s: the error does not say '%s': %s", file, cause, text);
    fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_OPEN_READ));
    g_clear_error (&error);
    g_free (text);
    fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
  } else {
    /* Accepted: every label is the good file's line, without '\r'. */
    GstVideoInfo info;
    GstHarness *h;
    GstBuffer *out;
    GstMessage *message;
    const gchar *label;
    gchar *good_path = data_path (GOOD_LABELS), *good_text;
    gchar **good_lines;
    gint class_index;

    fail_unless (g_file_get_contents (good_path, &good_text, NULL, NULL));
    good_lines = g_strsplit (good_text, "\n", -1);

    video_info_set (&info, "RGB", 64, 48);
    h = harness_new_for_info (gst_object_ref (element), &info);
    out = push_pull_checked (h, &info, buffer_new_textured (&info, 1, 0));
    gst_buffer_unref (out);
    message = pop_guidedbp_message (bus);
    fail_unless (message != NULL, "%s: no guidedbp message", file);
    fail_unless (gst_structure_get_int (gst_message_get_structure (message),
            "class", &class_index));
    label = gst_structure_get_string (gst_message_get_structure (message),
        "label");
    fail_unless (class_index >= 0 && class_index < MODEL_CLASSES);
    fail_unless (label != NULL, "%s: no label", file);
    fail_unless_equals_string (label, good_lines[class_index]);
    gst_message_unref (message);
    gst_harness_teardown (h);
    g_strfreev (good_lines);
    g_free (good_text);
    g_free (good_path);
  }

  bus_release (element, bus);
  gst_object_unref (element);
  g_free (path);
}

GST_END_TEST;

/* A class the model does not have: documented as a streaming error
 * (GST_FLOW_ERROR) naming the class count. The stream goes on once the
 * property is valid again. */
GST_START_TEST (test_target_class_out_of_range)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBus *bus;
  GstBuffer *out;
  GError *error = NULL;
  gchar *text;

  video_info_set (&info, "RGB", 64, 48);
  h = harness_new_default (&info);
  bus = bus_for (h->element);

  out = push_pull_checked (h, &info, buffer_new_textured (&info, 1, 0));
  gst_buffer_unref (out);

  for (guint i = 0; i < 2; i++) {
    gint bad_class = i == 0 ? MODEL_CLASSES : G_MAXINT;

    g_object_set (h->element, "target-class", bad_class, NULL);
    fail_unless_equals_int (gst_harness_push (h, buffer_new_textured (&info,
                2, 0)), GST_FLOW_ERROR);
    text = bus_pop_error (bus, 0, &error);
    fail_unless (text != NULL, "no error message for class %d", bad_class);
    GST_INFO ("target-class %d: %s", bad_class, text);
    fail_unless (g_error_matches (error, GST_LIBRARY_ERROR,
            GST_LIBRARY_ERROR_SETTINGS));
    fail_unless (strstr (text, "has 10 classes") != NULL,
        "the error does not name the class count: %s", text);
    g_clear_error (&error);
    g_free (text);
  }

  g_object_set (h->element, "target-class", MODEL_CLASSES - 1, NULL);
  out = push_pull_checked (h, &info, buffer_new_textured (&info, 3, 0));
  assert_sane_output (&info, out);
  gst_buffer_unref (out);

  bus_release (h->element, bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Set before starting, an impossible class cannot be checked until the
 * model is loaded: the element must fail with an error naming the class
 * count, at start or on the first frame, and never crash. */
GST_START_TEST (test_target_class_out_of_range_at_start)
{
  GstElement *element = guidedbp_new_sized (MODEL, MODEL_SIZE, MODEL_SIZE);
  GstBus *bus = bus_for (element);
  GstHarness *h = NULL;
  GstVideoInfo info;
  GstStateChangeReturn ret;
  gchar *text;

  g_object_set (element, "target-class", 1000, NULL);
  ret = gst_element_set_state (element, GST_STATE_PLAYING);
  if (ret != GST_STATE_CHANGE_FAILURE) {
    /* Started: the first frame is the streaming error. */
    gst_element_set_state (element, GST_STATE_NULL);
    video_info_set (&info, "RGB", 64, 48);
    h = harness_new_for_info (gst_object_ref (element), &info);
    fail_unless_equals_int (gst_harness_push (h, buffer_new_textured (&info,
                1, 0)), GST_FLOW_ERROR);
  }
  text = bus_pop_error (bus, 0, NULL);
  fail_unless (text != NULL, "no error message");
  GST_INFO ("target-class 1000 at start (%s): %s",
      ret == GST_STATE_CHANGE_FAILURE ? "start failed" : "flow error", text);
  fail_unless (strstr (text, "1000") != NULL && strstr (text,
          "has 10 classes") != NULL, "unclear error: %s", text);
  g_free (text);

  if (h != NULL)
    gst_harness_teardown (h);
  else
    gst_element_set_state (element, GST_STATE_NULL);
  bus_release (element, bus);
  gst_object_unref (element);
}

GST_END_TEST;

/* mean/std text that is not three numbers is refused when set: a warning
 * naming the text, the previous value kept. A zero or negative std parses
 * but the element cannot start: an error that says why. */
static const struct
{
  const gchar *property;
  const gchar *text;
  gboolean parses;
} normalization_cases[] = {
  {"mean", "0.5,0.5", FALSE},
  {"mean", "0.5,0.5,0.5,0.5", FALSE},
  {"mean", "", FALSE},
  {"mean", "nan,0,0", FALSE},
  {"std", "0.2", FALSE},
  {"std", "0.2,0.2,0.2,0.2", FALSE},
  {"std", "0.2;0.2;0.2", FALSE},
  {"std", "0.2,0,0.2", TRUE},
  {"std", "-0.2,0.2,0.2", TRUE},
  {"std", "0,0,0", TRUE},
};

GST_START_TEST (test_bad_normalization)
{
  const gchar *property = normalization_cases[__i__].property;
  const gchar *text = normalization_cases[__i__].text;
  GstElement *element = guidedbp_new_sized (MODEL, MODEL_SIZE, MODEL_SIZE);
  GstBus *bus = bus_for (element);
  gchar *before, *after, *problem;
  GError *error = NULL;
  GstMessage *message;

  g_object_get (element, property, &before, NULL);
  g_object_set (element, property, text, NULL);
  g_object_get (element, property, &after, NULL);

  if (!normalization_cases[__i__].parses) {
    gchar *debug = NULL;

    fail_unless_equals_string (after, before);
    message = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
    fail_unless (message != NULL, "%s='%s': no warning", property, text);
    gst_message_parse_warning (message, &error, &debug);
    GST_INFO ("%s='%s': %s | %s", property, text, error->message, debug);
    fail_unless (strstr (error->message, property) != NULL
        && strstr (error->message, text) != NULL,
        "the warning does not name %s='%s': %s", property, text,
        error->message);
    g_clear_error (&error);
    g_free (debug);
    gst_message_unref (message);
    /* It reads back as the old value, but starting fails, naming the
     * property and the text (issue #17: it used to start silently with
     * the old value). */
    fail_unless_equals_int (gst_element_set_state (element,
            GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    problem = bus_pop_error (bus, 0, &error);
    fail_unless (problem != NULL, "%s='%s': no error", property, text);
    GST_INFO ("%s='%s': %s", property, text, problem);
    fail_unless (strstr (error->message, property) != NULL
        && strstr (error->message, text) != NULL,
        "the error does not name %s='%s': %s", property, text, problem);
    fail_unless (g_error_matches (error, GST_LIBRARY_ERROR,
            GST_LIBRARY_ERROR_SETTINGS), "%s %d",
        g_quark_to_string (error->domain), error->code);
    g_clear_error (&error);
    g_free (problem);
  } else {
    fail_unless_equals_int (gst_element_set_state (element,
            GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    problem = bus_pop_error (bus, 0, &error);
    fail_unless (problem != NULL, "std='%s': no error", text);
    GST_INFO ("std='%s': %s", text, problem);
    fail_unless (strstr (problem, "std") != NULL
        && strstr (problem, "positive") != NULL,
        "std='%s': unclear error: %s", text, problem);
    fail_unless (g_error_matches (error, GST_LIBRARY_ERROR,
            GST_LIBRARY_ERROR_SETTINGS), "%s %d",
        g_quark_to_string (error->domain), error->code);
    g_clear_error (&error);
    g_free (problem);
  }
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  g_free (before);
  g_free (after);
  bus_release (element, bus);
  gst_object_unref (element);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* 2. Geometry and formats                                             */

static const struct
{
  guint width, height;
  const gchar *format;
} geometries[] = {
  {1, 1, "RGB"},
  {1, 1, "BGRA"},
  {2, 2, "RGB"},
  {3, 7, "RGB"},
  {7, 3, "BGR"},
  {33, 17, "RGB"},              /* 99-byte rows in 100-byte strides */
  {33, 17, "BGR"},
  {31, 9, "xRGB"},
  {1, 480, "RGB"},
  {640, 1, "RGB"},
  {4096, 2160, "RGB"},          /* one 4K frame */
};

GST_START_TEST (test_geometry)
{
  guint width = geometries[__i__].width;
  guint height = geometries[__i__].height;
  const gchar *format = geometries[__i__].format;
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *out, *out_other_padding;

  video_info_set (&info, format, width, height);
  GST_INFO ("%s %ux%u: stride %d", format, width, height,
      GST_VIDEO_INFO_PLANE_STRIDE (&info, 0));
  h = harness_new_default (&info);

  out = push_pull_checked (h, &info, buffer_new_textured (&info, 1, 0x00));
  assert_sane_output (&info, out);

  /* What lies past the row's pixels must not change the result. */
  if (GST_VIDEO_INFO_PLANE_STRIDE (&info, 0) >
      (gint) (width * layout_of (GST_VIDEO_INFO_FORMAT (&info)).pixel_stride)
      && width * height < 1000000) {
    guint8 *a, *b;

    out_other_padding = push_pull_checked (h, &info,
        buffer_new_textured (&info, 1, 0xFF));
    a = buffer_get_rgb (&info, out);
    b = buffer_get_rgb (&info, out_other_padding);
    fail_unless (memcmp (a, b, (gsize) width * height * 3) == 0,
        "%s %ux%u: row padding changes the output", format, width, height);
    g_free (a);
    g_free (b);
    gst_buffer_unref (out_other_padding);
  }

  gst_buffer_unref (out);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Input buffers whose GstVideoMeta gives a stride larger than GStreamer's
 * default (as a decoder or a camera might): the element must follow it. */
GST_START_TEST (test_custom_stride)
{
  GstVideoInfo info, wide;
  GstHarness *h;
  GstBuffer *in, *out_default, *out_wide;
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 0 };
  guint8 *a, *b;

  video_info_set (&info, "RGB", 33, 17);
  h = harness_new_default (&info);
  out_default = push_pull_checked (h, &info, buffer_new_textured (&info, 4,
          0));

  /* The same picture, rows 160 bytes apart, garbage in between. */
  wide = info;
  stride[0] = GST_VIDEO_INFO_PLANE_STRIDE (&wide, 0) = 160;
  wide.size = 160 * 17;
  in = buffer_new_textured (&wide, 4, 0xEE);
  gst_buffer_add_video_meta_full (in, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_RGB, 33, 17, 1, offset, stride);
  out_wide = push_pull_checked (h, &info, in);

  a = buffer_get_rgb (&info, out_default);
  b = buffer_get_rgb (&info, out_wide);
  fail_unless (memcmp (a, b, 33 * 17 * 3) == 0,
      "a 160-byte stride changes the output");
  g_free (a);
  g_free (b);
  gst_buffer_unref (out_default);
  gst_buffer_unref (out_wide);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Every RGB-family format the element's sink template lists, at an odd
 * size. */
GST_START_TEST (test_every_format)
{
  GstElement *element = gst_element_factory_make ("guidedbp", NULL);
  GstPad *pad = gst_element_get_static_pad (element, "sink");
  GstCaps *template_caps = gst_pad_get_pad_template_caps (pad);
  const GValue *formats;
  guint n_formats;

  gst_object_unref (pad);
  gst_object_unref (element);
  formats = gst_structure_get_value (gst_caps_get_structure (template_caps,
          0), "format");
  fail_unless (formats != NULL && GST_VALUE_HOLDS_LIST (formats));
  n_formats = gst_value_list_get_size (formats);
  fail_unless (n_formats >= 10, "%u formats", n_formats);

  for (guint i = 0; i < n_formats; i++) {
    const gchar *format =
        g_value_get_string (gst_value_list_get_value (formats, i));
    GstVideoInfo info;
    GstHarness *h;
    GstBuffer *out;

    video_info_set (&info, format, 35, 21);
    /* the YUV formats have planes and chroma of their own: test-yuv.c */
    if (!GST_VIDEO_INFO_IS_RGB (&info))
      continue;
    h = harness_new_default (&info);
    out = push_pull_checked (h, &info, buffer_new_textured (&info, i, 0x11));
    assert_sane_output (&info, out);
    gst_buffer_unref (out);
    gst_harness_teardown (h);
  }
  gst_caps_unref (template_caps);
}

GST_END_TEST;

/* framerate=0/1: a still image, buffers without duration. */
GST_START_TEST (test_still_image)
{
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;

  video_info_set (&info, "RGBA", 100, 75);
  GST_VIDEO_INFO_FPS_N (&info) = 0;
  GST_VIDEO_INFO_FPS_D (&info) = 1;
  h = harness_new_default (&info);

  for (guint i = 0; i < 2; i++) {
    in = buffer_new_textured (&info, 7, 0);
    GST_BUFFER_PTS (in) = i == 0 ? 0 : GST_CLOCK_TIME_NONE;
    GST_BUFFER_DURATION (in) = GST_CLOCK_TIME_NONE;
    out = push_pull_checked (h, &info, in);
    assert_sane_output (&info, out);
    gst_buffer_unref (out);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

/* New caps every third frame, ten sizes and several formats, in one
 * stream. */
GST_START_TEST (test_resolution_changes)
{
  static const struct
  {
    const gchar *format;
    guint width, height;
  } steps[] = {
    {"RGB", 64, 48}, {"BGRx", 33, 17}, {"RGB", 1, 1}, {"ABGR", 320, 240},
    {"BGR", 7, 3}, {"RGB", 100, 75}, {"RGBA", 2, 2}, {"RGB", 640, 360},
    {"xBGR", 3, 7}, {"RGB", 97, 61},
  };
  GstHarness *h = NULL;
  guint pushed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++) {
    GstVideoInfo info;

    video_info_set (&info, steps[i].format, steps[i].width,
        steps[i].height);
    if (h == NULL) {
      h = harness_new_default (&info);
    } else {
      gchar *caps = caps_string_of (&info);

      gst_harness_set_src_caps_str (h, caps);
      g_free (caps);
    }
    for (guint j = 0; j < 3; j++) {
      GstBuffer *in = buffer_new_textured (&info, pushed, 0x33), *out;

      GST_BUFFER_PTS (in) = pushed * GST_SECOND / 30;
      out = push_pull_checked (h, &info, in);
      assert_sane_output (&info, out);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (out),
          pushed * GST_SECOND / 30);
      gst_buffer_unref (out);
      pushed++;
    }
  }
  fail_unless_equals_int (gst_harness_buffers_received (h), pushed);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* 3. Lifecycle and threads                                            */

#define SMALL_SOURCE \
  "videotestsrc num-buffers=%d pattern=smpte ! " \
  "video/x-raw,format=RGB,width=64,height=48,framerate=30/1"

/* Many NULL -> PLAYING -> NULL cycles of one pipeline, each loading the
 * model and playing two frames to EOS. */
GST_START_TEST (test_state_cycles)
{
  gchar *description = g_strdup_printf (SMALL_SOURCE
      " ! guidedbp name=g ! fakesink name=sink", 2);
  GstElement *pipeline = pipeline_new (description);
  gint frames = 0;
  gint64 started = g_get_monotonic_time ();

  set_model (pipeline, "g", TINY_MODEL, MODEL_SIZE, MODEL_SIZE);
  count_buffers_into (pipeline, "sink", &frames);
  for (guint i = 0; i < STATE_CYCLES; i++) {
    assert_plays_to_eos (pipeline, NULL);
    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless_equals_int (g_atomic_int_get (&frames), 2 * (i + 1));
  }
  GST_INFO ("%u cycles in %.1f s", STATE_CYCLES,
      (g_get_monotonic_time () - started) / 1e6);

  gst_object_unref (pipeline);
  g_free (description);
}

GST_END_TEST;

/* Half-way transitions too: NULL -> READY -> PAUSED -> READY -> NULL
 * without data, and PAUSED -> NULL with a prerolled frame. */
GST_START_TEST (test_partial_state_changes)
{
  gchar *description = g_strdup_printf (SMALL_SOURCE
      " ! guidedbp name=g ! fakesink", 5);
  GstElement *pipeline = pipeline_new (description);
  GstElement *element = guidedbp_new_sized (MODEL, MODEL_SIZE, MODEL_SIZE);

  for (guint i = 0; i < 3; i++) {
    set_state_checked (element, GST_STATE_READY);
    set_state_checked (element, GST_STATE_PAUSED);
    set_state_checked (element, GST_STATE_READY);
    set_state_checked (element, GST_STATE_NULL);
  }
  gst_object_unref (element);

  set_model (pipeline, "g", TINY_MODEL, MODEL_SIZE, MODEL_SIZE);
  for (guint i = 0; i < 3; i++) {
    set_state_checked (pipeline, GST_STATE_PAUSED);
    set_state_checked (pipeline, GST_STATE_NULL);
  }
  gst_object_unref (pipeline);
  g_free (description);
}

GST_END_TEST;

/* EOS before any buffer: after caps, and with no caps at all (a source
 * that produces nothing). */
GST_START_TEST (test_eos_before_buffer)
{
  GstVideoInfo info;
  GstHarness *h;
  GstEvent *event;
  gboolean got_eos = FALSE;
  gchar *description;
  GstElement *pipeline;

  video_info_set (&info, "RGB", 64, 48);
  h = harness_new_default (&info);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  while ((event = gst_harness_try_pull_event (h)) != NULL) {
    got_eos |= GST_EVENT_TYPE (event) == GST_EVENT_EOS;
    gst_event_unref (event);
  }
  fail_unless (got_eos, "EOS did not go through");
  fail_unless_equals_int (gst_harness_buffers_received (h), 0);
  gst_harness_teardown (h);

  description = g_strdup_printf (SMALL_SOURCE
      " ! guidedbp name=g ! fakesink", 0);
  pipeline = pipeline_new (description);
  set_model (pipeline, "g", MODEL, MODEL_SIZE, MODEL_SIZE);
  assert_plays_to_eos (pipeline, NULL);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
  g_free (description);
}

GST_END_TEST;

/* Waits until *@counter reaches @target, failing on a bus error or after
 * a timeout. */
static void
wait_for_count (GstElement * pipeline, gint * counter, gint target)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline = g_get_monotonic_time () + PIPELINE_TIMEOUT / 1000;

  while (g_atomic_int_get (counter) < target) {
    gchar *problem = bus_pop_error (bus, 20 * GST_MSECOND, NULL);

    fail_unless (problem == NULL, "%s", problem);
    fail_unless (g_get_monotonic_time () < deadline,
        "timeout: %d of %d frames", g_atomic_int_get (counter), target);
  }
  gst_object_unref (bus);
}

/* Flushing seeks while frames flow (the element may be in the middle of
 * a frame): frames keep coming after each one, no error. */
GST_START_TEST (test_flushing_seeks)
{
  GstElement *pipeline = pipeline_new ("videotestsrc pattern=ball ! "
      "video/x-raw,format=BGRx,width=96,height=64,framerate=30/1 ! "
      "guidedbp name=g ! fakesink name=sink sync=false");
  gint frames = 0;

  set_model (pipeline, "g", MODEL, MODEL_SIZE, MODEL_SIZE);
  count_buffers_into (pipeline, "sink", &frames);
  set_state_checked (pipeline, GST_STATE_PLAYING);
  wait_for_count (pipeline, &frames, 3);

  for (guint i = 0; i < 8; i++) {
    gint before;
    GstSeekFlags flags = GST_SEEK_FLAG_FLUSH | (i % 2 ?
        GST_SEEK_FLAG_ACCURATE : GST_SEEK_FLAG_KEY_UNIT);

    fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME, flags,
            (i * 7 % 5) * GST_SECOND), "seek %u refused", i);
    before = g_atomic_int_get (&frames);
    wait_for_count (pipeline, &frames, before + 2);
  }
  /* And one while paused. */
  set_state_checked (pipeline, GST_STATE_PAUSED);
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, 0));
  set_state_checked (pipeline, GST_STATE_PLAYING);
  wait_for_count (pipeline, &frames, g_atomic_int_get (&frames) + 2);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Changing the model between runs: another input size, a bad model (the
 * run fails cleanly), then a good one again. */
GST_START_TEST (test_change_model)
{
  static const struct
  {
    const gchar *model;
    guint width, height;
    gboolean works;
  } runs[] = {
    {MODEL, MODEL_SIZE, MODEL_SIZE, TRUE},
    {OTHER_MODEL, OTHER_MODEL_WIDTH, OTHER_MODEL_HEIGHT, TRUE},
    {"bad/truncated-50.pt", MODEL_SIZE, MODEL_SIZE, FALSE},
    {TINY_MODEL, MODEL_SIZE, MODEL_SIZE, TRUE},
    {OTHER_MODEL, OTHER_MODEL_WIDTH, OTHER_MODEL_HEIGHT, TRUE},
  };
  gchar *description = g_strdup_printf (SMALL_SOURCE
      " ! guidedbp name=g post-messages=true ! fakesink", 3);
  GstElement *pipeline = pipeline_new (description);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++) {
    guint n_messages = 0;
    gchar *problem;

    set_model (pipeline, "g", runs[i].model, runs[i].width, runs[i].height);
    problem = pipeline_play_to_eos (pipeline, &n_messages);
    if (runs[i].works) {
      fail_unless (problem == NULL, "%s: %s", runs[i].model, problem);
      fail_unless_equals_int (n_messages, 3);
    } else {
      fail_unless (problem != NULL, "%s played", runs[i].model);
      fail_unless (strstr (problem, runs[i].model) != NULL, "%s", problem);
    }
    g_free (problem);
    set_state_checked (pipeline, GST_STATE_READY);
    set_state_checked (pipeline, GST_STATE_NULL);
  }
  gst_object_unref (pipeline);
  g_free (description);
}

GST_END_TEST;

#define MAX_STRESS_VALUES 8

/* Values to set @pspec to from concurrent threads, all valid while
 * playing: the default and another one, or every value of an enum.
 * Returns how many were put in @values (0: a type this test does not
 * know). */
static guint
stress_values (GParamSpec * pspec, GValue values[MAX_STRESS_VALUES])
{
  GType type = G_PARAM_SPEC_VALUE_TYPE (pspec);
  GValue *a = &values[0], *b = &values[1];

  if (G_IS_PARAM_SPEC_ENUM (pspec)) {
    GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
    guint n = MIN (klass->n_values, MAX_STRESS_VALUES);

    for (guint i = 0; i < n; i++) {
      g_value_init (&values[i], type);
      g_value_set_enum (&values[i], klass->values[i].value);
    }
    return n;
  }

  g_value_init (a, type);
  g_value_init (b, type);
  g_param_value_set_default (pspec, a);
  if (G_IS_PARAM_SPEC_BOOLEAN (pspec)) {
    g_value_set_boolean (b, !g_value_get_boolean (a));
  } else if (G_IS_PARAM_SPEC_INT (pspec)) {
    GParamSpecInt *p = G_PARAM_SPEC_INT (pspec);
    gint v = g_value_get_int (a);

    /* target-class: -1 (top) and 3 */
    g_value_set_int (b, v < p->maximum ? MAX (v + 4, 3) : v - 1);
    g_param_value_validate (pspec, b);
  } else if (G_IS_PARAM_SPEC_UINT (pspec)) {
    GParamSpecUInt *p = G_PARAM_SPEC_UINT (pspec);
    guint v = g_value_get_uint (a);

    g_value_set_uint (b, v < p->maximum ? v + 1 : v - 1);
  } else if (G_IS_PARAM_SPEC_DOUBLE (pspec)) {
    GParamSpecDouble *p = G_PARAM_SPEC_DOUBLE (pspec);
    gdouble v = g_value_get_double (a);
    gdouble minimum = p->minimum, maximum = p->maximum;

    /* The element declares alpha and smoothing over all doubles, to fail
     * on the others itself: their documented ranges. */
    if (g_str_equal (pspec->name, "alpha")) {
      minimum = 0.0;
      maximum = 1.0;
    } else if (g_str_equal (pspec->name, "smoothing")) {
      minimum = 0.0;
      maximum = 0.99;
    }
    g_value_set_double (b, maximum - minimum <= 1000.0 ?
        (v == minimum ? (minimum + maximum) / 2 : minimum) :
        MIN (v + 1.0, maximum));
  } else {
    g_value_unset (a);
    g_value_unset (b);
    return 0;
  }
  return 2;
}

/* Properties set from other threads as fast as they can while frames
 * flow: every frame still comes out whole, no error. The properties that
 * can change while playing are stressed; those that do not exist (yet) in
 * this build are skipped with a message. */
GST_START_TEST (test_stress_properties)
{
  static const gchar *names[] = {
    "target-class", "post-messages", "render-mode", "colormap", "alpha",
    "smoothing",
  };
  GstHarnessThread *threads[G_N_ELEMENTS (names) * MAX_STRESS_VALUES];
  GValue values[G_N_ELEMENTS (names) * MAX_STRESS_VALUES];
  guint n_threads = 0;
  GstVideoInfo info;
  GstHarness *h;
  GstBus *bus;
  GObjectClass *klass;
  gchar *problem;

  memset (values, 0, sizeof (values));
  video_info_set (&info, "BGRA", 80, 60);
  h = harness_new_default (&info);
  bus = bus_for (h->element);
  klass = G_OBJECT_GET_CLASS (h->element);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    GParamSpec *pspec = g_object_class_find_property (klass, names[i]);
    guint n;

    if (pspec == NULL) {
      g_print ("test_stress_properties: no property '%s' in this build: "
          "not stressed\n", names[i]);
      continue;
    }
    if (!(pspec->flags & GST_PARAM_MUTABLE_PLAYING)
        || !(pspec->flags & G_PARAM_WRITABLE)) {
      g_print ("test_stress_properties: '%s' cannot change while playing: "
          "not stressed\n", names[i]);
      continue;
    }
    n = stress_values (pspec, &values[n_threads]);
    if (n == 0) {
      g_print ("test_stress_properties: '%s' has type %s: not stressed\n",
          names[i], g_type_name (G_PARAM_SPEC_VALUE_TYPE (pspec)));
      continue;
    }
    for (guint j = 0; j < n; j++) {
      threads[n_threads] = gst_harness_stress_property_start_full (h,
          names[i], &values[n_threads], 50 + 10 * j);
      n_threads++;
    }
  }
  fail_unless (n_threads >= 4, "nothing to stress");

  for (guint i = 0; i < 40; i++) {
    GstBuffer *in = buffer_new_textured (&info, i, 0), *out;

    GST_BUFFER_PTS (in) = i * GST_SECOND / 30;
    out = push_pull_checked (h, &info, in);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (out), i * GST_SECOND / 30);
    /* Alpha may legitimately change with the settings: check size only. */
    fail_unless (gst_buffer_get_size (out) >= info.size);
    gst_buffer_unref (out);
  }

  for (guint i = 0; i < n_threads; i++) {
    fail_unless (gst_harness_stress_thread_stop (threads[i]) > 0);
    g_value_unset (&values[i]);
  }
  problem = bus_pop_error (bus, 0, NULL);
  fail_unless (problem == NULL, "%s", problem);
  bus_release (h->element, bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Two guidedbp elements (two models, two engines) in one pipeline. */
GST_START_TEST (test_two_elements_tee)
{
  gchar *description = g_strdup_printf (SMALL_SOURCE " ! tee name=t "
      "t. ! queue ! guidedbp name=g1 ! fakesink name=s1 "
      "t. ! queue ! videoflip method=rotate-180 ! guidedbp name=g2 ! "
      "fakesink name=s2", 6);
  GstElement *pipeline = pipeline_new (description);
  gint frames1 = 0, frames2 = 0;

  set_model (pipeline, "g1", MODEL, MODEL_SIZE, MODEL_SIZE);
  set_model (pipeline, "g2", OTHER_MODEL, OTHER_MODEL_WIDTH,
      OTHER_MODEL_HEIGHT);
  count_buffers_into (pipeline, "s1", &frames1);
  count_buffers_into (pipeline, "s2", &frames2);
  assert_plays_to_eos (pipeline, NULL);
  fail_unless_equals_int (frames1, 6);
  fail_unless_equals_int (frames2, 6);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (pipeline);
  g_free (description);
}

GST_END_TEST;

typedef struct
{
  const gchar *model;
  guint input_width, input_height;
  const gchar *caps;
  gint frames;
  gchar *problem;
} PipelineJob;

static gpointer
pipeline_job_run (gpointer data)
{
  PipelineJob *job = data;
  gchar *description = g_strdup_printf ("videotestsrc num-buffers=8 ! %s ! "
      "guidedbp name=g ! fakesink name=sink", job->caps);
  GstElement *pipeline = gst_parse_launch (description, NULL);
  GstElement *g, *sink;
  GstPad *pad;
  gchar *path = data_path (job->model);

  g_free (description);
  if (pipeline == NULL) {
    job->problem = g_strdup ("cannot make the pipeline");
    g_free (path);
    return NULL;
  }
  g = gst_bin_get_by_name (GST_BIN (pipeline), "g");
  g_object_set (g, "model", path, "input-width", job->input_width,
      "input-height", job->input_height, NULL);
  gst_object_unref (g);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer,
      &job->frames, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  job->problem = pipeline_play_to_eos (pipeline, NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  g_free (path);
  return NULL;
}

/* Two pipelines, each with its element and model, in two threads. */
GST_START_TEST (test_two_pipelines_in_threads)
{
  PipelineJob jobs[2] = {
    {MODEL, MODEL_SIZE, MODEL_SIZE,
        "video/x-raw,format=RGB,width=80,height=60", 0, NULL},
    {OTHER_MODEL, OTHER_MODEL_WIDTH, OTHER_MODEL_HEIGHT,
        "video/x-raw,format=xBGR,width=33,height=17", 0, NULL},
  };
  GThread *threads[2];

  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("pipeline", pipeline_job_run, &jobs[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < 2; i++) {
    fail_unless (jobs[i].problem == NULL, "%s: %s", jobs[i].model,
        jobs[i].problem);
    fail_unless_equals_int (jobs[i].frames, 8);
  }
}

GST_END_TEST;

/* ------------------------------------------------------------------ */

/* Loads the plugin (and libtorch with it) once in the parent, so that
 * forked tests do not each pay for it. No libtorch work runs here, so no
 * thread pool exists at fork time. */
static void
plugin_preload (void)
{
  GstPluginFeature *feature = gst_registry_lookup_feature (gst_registry_get
      (), "guidedbp");
  GstPluginFeature *loaded;

  if (feature == NULL)
    return;                     /* guidedbp_new() reports it */
  loaded = gst_plugin_feature_load (feature);
  if (loaded != NULL)
    gst_object_unref (loaded);
  gst_object_unref (feature);
}

static Suite *
robustness_suite (void)
{
  Suite *s = suite_create ("guidedbp-robustness");
  TCase *bad = tcase_create ("bad-inputs");
  TCase *geometry = tcase_create ("geometry");
  TCase *lifecycle = tcase_create ("lifecycle");

  bad_models_load ();
  plugin_preload ();

  /* Model loads on a busy 2-CPU machine, under sanitizers: generous. */
  tcase_set_timeout (bad, 300);
  tcase_set_timeout (geometry, 300);
  tcase_set_timeout (lifecycle, 600);
  suite_add_tcase (s, bad);
  suite_add_tcase (s, geometry);
  suite_add_tcase (s, lifecycle);

  tcase_add_test (bad, test_bad_model_count);
  tcase_add_loop_test (bad, test_bad_model, 0, bad_models->len);
  tcase_add_loop_test (bad, test_labels, 0, G_N_ELEMENTS (labels_cases));
  tcase_add_test (bad, test_target_class_out_of_range);
  tcase_add_test (bad, test_target_class_out_of_range_at_start);
  tcase_add_loop_test (bad, test_bad_normalization, 0,
      G_N_ELEMENTS (normalization_cases));

  tcase_add_loop_test (geometry, test_geometry, 0,
      G_N_ELEMENTS (geometries));
  tcase_add_test (geometry, test_custom_stride);
  tcase_add_test (geometry, test_every_format);
  tcase_add_test (geometry, test_still_image);
  tcase_add_test (geometry, test_resolution_changes);

  tcase_add_test (lifecycle, test_state_cycles);
  tcase_add_test (lifecycle, test_partial_state_changes);
  tcase_add_test (lifecycle, test_eos_before_buffer);
  tcase_add_test (lifecycle, test_flushing_seeks);
  tcase_add_test (lifecycle, test_change_model);
  tcase_add_test (lifecycle, test_stress_properties);
  tcase_add_test (lifecycle, test_two_elements_tee);
  tcase_add_test (lifecycle, test_two_pipelines_in_threads);

  return s;
}

GST_CHECK_MAIN (robustness);
