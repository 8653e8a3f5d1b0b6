/* guidedbp tests — the settings the element starts with: the documented
 * defaults, device, num-threads
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The defaults are the README's property table, read from README.md and
 * compared with what gst-inspect-1.0 shows (each GParamSpec's default and
 * mutability) and with a new element. num-threads is checked through
 * libtorch's own thread count (torch-threads.cpp): this process shares
 * the plugin's libtorch.
 */
#include <string.h>

#include "plugin-test-util.h"
#include "torch-threads.h"

#define README "README.md"

/* The README's defaults written in words, and the values they stand for
 * (a g_pattern_match_simple() pattern for strings; NULL: none). Every
 * other default cell starts with the value itself: a number, true/false or
 * `code`. */
static const struct
{
  const gchar *property;
  const gchar *words;
  const gchar *value;
} worded_defaults[] = {
  /* the installed demo model, or the source tree's */
  {"model", "the bundled demo model", "*/shapes-demo.pt"},
  /* NULL: the demo model's labels with the demo model, else none */
  {"labels", "the demo's labels", NULL},
  {"mean", "ImageNet's", "0.485,0.456,0.406"},
  {"std", "ImageNet's", "0.229,0.224,0.225"},
  {"target-label", "none", NULL},
};

/* One property's row of the README's table. */
typedef struct
{
  gchar *property;
  gchar *default_text;          /* the "default" cell */
  gboolean live;                /* the "live?" cell says "yes" */
} ReadmeRow;

static void
readme_row_free (gpointer data)
{
  ReadmeRow *row = data;

  g_free (row->property);
  g_free (row->default_text);
  g_free (row);
}

/* The rows of the table under "### Properties" in README.md, one per
 * property (a row naming two gives two). */
static GPtrArray *
readme_rows (void)
{
  gchar *path = g_build_filename (GBP_SOURCE_ROOT, README, NULL);
  GPtrArray *rows = g_ptr_array_new_with_free_func (readme_row_free);
  gchar *text = NULL;
  gchar **lines;
  gboolean in_section = FALSE;
  GError *error = NULL;

  fail_unless (g_file_get_contents (path, &text, NULL, &error), "%s: %s",
      path, error ? error->message : "?");
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    gchar **cells, **names;

    if (g_str_has_prefix (lines[i], "#")) {
      in_section = g_str_equal (lines[i], "### Properties");
      continue;
    }
    if (!in_section || !g_str_has_prefix (lines[i], "| `"))
      continue;
    /* "", " `a`, `b` ", " default ", " live? ", " what ", "" */
    cells = g_strsplit (lines[i], "|", -1);
    fail_unless (g_strv_length (cells) >= 5, "%s:%u: not a table row", path,
        i + 1);
    names = g_strsplit (cells[1], ",", -1);
    for (guint n = 0; names[n] != NULL; n++) {
      ReadmeRow *row = g_new0 (ReadmeRow, 1);
      gchar *name = g_strstrip (names[n]);

      fail_unless (g_str_has_prefix (name, "`") && g_str_has_suffix (name,
              "`") && strlen (name) > 2, "%s:%u: '%s' is not a `property`",
          path, i + 1, name);
      row->property = g_strndup (name + 1, strlen (name) - 2);
      row->default_text = g_strdup (g_strstrip (cells[2]));
      row->live = g_str_equal (g_strstrip (cells[3]), "yes");
      g_ptr_array_add (rows, row);
    }
    g_strfreev (names);
    g_strfreev (cells);
  }
  fail_unless (rows->len > 0, "%s: no property table under ### Properties",
      path);
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  return rows;
}

/* The value @row's default cell stands for, as text, in @value_text (NULL
 * for none); FALSE when the cell is worded and not in worded_defaults. */
