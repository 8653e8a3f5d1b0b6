/* guidedbp tests — the engine's own rendering of one frame, for comparison
 * with the element's output.
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   gbp-render-ref MODEL INPUT_WIDTH INPUT_HEIGHT TARGET_CLASS WIDTH HEIGHT IN.rgb OUT.rgb
 *
 * Reads a packed RGB frame (WIDTH x HEIGHT), runs GbpEngine and
 * GbpRenderer on it as the element does, writes the rendered packed RGB
 * frame of the same size. A separate program because the engine cannot
 * be linked into a process that also loads the plugin (both would register
 * the same libtorch operators).
 */
#include <stdlib.h>

#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-render.h>

int
main (int argc, char **argv)
{
  GbpEngineConfig config;
  GbpEngine *engine;
  GbpRenderer *renderer;
  GbpSaliency saliency;
  GbpImage in, out;
  GError *error = NULL;
  gchar *pixels = NULL;
  gsize size = 0;
  guint width, height;

  if (argc != 9) {
    g_printerr ("usage: %s MODEL INPUT_WIDTH INPUT_HEIGHT TARGET_CLASS "
        "WIDTH HEIGHT IN.rgb OUT.rgb\n", argv[0]);
    return 2;
  }

  gbp_engine_config_init (&config);
  config.model_path = argv[1];
  config.input_width = atoi (argv[2]);
  config.input_height = atoi (argv[3]);
  config.target_class = atoi (argv[4]);
  width = atoi (argv[5]);
  height = atoi (argv[6]);

  if (!g_file_get_contents (argv[7], &pixels, &size, &error))
    goto failed;
  if (size != (gsize) width * height * 3) {
    g_printerr ("%s: %" G_GSIZE_FORMAT " bytes, expected %ux%ux3\n",
        argv[7], size, width, height);
    return 1;
  }

  engine = gbp_engine_new (&config, &error);
  if (engine == NULL)
    goto failed;
  renderer = gbp_renderer_new ();

  in.data = (guint8 *) pixels;
  in.width = width;
  in.height = height;
  in.stride = (gsize) width * 3;
  in.format = GBP_PIXEL_FORMAT_RGB;
  out = in;
  out.data = g_malloc (size);

  if (!gbp_engine_run (engine, &in, &saliency, &error)
      || !gbp_renderer_render_gradient (renderer, &saliency, &out, &error)
      || !g_file_set_contents (argv[8], (gchar *) out.data, size, &error))
    goto failed;

  g_free (out.data);
  g_free (pixels);
  gbp_renderer_free (renderer);
  gbp_engine_free (engine);
  return 0;

failed:
  g_printerr ("%s\n", error->message);
  return 1;
}
