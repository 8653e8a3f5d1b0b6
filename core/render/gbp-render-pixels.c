/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Painted rows (planar R, G, B bytes) -> the output's pixels.
 *
 * RGB family: the bytes themselves, or round(alpha * colour + (1 - alpha)
 * * frame) over the frame. YUV: the bytes' Y'CbCr in the output's
 * colorimetry, as a converter would encode the RGB rendering: luma per
 * pixel, chroma from the mean of the pixels each chroma sample covers (2x2
 * for NV12 and I420, 2x1 for YUY2). Over a frame the blend happens in
 * Y'CbCr (the encoding is affine, so blending commutes with it up to
 * rounding): alpha * the colour's luma (chroma) + (1 - alpha) * the
 * frame's.
 */
#include "gbp-render-private.h"

#include <string.h>

#include "gbp-vector.h"

/* A 32-bit word anywhere in a row. */
typedef guint32 unaligned_word __attribute__ ((aligned (1), may_alias));

#define WORD_SHIFT(offset) (G_BYTE_ORDER == G_LITTLE_ENDIAN ? \
    8 * (offset) : 8 * (3 - (offset)))

/* Packs planar R, G, B into 4-byte pixels, pad byte 255. */
GBP_VECTOR_CLONES static void
pack_words (const guint8 * restrict r, const guint8 * restrict g,
    const guint8 * restrict b, guint width, guint rs, guint gs, guint bs,
    guint32 pad, unaligned_word * restrict out)
{
  for (guint x = 0; x < width; x++)
    out[x] = ((guint32) r[x] << rs) | ((guint32) g[x] << gs)
        | ((guint32) b[x] << bs) | pad;
}

/* round(alpha * colour + keep * frame) in place over 4-byte pixels holding
 * the frame, pad byte 255. */
GBP_VECTOR_CLONES static void
blend_words (const guint8 * restrict r, const guint8 * restrict g,
    const guint8 * restrict b, guint width, guint rs, guint gs, guint bs,
    guint32 pad, gfloat alpha, gfloat keep, unaligned_word * restrict words)
{
  for (guint x = 0; x < width; x++) {
    guint32 frame = words[x];
    gfloat fr = (frame >> rs) & 0xFF, fg = (frame >> gs) & 0xFF;
    gfloat fb = (frame >> bs) & 0xFF;
    guint32 or = (guint32) (gint32) (alpha * r[x] + keep * fr + 0.5f);
    guint32 og = (guint32) (gint32) (alpha * g[x] + keep * fg + 0.5f);
    guint32 ob = (guint32) (gint32) (alpha * b[x] + keep * fb + 0.5f);

    words[x] = (or << rs) | (og << gs) | (ob << bs) | pad;
  }
}

void
gbp_render_store_rgb (const GbpPaint * paint, const guint8 * rgb, guint y,
    GbpImage * out)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (out->format);
  const guint width = out->width, bpp = layout->bytes_per_pixel;
  const guint8 *r = rgb, *g = rgb + width, *b = rgb + 2 * (gsize) width;
  guint8 *row = out->data + (gsize) y * out->stride;
  const GbpImage *frame = paint->frame;
  const gfloat alpha = paint->alpha, keep = 1.0f - paint->alpha;

  if (bpp == 4 && (frame == NULL || frame->format == out->format)) {
    const guint32 pad = 0xFFu << WORD_SHIFT (layout->pad);

    if (frame == NULL) {
      pack_words (r, g, b, width, WORD_SHIFT (layout->red),
          WORD_SHIFT (layout->green), WORD_SHIFT (layout->blue), pad,
          (unaligned_word *) row);
      return;
    }
    if (frame->data != out->data)
      memmove (row, frame->data + (gsize) y * frame->stride,
          (gsize) width * 4);
    blend_words (r, g, b, width, WORD_SHIFT (layout->red),
        WORD_SHIFT (layout->green), WORD_SHIFT (layout->blue), pad, alpha,
        keep, (unaligned_word *) row);
    return;
  }

  if (frame == NULL) {
    for (guint x = 0; x < width; x++) {
      guint8 *pixel = row + (gsize) x * bpp;

      pixel[layout->red] = r[x];
      pixel[layout->green] = g[x];
      pixel[layout->blue] = b[x];
      if (layout->pad >= 0)
        pixel[layout->pad] = 255;
    }
    return;
  }

  {
    const GbpPixelLayout *in = gbp_pixel_format_get_layout (frame->format);
    const guint8 *source = frame->data + (gsize) y * frame->stride;

    for (guint x = 0; x < width; x++) {
      const guint8 *s = source + (gsize) x * in->bytes_per_pixel;
      guint8 *pixel = row + (gsize) x * bpp;
      /* read the whole frame pixel first: @frame may be @out */
      gfloat fr = s[in->red], fg = s[in->green], fb = s[in->blue];

      pixel[layout->red] = (guint8) (alpha * r[x] + keep * fr + 0.5f);
      pixel[layout->green] = (guint8) (alpha * g[x] + keep * fg + 0.5f);
      pixel[layout->blue] = (guint8) (alpha * b[x] + keep * fb + 0.5f);
      if (layout->pad >= 0)
        pixel[layout->pad] = 255;
    }
  }
}