static gboolean
readme_default (const ReadmeRow * row, gchar ** value_text)
{
  const gchar *cell = row->default_text;

  for (guint i = 0; i < G_N_ELEMENTS (worded_defaults); i++) {
    if (g_str_equal (worded_defaults[i].property, row->property)
        && g_str_equal (worded_defaults[i].words, cell)) {
      *value_text = g_strdup (worded_defaults[i].value);
      return TRUE;
    }
  }
  if (cell[0] == '`') {
    const gchar *end = strchr (cell + 1, '`');

    fail_unless (end != NULL, "%s: unterminated `code` in '%s'",
        row->property, cell);
    *value_text = g_strndup (cell + 1, end - cell - 1);
    /* `""`: the empty string */
    if (g_str_equal (*value_text, "\"\""))
      (*value_text)[0] = '\0';
    return TRUE;
  }
  if (g_ascii_isdigit (cell[0]) || cell[0] == '-' || g_str_has_prefix (cell,
          "true") || g_str_has_prefix (cell, "false")) {
    /* "224", "-1 (top class)", "0 (libtorch's)" */
    *value_text = g_strndup (cell, strcspn (cell, " "));
    return TRUE;
  }
  return FALSE;
}

/* @pspec's default (what gst-inspect-1.0 shows) is what the README says
 * (@value_text; NULL for none). */
static void
assert_default_is (GParamSpec * pspec, const gchar * value_text,
    const gchar * cell)
{
  const GValue *def = g_param_spec_get_default_value (pspec);
  gchar *shown = g_strdup_value_contents (def);
  GValue readme = G_VALUE_INIT;

  if (G_IS_PARAM_SPEC_STRING (pspec)) {
    const gchar *s = g_value_get_string (def);

    if (value_text == NULL)
      fail_unless (s == NULL, "property %s: gst-inspect-1.0 shows the "
          "default %s, README.md says '%s' (none)", pspec->name, shown, cell);
    else
      fail_unless (s != NULL && g_pattern_match_simple (value_text, s),
          "property %s: gst-inspect-1.0 shows the default %s, README.md says "
          "'%s' (%s)", pspec->name, shown, cell, value_text);
    g_free (shown);
    return;
  }

  fail_unless (value_text != NULL, "property %s: README.md says '%s'",
      pspec->name, cell);
  g_value_init (&readme, pspec->value_type);
  fail_unless (gst_value_deserialize (&readme, value_text),
      "property %s: README.md's default '%s' is not a %s", pspec->name, cell,
      g_type_name (pspec->value_type));
  fail_unless (g_param_values_cmp (pspec, &readme, def) == 0,
      "property %s: gst-inspect-1.0 shows the default %s, README.md says '%s'",
      pspec->name, shown, cell);
  g_value_unset (&readme);
  g_free (shown);
}

/* Every property of the element is in the README's table, with the
 * default gst-inspect-1.0 shows and whether it changes while playing; a
 * new element holds that default; the table names no other property. */
GST_START_TEST (test_property_defaults)
{
  GstElement *element = gst_element_factory_make ("guidedbp", NULL);
  GPtrArray *rows = readme_rows ();
  guint n = 0, documented = 0;
  GParamSpec **specs;

  fail_unless (element != NULL, "guidedbp not found: check "
      "GST_PLUGIN_PATH_1_0");
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);
  for (guint i = 0; i < rows->len; i++) {
    const ReadmeRow *row = g_ptr_array_index (rows, i);

    fail_unless (g_object_class_find_property (G_OBJECT_GET_CLASS (element),
            row->property) != NULL, "README.md documents a property '%s' "
        "the element does not have", row->property);
  }

  for (guint i = 0; i < n; i++) {
    GValue value = G_VALUE_INIT;
    const ReadmeRow *row = NULL;
    gchar *value_text = NULL;

    /* the element's own: GstObject's name is made up per instance */
    if (!(specs[i]->flags & G_PARAM_READABLE)
        || specs[i]->owner_type != G_OBJECT_TYPE (element))
      continue;

    for (guint r = 0; r < rows->len && row == NULL; r++)
      if (g_str_equal (((ReadmeRow *) g_ptr_array_index (rows, r))->property,
              specs[i]->name))
        row = g_ptr_array_index (rows, r);
    fail_unless (row != NULL, "property %s is not in README.md's table",
        specs[i]->name);
    fail_unless (readme_default (row, &value_text), "property %s: README.md's "
        "default '%s' is words this test does not know (worded_defaults)",
        specs[i]->name, row->default_text);
    assert_default_is (specs[i], value_text, row->default_text);
    fail_unless (row->live == ! !(specs[i]->flags & GST_PARAM_MUTABLE_PLAYING),
        "property %s: README.md says live? '%s', gst-inspect-1.0 says it "
        "changes %s", specs[i]->name, row->live ? "yes" : "next start",
        (specs[i]->flags & GST_PARAM_MUTABLE_PLAYING) ? "while playing" :
        "at the next start");
    documented++;

    g_value_init (&value, specs[i]->value_type);
    g_object_get_property (G_OBJECT (element), specs[i]->name, &value);
    fail_unless (g_param_values_cmp (specs[i], &value,
            g_param_spec_get_default_value (specs[i])) == 0,
        "property %s: a new element holds %s, its documented default is %s",
        specs[i]->name, g_strdup_value_contents (&value),
        g_strdup_value_contents (g_param_spec_get_default_value (specs[i])));
    g_value_unset (&value);
    g_free (value_text);
  }
  GST_INFO ("%u properties, each with README.md's default", documented);
  fail_unless_equals_int (documented, rows->len);

  g_free (specs);
  g_ptr_array_unref (rows);
  gst_object_unref (element);
}

