/* guidedbp tests — property values the element must refuse, or accept in
 * every form applications give them
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Values are set as gst-launch-1.0 sets them (gst_util_set_object_arg), so
 * these cases are what a pipeline description does.
 */
#include <string.h>

#include <guidedbp/gbp-render.h>

#include "plugin-test-util.h"

/* @element starts (and stops again). */
static void
assert_starts (GstElement * element)
{
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
}

/* Starting with one of these fails, naming the property and the value. */
static const struct
{
  const gchar *property;
  const gchar *value;
  const gchar *named;           /* how the error writes the value */
} invalid_cases[] = {
  {"input-width", "0", "0"},
  {"input-width", "8193", "8193"},
  {"input-height", "0", "0"},
  {"num-threads", "1025", "1025"},
  {"target-class", "-2", "-2"},
  {"alpha", "-0.25", "-0.25"},
  {"alpha", "1.5", "1.5"},
  {"smoothing", "1", "1"},
  {"smoothing", "-1", "-1"},
  {"interval", "0", "0"},
  {"interval", "4294967295", "4294967295"},
  {"mean", "1,2", "'1,2'"},
  {"mean", "1,2,x", "'1,2,x'"},
  {"mean", "1,,3", "'1,,3'"},
  {"mean", "1,2,inf", "'1,2,inf'"},
  {"mean", "1e999,2,3", "'1e999,2,3'"},
  {"mean", "<0.5, 0.5>", "'<0.5, 0.5>'"},
  {"mean", "<a, b, c>", "'<a, b, c>'"},
  {"mean", "[0.5, 0.5, 0.5, 0.5]", "'[0.5, 0.5, 0.5, 0.5]'"},
  {"std", "(0.2, 0.2)", "'(0.2, 0.2)'"},
  {"std", "<0.2, 0.2, inf>", "'<0.2, 0.2, inf>'"},
};

GST_START_TEST (test_invalid_value_fails_start)
{
  const gchar *property = invalid_cases[__i__].property;
  gchar *quoted = g_strdup_printf ("'%s'", property);
  const gchar *const parts[] = { quoted, invalid_cases[__i__].named, NULL };
  GstElement *element = guidedbp_new (fixture.model);
  GstBus *bus = bus_for (element);

  gst_util_set_object_arg (G_OBJECT (element), property,
      invalid_cases[__i__].value);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error_names (bus, GST_LIBRARY_ERROR, GST_LIBRARY_ERROR_SETTINGS,
      parts);

  g_free (quoted);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  gst_object_unref (element);
}

GST_END_TEST;

/* Live properties out of range, set while playing: the next frame fails
 * with the same kind of error. */
static const struct
{
  const gchar *property;
  const gchar *value;
} invalid_live_cases[] = {
  {"alpha", "2"},
  {"smoothing", "0.995"},
  {"interval", "0"},
  {"target-class", "-3"},
};

GST_START_TEST (test_invalid_live_value_fails_stream)
{
  const gchar *property = invalid_live_cases[__i__].property;
  const gchar *value = invalid_live_cases[__i__].value;
  const gchar *const parts[] = { property, value, NULL };
  GstVideoInfo info;
  GstHarness *h;
  GstBuffer *in, *out;
  GstBus *bus;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  h = harness_new (guidedbp_new (fixture.model), &info);
  bus = bus_for (h->element);
  in = buffer_from_rgb (&info, fixture.card);

  out = push_pull (h, in);
  gst_buffer_unref (out);
  gst_util_set_object_arg (G_OBJECT (h->element), property, value);
  assert_push_refused (h, bus, in, parts);

  gst_buffer_unref (in);
  harness_teardown_with_bus (h, bus);
}

GST_END_TEST;

/* mean and std take three numbers in each of these forms. */
static const gchar *triplet_forms[] = {
  "0.5,0.25,0.125",
  " 0.5 , 0.25 , 0.125 ",
  "<0.5, 0.25, 0.125>",         /* gst-launch: mean="<0.5,0.25,0.125>" */
  "<(float)0.5, (double)0.25, (float)0.125>",
  "[0.5, 0.25, 0.125]",         /* str () of a Python list */
  "(0.5, 0.25, 0.125)",         /* ... and of a tuple */
};

GST_START_TEST (test_triplet_forms)
{
  GstElement *element = guidedbp_new (fixture.model);
  gchar *text;

  gst_util_set_object_arg (G_OBJECT (element), "mean", triplet_forms[__i__]);
  gst_util_set_object_arg (G_OBJECT (element), "std", triplet_forms[__i__]);
  g_object_get (element, "mean", &text, NULL);
  fail_unless_equals_string (text, "0.5,0.25,0.125");
  g_free (text);
  g_object_get (element, "std", &text, NULL);
  fail_unless_equals_string (text, "0.5,0.25,0.125");
  g_free (text);
  assert_starts (element);
  gst_object_unref (element);
}