/* ------------------------------------------------------------------ */
/* YUV */

/* round(v) clamped to 0..255 (0 for NaN), in a form GCC vectorizes */
static inline guint8
round_byte (gfloat v)
{
  gfloat r = v + 0.5f;

  r = r > 0.0f ? r : 0.0f;
  r = r < 255.0f ? r : 255.0f;
  return (guint8) (gint32) r;
}

/* Luma of each pixel of planar R, G, B bytes: y_offset + y_scale * Y'. */
GBP_VECTOR_CLONES static void
luma_values (const GbpYuvCoefficients * c, const guint8 * restrict r,
    const guint8 * restrict g, const guint8 * restrict b, guint width,
    gfloat * restrict luma)
{
  const gfloat kr = c->y_scale * c->kr / 255.0f;
  const gfloat kg = c->y_scale * c->kg / 255.0f;
  const gfloat kb = c->y_scale * c->kb / 255.0f;

  for (guint x = 0; x < width; x++)
    luma[x] = c->y_offset + kr * r[x] + kg * g[x] + kb * b[x];
}

/* Bytes @step apart from @values, each over @frame's (NULL: none). @frame
 * may be @out: each byte is read before it is written. */
static inline void
store_bytes (const gfloat * restrict values, guint n, const guint8 * frame,
    const guint step, gfloat alpha, guint8 * out)
{
  const gfloat keep = 1.0f - alpha;

  if (frame == NULL) {
    for (guint x = 0; x < n; x++)
      out[(gsize) x * step] = round_byte (values[x]);
  } else {
    for (guint x = 0; x < n; x++)
      out[(gsize) x * step] = round_byte (alpha * values[x]
          + keep * frame[(gsize) x * step]);
  }
}

GBP_VECTOR_CLONES static void
store_bytes_1 (const gfloat * values, guint n, const guint8 * frame,
    gfloat alpha, guint8 * out)
{
  store_bytes (values, n, frame, 1, alpha, out);
}

GBP_VECTOR_CLONES static void
store_bytes_2 (const gfloat * values, guint n, const guint8 * frame,
    gfloat alpha, guint8 * out)
{
  store_bytes (values, n, frame, 2, alpha, out);
}

static void
store_luma (const gfloat * values, guint n, const guint8 * frame,
    guint step, gfloat alpha, guint8 * out)
{
  if (step == 1)
    store_bytes_1 (values, n, frame, alpha, out);
  else if (step == 2)
    store_bytes_2 (values, n, frame, alpha, out);
  else
    store_bytes (values, n, frame, step, alpha, out);
}

/* Sums of the pairs of samples (2j, 2j + 1) of a row of @width samples,
 * plus those of @next (NULL: none); an odd width's last sample counts
 * twice. */
GBP_VECTOR_CLONES static void
pair_sums (const guint8 * restrict row, const guint8 * restrict next,
    guint width, gfloat * restrict sums)
{
  const guint pairs = width / 2;

  if (next == NULL) {
    for (guint j = 0; j < pairs; j++)
      sums[j] = 2.0f * ((gfloat) row[2 * j] + row[2 * j + 1]);
  } else {
    for (guint j = 0; j < pairs; j++)
      sums[j] = (gfloat) row[2 * j] + row[2 * j + 1] + next[2 * j]
          + next[2 * j + 1];
  }
  if (width % 2 == 1)
    sums[pairs] = 2.0f * ((gfloat) row[width - 1] + (next != NULL ?
            next[width - 1] : row[width - 1]));
}

