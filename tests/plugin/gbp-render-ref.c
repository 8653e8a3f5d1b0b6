/* guidedbp tests — the engine's own rendering of one frame, for comparison
 * with the element's output.
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   gbp-render-ref [OPTION...] MODEL INPUT_WIDTH INPUT_HEIGHT TARGET_CLASS \
 *       WIDTH HEIGHT IN.rgb OUT.rgb
 *
 * Reads a packed RGB frame (WIDTH x HEIGHT), runs GbpEngine and
 * GbpRenderer on it as the element does, writes the rendered packed RGB
 * frame of the same size. Options: --mode=N, --colormap=N (GbpRenderMode
 * and GbpColormap values), --alpha=A, --gradcam-layer=PATH (default "",
 * the element's), --no-fold-batch-norm (the element's fold-batch-norm=false),
 * --out-width=W --out-height=H (render at another size than IN's: a
 * saliency drawn over frames of new caps), --over=FRAME.rgb (draw over this
 * frame, of the output's size, rather than IN: the element's in-between
 * frames with interval > 1). A separate program so that the element's test
 * process holds only the plugin's engine.
 */
#include <stdlib.h>

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-render.h>

static gint mode = GBP_RENDER_GRADIENT;
static gint colormap = GBP_COLORMAP_JET;
static gdouble alpha = 0.5;
static gchar *gradcam_layer = NULL;
static gchar *over = NULL;
static gboolean no_fold_batch_norm = FALSE;
static gint out_width = 0;
static gint out_height = 0;

static const GOptionEntry entries[] = {
  {"mode", 0, 0, G_OPTION_ARG_INT, &mode, "GbpRenderMode value", "N"},
  {"colormap", 0, 0, G_OPTION_ARG_INT, &colormap, "GbpColormap value", "N"},
  {"alpha", 0, 0, G_OPTION_ARG_DOUBLE, &alpha, "overlay alpha", "A"},
  {"gradcam-layer", 0, 0, G_OPTION_ARG_STRING, &gradcam_layer,
      "Grad-CAM layer", "PATH"},
  {"no-fold-batch-norm", 0, 0, G_OPTION_ARG_NONE, &no_fold_batch_norm,
      "keep batch norm unfolded", NULL},
  {"out-width", 0, 0, G_OPTION_ARG_INT, &out_width,
      "output width (default: the input's)", "W"},
  {"out-height", 0, 0, G_OPTION_ARG_INT, &out_height,
      "output height (default: the input's)", "H"},
  {"over", 0, 0, G_OPTION_ARG_FILENAME, &over,
      "frame to draw over (default: the input)", "FRAME.rgb"},
  {NULL},
};

static gboolean
read_frame (const gchar * path, gsize expected, gchar ** pixels,
    GError ** error)
{
  gsize size = 0;

  if (!g_file_get_contents (path, pixels, &size, error))
    return FALSE;
  if (size != expected) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "%s: %" G_GSIZE_FORMAT " bytes, expected %" G_GSIZE_FORMAT, path,
        size, expected);
    return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  GOptionContext *context;
  GbpEngineConfig config;
  GbpRenderOptions options;
  GbpRunOptions run_options;
  GbpEngine *engine = NULL;
  GbpRenderer *renderer = NULL;
  GbpSaliency saliency;
  GbpImage in = { 0 }, frame, out = { 0 };
  GError *error = NULL;
  gchar *pixels = NULL, *over_pixels = NULL;
  guint8 *out_pixels = NULL;
  guint width, height;
  gsize size, out_size;
  gint status = 1;

  context = g_option_context_new ("MODEL INPUT_WIDTH INPUT_HEIGHT "
      "TARGET_CLASS WIDTH HEIGHT IN.rgb OUT.rgb");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_option_context_free (context);
    goto done;
  }
  g_option_context_free (context);
  /* GOption leaves the "--" that ends the options (so that a target class
   * of -1 is not read as one). */
  if (argc > 1 && g_strcmp0 (argv[1], "--") == 0) {
    argv[1] = argv[0];
    argv++;
    argc--;
  }
  if (argc != 9) {
    g_printerr ("usage: %s [OPTION...] MODEL INPUT_WIDTH INPUT_HEIGHT "
        "TARGET_CLASS WIDTH HEIGHT IN.rgb OUT.rgb\n", argv[0]);
    return 2;
  }

  gbp_engine_config_init (&config);
  config.model_path = argv[1];
  config.input_width = atoi (argv[2]);
  config.input_height = atoi (argv[3]);
  config.gradcam_layer = gradcam_layer != NULL ? gradcam_layer : "";
  config.fold_batch_norm = !no_fold_batch_norm;
  width = atoi (argv[5]);
  height = atoi (argv[6]);
  size = (gsize) width * height * 3;
  if (out_width <= 0)
    out_width = width;
  if (out_height <= 0)
    out_height = height;
  out_size = (gsize) out_width * out_height * 3;

  gbp_render_options_init (&options);
  options.mode = mode;
  options.colormap = colormap;
  options.alpha = alpha;

  if (!read_frame (argv[7], size, &pixels, &error))
    goto done;
  if (over != NULL && !read_frame (over, out_size, &over_pixels, &error))
    goto done;
  if (over == NULL && (out_width != (gint) width
          || out_height != (gint) height)) {
    g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
        "--out-width and --out-height need --over (the frame drawn over)");
    goto done;
  }

  engine = gbp_engine_new (&config, &error);
  if (engine == NULL)
    goto done;
  gbp_run_options_init (&run_options);
  run_options.target_class = atoi (argv[4]);
  run_options.gradcam = gbp_render_mode_needs_gradcam (options.mode);
  renderer = gbp_renderer_new ();

  in.data = (guint8 *) pixels;
  in.width = width;
  in.height = height;
  in.stride = (gsize) width * 3;
  in.format = GBP_PIXEL_FORMAT_RGB;
  out.width = out_width;
  out.height = out_height;
  out.stride = (gsize) out_width * 3;
  out.format = GBP_PIXEL_FORMAT_RGB;
  out.data = out_pixels = g_malloc (out_size);
  /* The frame drawn over has the output's size. */
  frame = in;
  if (over_pixels != NULL) {
    frame = out;
    frame.data = (guint8 *) over_pixels;
  }

  if (gbp_engine_run (engine, &in, &run_options, &saliency, &error)
      && gbp_renderer_render (renderer, &options, &saliency, &frame, &out,
          &error)
      && g_file_set_contents (argv[8], (gchar *) out.data, out_size, &error))
    status = 0;

done:
  /* The failures are expected answers (the element test compares this
   * message with the element's): free everything on that path too, or
   * LeakSanitizer's report at exit joins the message on stderr. */
  if (error != NULL) {
    g_printerr ("%s\n", error->message);
    g_error_free (error);
  }
  g_free (out_pixels);
  g_free (pixels);
  g_free (over_pixels);
  if (renderer != NULL)
    gbp_renderer_free (renderer);
  if (engine != NULL)
    gbp_engine_free (engine);
  return status;
}