GST_END_TEST;

/* A GstValueArray GValue, as a C or Python application builds one: GLib
 * turns it into its text, which the element parses. The saliency equals
 * the one with the same values given as text. */
GST_START_TEST (test_value_array)
{
  static const gdouble mean[] = { 0.25, 0.5, 0.75 };
  GValue array = G_VALUE_INIT;
  GstVideoInfo info;
  GstElement *by_array = guidedbp_new (fixture.model);
  GstElement *by_text = guidedbp_new (fixture.model);
  GstHarness *ha, *ht;
  GstBuffer *in, *a, *t, *d;
  gchar *text;

  gst_value_array_init (&array, 3);
  for (guint i = 0; i < 3; i++) {
    GValue item = G_VALUE_INIT;

    g_value_init (&item, G_TYPE_DOUBLE);
    g_value_set_double (&item, mean[i]);
    gst_value_array_append_and_take_value (&array, &item);
  }
  g_object_set_property (G_OBJECT (by_array), "mean", &array);
  g_value_unset (&array);
  g_object_get (by_array, "mean", &text, NULL);
  fail_unless_equals_string (text, "0.25,0.5,0.75");
  g_free (text);
  g_object_set (by_text, "mean", "0.25,0.5,0.75", NULL);

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  ha = harness_new (by_array, &info);
  ht = harness_new (by_text, &info);
  in = buffer_from_rgb (&info, fixture.card);
  a = push_pull (ha, in);
  t = push_pull (ht, in);
  fail_if (frames_differ (&info, a, t));
  /* and the mean does matter */
  gst_harness_teardown (ht);
  ht = harness_new (guidedbp_new (fixture.model), &info);
  d = push_pull (ht, in);
  fail_unless (frames_differ (&info, a, d));

  gst_buffer_unref (a);
  gst_buffer_unref (t);
  gst_buffer_unref (d);
  gst_buffer_unref (in);
  gst_harness_teardown (ha);
  gst_harness_teardown (ht);
}

GST_END_TEST;

/* The last value set counts: a valid one after an invalid one starts. */
GST_START_TEST (test_invalid_then_valid)
{
  GstElement *element = guidedbp_new (fixture.model);

  gst_util_set_object_arg (G_OBJECT (element), "mean", "1,2");
  gst_util_set_object_arg (G_OBJECT (element), "mean", "<1, 2, 3>");
  assert_starts (element);
  gst_object_unref (element);
}

GST_END_TEST;

/* The element's render modes and colormaps are the library's, by name
 * (gbp_render_mode_from_name() parses what gst-inspect-1.0 lists), plus
 * the element's own none. */
GST_START_TEST (test_enum_nicks_are_library_names)
{
  GstElement *element = gst_element_factory_make ("guidedbp", NULL);
  const gchar *properties[] = { "render-mode", "colormap" };

  for (guint p = 0; p < G_N_ELEMENTS (properties); p++) {
    GParamSpec *pspec =
        g_object_class_find_property (G_OBJECT_GET_CLASS (element),
        properties[p]);
    GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;

    for (guint i = 0; i < klass->n_values; i++) {
      const GEnumValue *v = &klass->values[i];
      GbpRenderMode mode;
      GbpColormap colormap;

      if (p == 0 && g_str_equal (v->value_nick, "none")) {
        fail_if (gbp_render_mode_from_name ("none", &mode, NULL));
        continue;
      }
      if (p == 0) {
        fail_unless (gbp_render_mode_from_name (v->value_nick, &mode, NULL),
            "%s", v->value_nick);
        fail_unless_equals_int (mode, v->value);
      } else {
        fail_unless (gbp_colormap_from_name (v->value_nick, &colormap, NULL),
            "%s", v->value_nick);
        fail_unless_equals_int (colormap, v->value);
      }
    }
  }
  gst_object_unref (element);
}

GST_END_TEST;

static Suite *
properties_suite (void)
{
  Suite *s = suite_create ("properties");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_loop_test (tc, test_invalid_value_fails_start, 0,
      G_N_ELEMENTS (invalid_cases));
  tcase_add_loop_test (tc, test_invalid_live_value_fails_stream, 0,
      G_N_ELEMENTS (invalid_live_cases));
  tcase_add_loop_test (tc, test_triplet_forms, 0,
      G_N_ELEMENTS (triplet_forms));
  tcase_add_test (tc, test_value_array);
  tcase_add_test (tc, test_invalid_then_valid);
  tcase_add_test (tc, test_enum_nicks_are_library_names);
  return s;
}

GST_CHECK_MAIN (properties);