GST_END_TEST;

/* Devices the element cannot use: starting fails with a resource error
 * naming the model and the device, and the engine's reason. */
static const struct
{
  const gchar *device;
  const gchar *reason;          /* in the debug text */
} bad_devices[] = {
  {"gpu", "unknown device 'gpu'"},
  {"mps", "unsupported device 'mps'"},
  /* no CUDA in this libtorch, or not 100 GPUs */
  {"cuda:99", "cuda:99"},
};

GST_START_TEST (test_device_invalid)
{
  const gchar *device = bad_devices[__i__].device;
  gchar *named = g_strdup_printf ("device '%s'", device);
  const gchar *const parts[] = { fixture.model, named, NULL };
  const gchar *const reason[] = { bad_devices[__i__].reason, NULL };
  GstElement *element = guidedbp_new (fixture.model);
  GstBus *bus = bus_for (element);

  g_object_set (element, "device", device, NULL);
  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  assert_error_within (bus, 0, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, parts, reason);

  fail_unless_equals_int (gst_element_set_state (element, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_element_set_bus (element, NULL);
  gst_object_unref (bus);
  gst_object_unref (element);
  g_free (named);
}

GST_END_TEST;

static gpointer
thread_num_threads (gpointer unused)
{
  return GINT_TO_POINTER (gbp_test_torch_num_threads ());
}

/* num-threads sets libtorch's intra-op thread count: in the thread that
 * runs the model (here the streaming thread, the harness's caller) and
 * for every thread that starts libtorch work after (process-wide, as
 * documented), such as the async worker. Each count differs from the one
 * before, so that each start is seen to change it. */
GST_START_TEST (test_num_threads)
{
  static const guint counts[] = { 1, 3, 2 };
  GstVideoInfo info;

  video_info_init (&info, "RGB", fixture.width, fixture.height);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++) {
    GstElement *element = guidedbp_new (fixture.model);
    GstHarness *h;
    GstBuffer *in;
    GThread *thread;

    g_object_set (element, "num-threads", counts[i], NULL);
    h = harness_new (element, &info);
    in = buffer_from_rgb (&info, fixture.card);
    gst_buffer_unref (push_pull (h, in));
    fail_unless_equals_int (gbp_test_torch_num_threads (), counts[i]);
    thread = g_thread_new ("fresh", thread_num_threads, NULL);
    fail_unless_equals_int (GPOINTER_TO_INT (g_thread_join (thread)),
        counts[i]);
    gst_buffer_unref (in);
    gst_harness_teardown (h);
  }
}

GST_END_TEST;

static Suite *
settings_suite (void)
{
  Suite *s = suite_create ("guidedbp-settings");
  TCase *tc = fixture_tcase_add (s);

  tcase_add_test (tc, test_property_defaults);
  tcase_add_loop_test (tc, test_device_invalid, 0,
      G_N_ELEMENTS (bad_devices));
  tcase_add_test (tc, test_num_threads);

  return s;
}

GST_CHECK_MAIN (settings);
