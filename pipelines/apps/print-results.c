/* print-results — a GStreamer application reading guidedbp's result from
 * each buffer it outputs (the GuidedBpMeta), in a pad probe.
 *
 *   print-results [PIPELINE]
 *
 * PIPELINE is a gst-launch-1.0 description with a sink named "sink"; by
 * default ten frames of videotestsrc's ball through the demo model.
 *
 *   cc print-results.c -o print-results \
 *       $(pkg-config --cflags --libs gstreamer-1.0)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>

#define DEFAULT_PIPELINE "videotestsrc pattern=ball num-buffers=10 " \
  "! video/x-raw,width=160,height=120 ! videoconvert " \
  "! guidedbp render-mode=none top-k=3 ! fakesink name=sink"

/* [README-META] */
/* A buffer probe on any pad downstream of guidedbp (converters and
 * scalers keep the meta). */
static GstPadProbeReturn
print_result (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCustomMeta *meta = gst_buffer_get_custom_meta (buffer, "GuidedBpMeta");
  const GstStructure *s;
  const GValue *top;
  gint class_index;
  gdouble score;

  if (meta == NULL)             /* async=true: no result yet */
    return GST_PAD_PROBE_OK;
  s = gst_custom_meta_get_structure (meta);
  gst_structure_get_int (s, "class", &class_index);
  gst_structure_get_double (s, "score", &score);
  g_print ("%" GST_TIME_FORMAT ": class %d (%s) %.3f, top classes",
      GST_TIME_ARGS (GST_BUFFER_PTS (buffer)), class_index,
      GST_STR_NULL (gst_structure_get_string (s, "label")), score);
  top = gst_structure_get_value (s, "top-classes");
  for (guint i = 0; i < gst_value_array_get_size (top); i++)
    g_print (" %d", g_value_get_int (gst_value_array_get_value (top, i)));
  g_print ("\n");
  return GST_PAD_PROBE_OK;
}
/* [/README-META] */

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GstElement *pipeline, *sink;
  GstPad *pad;
  GstBus *bus;
  GstMessage *message;
  int status = 0;

  gst_init (&argc, &argv);
  pipeline = gst_parse_launch (argc > 1 ? argv[1] : DEFAULT_PIPELINE, &error);
  if (pipeline == NULL) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    return 1;
  }
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (sink == NULL) {
    g_printerr ("the pipeline has no element named \"sink\"\n");
    gst_object_unref (pipeline);
    return 1;
  }
  pad = gst_element_get_static_pad (sink, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, print_result, NULL, NULL);
  gst_object_unref (pad);
  gst_object_unref (sink);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR) {
    gchar *debug = NULL;

    gst_message_parse_error (message, &error, &debug);
    g_printerr ("%s\n%s\n", error->message, GST_STR_NULL (debug));
    g_clear_error (&error);
    g_free (debug);
    status = 1;
  }
  gst_message_unref (message);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return status;
}
