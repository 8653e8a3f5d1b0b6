/* guidedbp tests — what the element tests share
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Frames come from the committed fixtures (tests/data/, see its README):
 * the test card through the 64x64 AlexNet-like model. The element's output
 * is compared with the engine's own result (GbpEngine + GbpRenderer run
 * on the same frame by the gbp-render-ref helper, a separate process, so
 * that the test process holds only the plugin's engine), so these tests
 * check the plumbing, not the math, which tests/core checks against the
 * Python reference.
 */
#pragma once

#include <glib/gstdio.h>

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#define MODEL_GROUP "model alexnet_inplace"
#define CAPS_FORMAT "video/x-raw,format=%s,width=%u,height=%u,framerate=30/1"
#define FRAME_DURATION (GST_SECOND / 30)
/* How long a test waits for a result from the async worker. */
#define RESULT_TIMEOUT (60 * GST_SECOND)

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

extern const Format formats[];
extern const guint n_formats;

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

extern Fixture fixture;

/* Fixtures (tcase_add_unchecked_fixture). */
void fixture_load (void);
void fixture_free (void);
gchar *data_path (const gchar * relative);
guint8 *load_data_file (const gchar * relative, gsize expected_size);

/* Frames. */
void video_info_init (GstVideoInfo * info, const gchar * format, guint width,
    guint height);
gchar *caps_string (const GstVideoInfo * info);
GstBuffer *buffer_from_rgb (const GstVideoInfo * info, const guint8 * rgb);
guint8 *rgb_from_buffer (const GstVideoInfo * info, GstBuffer * buffer);
gsize rgb_size (const GstVideoInfo * info);
gboolean frames_differ (const GstVideoInfo * info, GstBuffer * a,
    GstBuffer * b);

/* Pearson's correlation of the @n bytes of @a and @b (0 when either is
 * constant). */
gdouble byte_correlation (const guint8 * a, const guint8 * b, gsize n);

/* A copy of @frame as the @i-th frame of a 30 fps stream (PTS, duration). */
GstBuffer *frame_at (GstBuffer * frame, guint i);

/* The test card mirrored left to right: another frame of the card's size,
 * with another saliency. */
guint8 *mirrored_card (void);

/* How gbp-render-ref renders: zero-initialise, then set what differs from
 * the element's defaults (see ref_options_init). */
typedef struct
{
  gint target_class;
  gint mode;                    /* GbpRenderMode value */
  gint colormap;                /* GbpColormap value */
  gdouble alpha;
  const guint8 *over;           /* packed RGB frame drawn over, NULL: input */
  const gchar *model;           /* NULL: fixture.model (same input size) */
  const gchar *gradcam_layer;   /* NULL: "", the element's default */
  gboolean no_fold_batch_norm;  /* fold-batch-norm=false */
  guint out_width, out_height;  /* 0: the input frame's; else needs over */
} RefOptions;

/* The element's defaults: top class, gradient, jet, alpha 0.5. */
void ref_options_init (RefOptions * options);

/* The engine's own rendering (packed RGB, of @info's size unless @options
 * says otherwise) of the packed RGB frame @rgb, or NULL when the helper
 * failed, with its message in @error_text. */
guint8 *engine_render_full (const GstVideoInfo * info, const guint8 * rgb,
    const RefOptions * options, gchar ** error_text);

/* The engine's rendering with the defaults and @target_class; fails the
 * test when the helper fails. */
guint8 *engine_render (const GstVideoInfo * info, const guint8 * rgb,
    gint target_class);

/* The number of bytes of @out (in @info's format) that differ from the
 * packed RGB @expected. */
gsize count_mismatches (const GstVideoInfo * info, const guint8 * expected,
    GstBuffer * out);

/* The element's output @out equals the engine's rendering of @in_rgb. */
void assert_engine_output (const GstVideoInfo * info, const guint8 * in_rgb,
    gint target_class, GstBuffer * out);

/* The usual test case of a suite, added to @s: "general", with the
 * fixture loaded once (fixture_load), 300 s per test (one model load per
 * harness: several seconds per test on a busy CPU). */
TCase *fixture_tcase_add (Suite * s);

/* Elements and harnesses. */
GstElement *guidedbp_new (const gchar * model);
GstHarness *harness_new (GstElement * element, const GstVideoInfo * info);
GstBuffer *push_pull (GstHarness * h, GstBuffer * buffer);
GstBus *bus_for (GstElement * element);
void assert_start_fails (GstElement * element, const gchar * file,
    GQuark domain, gint code);

/* Pops the next error message on @bus and checks its domain and code, and
 * that its text contains each of the NULL-terminated @parts. */
void assert_error_names (GstBus * bus, GQuark domain, gint code,
    const gchar * const *parts);

/* Pushes @buffer (a new reference of it) into @h, which must refuse it
 * (GST_FLOW_ERROR) with a LIBRARY SETTINGS error on @bus whose text
 * contains each of the NULL-terminated @parts (assert_error_names()). */
void assert_push_refused (GstHarness * h, GstBus * bus, GstBuffer * buffer,
    const gchar * const *parts);

/* The same for the first error message posted within @timeout (from
 * another thread: the async worker's), whose debug text also contains
 * each of the NULL-terminated @debug_parts (NULL: any). */
void assert_error_within (GstBus * bus, GstClockTime timeout, GQuark domain,
    gint code, const gchar * const *parts, const gchar * const *debug_parts);

/* Takes @bus off @h's element, frees it and tears @h down. */
void harness_teardown_with_bus (GstHarness * h, GstBus * bus);

/* The next "guidedbp" element message on @bus, or NULL. */
GstMessage *pop_guidedbp_message (GstBus * bus);

/* Waits up to @timeout for the next "guidedbp" element message. */
GstMessage *wait_guidedbp_message (GstBus * bus, GstClockTime timeout);

/* Appends the frame of @timestamp (FRAME_DURATION apart) to @frames,
 * which reads like "0 3 6". */
void frames_append (GString * frames, guint64 timestamp);

/* Fails unless @frames (freed here) is @expected: the frames the model
 * ran on. */
void assert_frames (GString * frames, const gchar * expected);

/* The timestamp (of the explained frame) a "guidedbp" message carries. */
guint64 message_timestamp (GstMessage * message);

/* The timestamp of the explained frame in @buffer's GuidedBpMeta,
 * G_MAXUINT64 for no meta. */
guint64 meta_timestamp (GstBuffer * buffer);

/* A flush through @h (FLUSH_START, FLUSH_STOP) and a new time segment. */
void push_flush (GstHarness * h);
