/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The text is laid out by Pango and rendered by Cairo into an ARGB surface
 * the size of its box, kept until the text or the frame size changes, then
 * blended over the frame in whatever RGB-family layout the frame has.
 */
#include "gstguidedbpannotate.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#define BOX_ALPHA 0.6

struct _GstGuidedBpAnnotator
{
  PangoFontMap *font_map;
  PangoContext *context;
  PangoLayout *layout;

  /* the surface drawn last, and what it shows */
  cairo_surface_t *surface;
  gchar *text;
  guint frame_width;
  guint frame_height;
  guint x, y;                   /* where the box goes */
};

GstGuidedBpAnnotator *
gst_guided_bp_annotator_new (void)
{
  GstGuidedBpAnnotator *annotator = g_new0 (GstGuidedBpAnnotator, 1);

  /* A font map of its own: Pango's default one belongs to a thread, and the
   * streaming thread may change between starts. */
  annotator->font_map = pango_cairo_font_map_new ();
  annotator->context = pango_font_map_create_context (annotator->font_map);
  annotator->layout = pango_layout_new (annotator->context);
  pango_layout_set_wrap (annotator->layout, PANGO_WRAP_WORD_CHAR);
  return annotator;
}

void
gst_guided_bp_annotator_free (GstGuidedBpAnnotator * annotator)
{
  if (annotator == NULL)
    return;
  if (annotator->surface != NULL)
    cairo_surface_destroy (annotator->surface);
  g_free (annotator->text);
  g_object_unref (annotator->layout);
  g_object_unref (annotator->context);
  g_object_unref (annotator->font_map);
  g_free (annotator);
}

/* "circle 97.3%", or "class 3 97.3%" without labels. */
static void
append_class (GString * text, const gchar * label, gint class_index,
    gdouble score)
{
  if (label != NULL)
    g_string_append (text, label);
  else
    g_string_append_printf (text, "class %d", class_index);
  g_string_append_printf (text, " %.1f%%", 100.0 * score);
}

gchar *
gst_guided_bp_annotation_text (const GbpEngine * engine,
    const GbpSaliency * saliency, gboolean targeted)
{
  GString *text = g_string_new (targeted ? "target: " : NULL);
  gint top;
  gfloat top_score;

  append_class (text, saliency->label, saliency->class_index,
      saliency->score);
  if (targeted && gbp_saliency_get_top_k (saliency, 1, &top, &top_score) == 1
      && top != saliency->class_index) {
    g_string_append (text, "\ntop: ");
    append_class (text, gbp_engine_get_label (engine, top), top, top_score);
  }
  return g_string_free (text, FALSE);
}

/* Lays out @text for a frame of @width x @height and renders its box into
 * a new surface. */
static void
render_box (GstGuidedBpAnnotator * annotator, const gchar * text,
    guint width, guint height)
{
  const gint font_pixels = MAX (GST_GUIDED_BP_ANNOTATION_MIN_PIXELS,
      (gint) lround (height * GST_GUIDED_BP_ANNOTATION_HEIGHT_SHARE));
  const gint padding = MAX (2, font_pixels / 4);
  const gint margin = MAX (1, font_pixels / 3);
  PangoFontDescription *font;
  PangoRectangle ink, logical;
  gint box_width, box_height, text_width;
  cairo_t *cr;

  font = pango_font_description_from_string ("Sans Bold");
  pango_font_description_set_absolute_size (font, font_pixels * PANGO_SCALE);
  pango_layout_set_font_description (annotator->layout, font);
  pango_font_description_free (font);
  text_width = MAX (1, (gint) width - 2 * margin - 2 * padding);
  pango_layout_set_width (annotator->layout, text_width * PANGO_SCALE);
  pango_layout_set_text (annotator->layout, text, -1);
  pango_layout_get_pixel_extents (annotator->layout, &ink, &logical);

  box_width = MAX (logical.width, ink.x + ink.width) + 2 * padding;
  box_height = MAX (logical.height, ink.y + ink.height) + 2 * padding;

  if (annotator->surface != NULL)
    cairo_surface_destroy (annotator->surface);
  annotator->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
      box_width, box_height);
  cr = cairo_create (annotator->surface);
  cairo_set_source_rgba (cr, 0.0, 0.0, 0.0, BOX_ALPHA);
  cairo_paint (cr);
  cairo_move_to (cr, padding, padding);
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  pango_cairo_update_context (cr, annotator->context);
  pango_layout_context_changed (annotator->layout);
  pango_cairo_show_layout (cr, annotator->layout);
  cairo_destroy (cr);
  cairo_surface_flush (annotator->surface);

  g_free (annotator->text);
  annotator->text = g_strdup (text);
  annotator->frame_width = width;
  annotator->frame_height = height;
  annotator->x = margin;
  annotator->y = margin;
}

/* out = box + (1 - box alpha) * frame, on premultiplied ARGB32 pixels
 * (native-endian words: alpha in the top byte, then red, green, blue). */
static void
blend_box (GstGuidedBpAnnotator * annotator, GbpImage * image)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (image->format);
  const guint8 *box = cairo_image_surface_get_data (annotator->surface);
  const gint box_stride = cairo_image_surface_get_stride (annotator->surface);
  const guint box_width = cairo_image_surface_get_width (annotator->surface);
  const guint box_height =
      cairo_image_surface_get_height (annotator->surface);
  guint width, height;

  if (annotator->x >= image->width || annotator->y >= image->height)
    return;
  width = MIN (box_width, image->width - annotator->x);
  height = MIN (box_height, image->height - annotator->y);

  for (guint y = 0; y < height; y++) {
    const guint32 *src = (const guint32 *) (box + (gsize) y * box_stride);
    guint8 *dst = image->data + (gsize) (annotator->y + y) * image->stride
        + (gsize) annotator->x * layout->bytes_per_pixel;

    for (guint x = 0; x < width; x++, dst += layout->bytes_per_pixel) {
      const guint32 argb = src[x];
      const guint keep = 255 - (argb >> 24);

      dst[layout->red] = ((argb >> 16) & 0xff)
          + (dst[layout->red] * keep + 127) / 255;
      dst[layout->green] = ((argb >> 8) & 0xff)
          + (dst[layout->green] * keep + 127) / 255;
      dst[layout->blue] = (argb & 0xff) + (dst[layout->blue] * keep + 127)
          / 255;
    }
  }
}

void
gst_guided_bp_annotator_draw (GstGuidedBpAnnotator * annotator,
    const gchar * text, GbpImage * image)
{
  if (annotator->surface == NULL || g_strcmp0 (annotator->text, text) != 0
      || annotator->frame_width != image->width
      || annotator->frame_height != image->height)
    render_box (annotator, text, image->width, image->height);
  blend_box (annotator, image);
}
