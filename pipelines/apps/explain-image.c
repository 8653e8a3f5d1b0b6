/* explain-image — libguidedbp without GStreamer: one PNG in, its saliency
 * as a PNG out, and the classes the model saw.
 *
 *   explain-image MODEL.pt IN.png OUT.png [RENDER_MODE [LABELS]]
 *
 * RENDER_MODE is one of the names gbp_render_mode_get_name() gives
 * ("gradient", the default, "overlay", "gradcam", ...). Build it against
 * an installed libguidedbp (PNG files are read and written by cairo):
 *
 *   cc explain-image.c -o explain-image \
 *       $(pkg-config --cflags --libs guidedbp cairo)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <cairo.h>

/* [README] */
#include <stdio.h>

#include <guidedbp/guidedbp.h>

#define TOP_K 5

/* Explains @frame (an RGB-family image you own) with the TorchScript
 * classifier @model and renders its saliency in @mode_name ("gradient",
 * "overlay", "gradcam", ...) into @out, a new packed RGB image of the
 * frame's size (free out->data with g_free). @labels may be NULL. */
static gboolean
explain (const gchar * model, const gchar * labels, const gchar * mode_name,
    const GbpImage * frame, GbpImage * out, GError ** error)
{
  GbpEngineConfig config;
  GbpRenderOptions options;
  GbpRunOptions run_options;
  GbpEngine *engine = NULL;
  GbpRenderer *renderer = NULL;
  GbpSaliency saliency;
  gint classes[TOP_K];
  gfloat scores[TOP_K];
  gboolean ok = FALSE;
  guint n;

  gbp_render_options_init (&options);   /* gradient, jet, alpha 0.5 */
  if (!gbp_render_mode_from_name (mode_name, &options.mode, error))
    return FALSE;

  /* 224x224, ImageNet mean and std, Grad-CAM ready at the last
   * convolution: set what your model differs in. */
  gbp_engine_config_init (&config);
  config.model_path = model;
  config.labels_path = labels;
  engine = gbp_engine_new (&config, error);
  if (engine == NULL)
    goto done;
  /* The top class; the Grad-CAM modes need the map: one more backward
   * pass per run. */
  gbp_run_options_init (&run_options);
  run_options.gradcam = gbp_render_mode_needs_gradcam (options.mode);

  /* The saliency and its class are the engine's until its next run. */
  if (!gbp_engine_run (engine, frame, &run_options, &saliency, error))
    goto done;
  printf ("explained class %d (%s), probability %.4f\n",
      saliency.class_index, saliency.label ? saliency.label : "no label",
      saliency.score);
  n = gbp_saliency_get_top_k (&saliency, TOP_K, classes, scores);
  for (guint i = 0; i < n; i++)
    printf ("  %u. class %d (%s) %.4f\n", i + 1, classes[i],
        gbp_engine_get_label (engine, classes[i]) ?
        gbp_engine_get_label (engine, classes[i]) : "no label", scores[i]);

  /* Any size and RGB-family layout; here the frame's size, packed RGB. */
  out->width = frame->width;
  out->height = frame->height;
  out->stride = (gsize) frame->width * 3;
  out->format = GBP_PIXEL_FORMAT_RGB;
  out->data = g_malloc (out->stride * out->height);

  renderer = gbp_renderer_new ();
  ok = gbp_renderer_render (renderer, &options, &saliency, frame, out,
      error);
  if (!ok)
    g_clear_pointer (&out->data, g_free);

done:
  gbp_renderer_free (renderer);
  gbp_engine_free (engine);
  return ok;
}
/* [/README] */

/* A view of @surface's pixels: cairo's 32-bit pixels are native-endian
 * words, alpha (or padding) in the top byte. */
static GbpImage
image_of_surface (cairo_surface_t * surface)
{
  GbpImage image = { 0 };

  cairo_surface_flush (surface);
  image.data = cairo_image_surface_get_data (surface);
  image.width = cairo_image_surface_get_width (surface);
  image.height = cairo_image_surface_get_height (surface);
  image.stride = cairo_image_surface_get_stride (surface);
  image.format = G_BYTE_ORDER == G_LITTLE_ENDIAN ? GBP_PIXEL_FORMAT_BGRA :
      GBP_PIXEL_FORMAT_ARGB;
  return image;
}

static gboolean
write_png (const GbpImage * rgb, const gchar * path, GError ** error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
      rgb->width, rgb->height);
  GbpImage view = image_of_surface (surface);
  cairo_status_t status;

  for (guint y = 0; y < rgb->height; y++)
    for (guint x = 0; x < rgb->width; x++) {
      const guint8 *p = rgb->data + y * rgb->stride + x * 3;

      ((guint32 *) (view.data + y * view.stride))[x] =
          0xff000000u | (p[0] << 16) | (p[1] << 8) | p[2];
    }
  cairo_surface_mark_dirty (surface);
  status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
        "cannot write %s: %s", path, cairo_status_to_string (status));
    return FALSE;
  }
  return TRUE;
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  cairo_surface_t *input;
  GbpImage frame, out = { 0 };
  gboolean ok;

  if (argc < 4 || argc > 6) {
    fprintf (stderr, "usage: %s MODEL.pt IN.png OUT.png [RENDER_MODE "
        "[LABELS]]\n", argv[0]);
    return 2;
  }
  /* The headers this was built with, and the library it runs with. */
  printf ("libguidedbp %s (built with %s)\n", gbp_version_string (),
      GBP_VERSION_STRING);

  input = cairo_image_surface_create_from_png (argv[2]);
  if (cairo_surface_status (input) != CAIRO_STATUS_SUCCESS) {
    fprintf (stderr, "cannot read %s: %s\n", argv[2],
        cairo_status_to_string (cairo_surface_status (input)));
    cairo_surface_destroy (input);
    return 1;
  }
  if (cairo_image_surface_get_format (input) != CAIRO_FORMAT_RGB24
      && cairo_image_surface_get_format (input) != CAIRO_FORMAT_ARGB32) {
    fprintf (stderr, "%s: not an RGB or RGBA PNG\n", argv[2]);
    cairo_surface_destroy (input);
    return 1;
  }
  frame = image_of_surface (input);

  ok = explain (argv[1], argc > 5 ? argv[5] : NULL,
      argc > 4 ? argv[4] : "gradient", &frame, &out, &error)
      && write_png (&out, argv[3], &error);
  if (!ok) {
    fprintf (stderr, "%s\n", error->message);
    g_clear_error (&error);
  }
  g_free (out.data);
  cairo_surface_destroy (input);
  return ok ? 0 : 1;
}