/* U and V of the mean colours, from 4 x the means of R, G, B. */
GBP_VECTOR_CLONES static void
chroma_of_sums (const GbpYuvCoefficients * c, const gfloat * restrict r,
    const gfloat * restrict g, const gfloat * restrict b, guint n,
    gfloat * restrict u, gfloat * restrict v)
{
  const gfloat u_scale = 0.25f * c->c_scale / (c->b_u * 255.0f);
  const gfloat v_scale = 0.25f * c->c_scale / (c->r_v * 255.0f);
  const gfloat kr = c->kr, kg = c->kg, kb = c->kb;

  for (guint j = 0; j < n; j++) {
    gfloat luma = kr * r[j] + kg * g[j] + kb * b[j];

    u[j] = 128.0f + u_scale * (b[j] - luma);
    v[j] = 128.0f + v_scale * (r[j] - luma);
  }
}

/* The chroma of the mean colour of the pixels each chroma sample covers:
 * columns 2j and 2j + 1 (when there is one) of @rgb and @rgb_next (NULL:
 * @rgb alone). @sums holds 3 x chroma width floats. */
static void
chroma_values (const GbpYuvCoefficients * c, const guint8 * rgb,
    const guint8 * rgb_next, guint width, gfloat * sums, gfloat * u,
    gfloat * v)
{
  const guint n = (width + 1) / 2;

  for (guint p = 0; p < 3; p++)
    pair_sums (rgb + (gsize) p * width, rgb_next != NULL ?
        rgb_next + (gsize) p * width : NULL, width, sums + (gsize) p * n);
  chroma_of_sums (c, sums, sums + n, sums + 2 * (gsize) n, n, u, v);
}

/* Chroma bytes @step apart, each over @frame's (NULL: none); the same
 * loops as the luma's. */
#define store_chroma store_luma

void
gbp_render_store_yuv (const GbpPaint * paint, const guint8 * rgb,
    const guint8 * rgb_next, guint y, gfloat * work, GbpImage * out)
{
  const GbpYuvCoefficients *c = &paint->yuv;
  const GbpImage *frame = paint->frame;
  const guint width = out->width, chroma_width = (width + 1) / 2;
  const guint8 *rows[2] = { rgb, rgb_next };
  const guint n_rows = out->yuv_format != GBP_YUV_FORMAT_YUY2
      && rgb_next != NULL ? 2 : 1;
  gfloat *u = work + 2 * (gsize) width, *v = u + chroma_width;
  gfloat *sums = v + chroma_width;
  guint8 *out_u, *out_v;
  const guint8 *frame_u = NULL, *frame_v = NULL;
  guint step;

  for (guint i = 0; i < n_rows; i++) {
    gfloat *luma = work + (gsize) i * width;
    gsize offset = (gsize) (y + i) * out->stride;
    gboolean packed = out->yuv_format == GBP_YUV_FORMAT_YUY2;

    luma_values (c, rows[i], rows[i] + width, rows[i] + 2 * (gsize) width,
        width, luma);
    store_luma (luma, width, frame != NULL ?
        frame->data + (gsize) (y + i) * frame->stride : NULL,
        packed ? 2 : 1, paint->alpha, out->data + offset);
    /* an odd width's last macropixel: its second luma repeats the first */
    if (packed && width % 2 == 1)
      out->data[offset + 2 * (gsize) width] =
          out->data[offset + 2 * (gsize) (width - 1)];
  }
  chroma_values (c, rgb, n_rows == 2 ? rgb_next : NULL, width, sums, u, v);

  switch (out->yuv_format) {
    case GBP_YUV_FORMAT_YUY2:
      /* Y0 U Y1 V */
      out_u = out->data + (gsize) y * out->stride + 1;
      out_v = out_u + 2;
      if (frame != NULL) {
        frame_u = frame->data + (gsize) y * frame->stride + 1;
        frame_v = frame_u + 2;
      }
      step = 4;
      break;
    case GBP_YUV_FORMAT_NV12:
      out_u = out->chroma[0] + (gsize) (y / 2) * out->chroma_stride[0];
      out_v = out_u + 1;
      if (frame != NULL) {
        frame_u = frame->chroma[0] + (gsize) (y / 2) * frame->chroma_stride[0];
        frame_v = frame_u + 1;
      }
      step = 2;
      break;
    case GBP_YUV_FORMAT_I420:
    default:
      out_u = out->chroma[0] + (gsize) (y / 2) * out->chroma_stride[0];
      out_v = out->chroma[1] + (gsize) (y / 2) * out->chroma_stride[1];
      if (frame != NULL) {
        frame_u = frame->chroma[0] + (gsize) (y / 2) * frame->chroma_stride[0];
        frame_v = frame->chroma[1] + (gsize) (y / 2) * frame->chroma_stride[1];
      }
      step = 1;
      break;
  }
  store_chroma (u, chroma_width, frame_u, step, paint->alpha, out_u);
  store_chroma (v, chroma_width, frame_v, step, paint->alpha, out_v);
}
