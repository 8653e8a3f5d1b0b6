/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reference resizes with PIL, so to give the model the same pixels we
 * follow PIL's separable resampling: per output pixel a window of input
 * pixels weighted by a triangle filter (widened by the scale factor when
 * shrinking, which is PIL's antialiasing), weights normalized and turned
 * into 22-bit fixed point, horizontal pass first, rounding to 8 bits after
 * each pass.
 *
 * Every output pixel of an axis reads the same number of taps: a window
 * shorter than the longest is moved inside the image and padded with zero
 * weights, which add nothing, so the sums stay PIL's exactly while the
 * loops get one trip count that GCC vectorizes across taps and channels.
 * An axis whose size does not change gets one tap of weight 1, exactly
 * PIL's skipped pass. The tables and buffers depend only on the sizes and
 * format and are kept between frames: nothing is allocated per frame.
 *
 * YUV frames are resized plane by plane, chroma from its own resolution
 * straight to the output size (its sample positions from the colorimetry's
 * siting), and converted to RGB bytes at the output size, in the vertical
 * pass's rows: a 4K frame's 8 million pixels are read once, and only the
 * 50 thousand of a 224x224 input are converted.
 */
#include "gbp-preprocess.h"

#include <math.h>
#include <string.h>

#include "gbp-parallel.h"
#include "gbp-vector.h"
#include "gbp-yuv.h"

#define PRECISION_BITS (32 - 8 - 2)
#define HALF (1 << (PRECISION_BITS - 1))
#define MAX_PLANES 3
/* input rows per part of the horizontal pass, output rows of the vertical */
#define HORIZONTAL_GRAIN 16
#define VERTICAL_GRAIN 8
/* values the horizontal pass sums at a time (see resample_row) */
#define BLOCK(channels) ((channels) == 4 ? 16 : 8)

/* Weights of one axis: output i reads taps inputs from start[i], each
 * input's weight repeated for the `repeat` channels of a sample. */
typedef struct {
  guint in_size;
  guint out_size;
  gdouble scale;                /* input samples per output sample */
  gdouble shift;                /* of the sample positions, input samples */
  guint repeat;
  guint taps;
  guint *start;
  gint32 *weights;              /* out_size x taps x repeat */
} ResampleAxis;

/* One plane of the input: its rows resampled horizontally, then
 * vertically. Rows hold `channels` interleaved bytes per sample. */
typedef struct {
  ResampleAxis horizontal;
  ResampleAxis vertical;
  guint channels;
  guint in_width;
  guint in_height;
  guint8 *rows;                 /* in_height x out_width x channels */
  gsize rows_capacity;
} Plane;

/* Per thread: an input row widened, a row of vertical sums, and an
 * output row of each plane. */
typedef struct {
  gint32 *unpacked;
  gsize unpacked_capacity;
  gint32 *sums;
  guint8 *resized[MAX_PLANES];
} Scratch;

struct _GbpPreprocessor {
  guint out_width;
  guint out_height;
  guint num_threads;
  gfloat normalized[3][256];    /* byte value -> normalized float, per channel */

  GbpImage image;               /* the frame being resized */
  GbpYuvCoefficients yuv;
  Plane planes[MAX_PLANES];
  guint n_planes;
  Scratch *scratch;             /* num_threads of them */
  guint n_scratch;

  guint8 *resized;              /* out_height x out_width RGB */
  gfloat *out;                  /* where gbp_preprocessor_run writes */
};

static gdouble
triangle (gdouble x)
{
  x = fabs (x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

static void
resample_axis_clear (ResampleAxis * axis)
{
  g_clear_pointer (&axis->start, g_free);
  g_clear_pointer (&axis->weights, g_free);
  axis->in_size = axis->out_size = 0;
}

/* Fills @axis for @in_size -> @out_size unless it already holds them:
 * output i is centred on input position (i + 0.5) * @scale + @shift (PIL:
 * scale in / out, no shift). Windows get a multiple of @multiple taps where
 * the input is that long, and each weight is written @repeat times. */
static void
resample_axis_prepare (ResampleAxis * axis, guint in_size, guint out_size,
    gdouble scale, gdouble shift, guint multiple, guint repeat)
{
  gdouble filter_scale, support;
  guint *first, *count, longest = 0;
  gdouble *raw;
  gint32 *w;

  if (axis->in_size == in_size && axis->out_size == out_size
      && axis->scale == scale && axis->shift == shift
      && axis->repeat == repeat)
    return;
  resample_axis_clear (axis);
  axis->in_size = in_size;
  axis->out_size = out_size;
  axis->scale = scale;
  axis->shift = shift;
  axis->repeat = repeat;

  filter_scale = MAX (scale, 1.0);
  support = filter_scale;       /* the triangle's support is 1 */
  first = g_new (guint, out_size);
  count = g_new (guint, out_size);
  raw = g_new (gdouble, (guint) ceil (support) * 2 + 2);
  for (guint i = 0; i < out_size; i++) {
    gdouble center = (i + 0.5) * scale + shift;
    /* PIL truncates toward zero here; the casts reproduce that */
    gint lo = (gint) (center - support + 0.5);
    gint hi = (gint) (center + support + 0.5);

    lo = CLAMP (lo, 0, (gint) in_size - 1);
    hi = CLAMP (hi, lo + 1, (gint) in_size);
    first[i] = lo;
    count[i] = hi - lo;
    longest = MAX (longest, count[i]);
  }
  if (in_size == out_size && scale == 1.0 && shift == 0.0) {
    /* PIL skips the pass: one tap, of weight exactly 1 */
    for (guint i = 0; i < out_size; i++) {
      first[i] = i;
      count[i] = 1;
    }
    longest = 1;
  }
  axis->taps = MIN ((longest + multiple - 1) / multiple * multiple, in_size);
  axis->start = g_new (guint, out_size);
  axis->weights = g_new0 (gint32, (gsize) out_size * axis->taps * repeat);

  for (guint i = 0; i < out_size; i++) {
    gdouble center = (i + 0.5) * scale + shift;
    gdouble sum = 0.0;
    guint start = MIN (first[i], in_size - axis->taps);

    w = axis->weights + ((gsize) i * axis->taps + first[i] - start) * repeat;
    axis->start[i] = start;
    for (guint k = 0; k < count[i]; k++) {
      raw[k] = triangle ((k + first[i] - center + 0.5) / filter_scale);
      sum += raw[k];
    }
    for (guint k = 0; k < count[i]; k++) {
      gdouble v = sum != 0.0 ? raw[k] / sum : raw[k];
      gdouble fixed = v * (1 << PRECISION_BITS);

      for (guint c = 0; c < repeat; c++)
        w[k * repeat + c] = (gint32) (v < 0 ? fixed - 0.5 : fixed + 0.5);
    }
  }
  g_free (first);
  g_free (count);
  g_free (raw);
}

static inline guint8
clip8 (gint32 acc)
{
  gint32 v = acc >> PRECISION_BITS;

  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* One row through @axis, @channels interleaved values per sample (the
 * row's bytes widened to 32 bits, so that a vector of them is a vector of
 * products): every output sample is a sum over the same window length,
 * taken @block values at a time into @block partial sums, the form GCC
 * vectorizes (a window of taps x channels values against as many weights,
 * each tap's weight repeated for its channels); the partial sums of each
 * channel are added last. Integer sums are exact in any order. */
static inline void
resample_row (const ResampleAxis * axis, const gint32 * restrict in,
    guint8 * restrict out, const guint channels, const guint block)
{
  const gsize n = (gsize) axis->taps * channels;

  for (guint x = 0; x < axis->out_size; x++) {
    const gint32 *restrict src = in + (gsize) axis->start[x] * channels;
    const gint32 *restrict w = axis->weights + (gsize) x * n;
    gint32 lanes[16] = { 0 };

    for (gsize g = 0; g < n; g += block)
      for (gsize j = 0; j < block; j++)
        lanes[j] += src[g + j] * w[g + j];
#pragma GCC unroll 4
    for (guint c = 0; c < channels; c++) {
      gint32 sum = HALF;

#pragma GCC unroll 16
      for (guint j = c; j < block; j += channels)
        sum += lanes[j];
      out[x * channels + c] = clip8 (sum);
    }
  }
}

GBP_VECTOR_CLONES static void
resample_row_1 (const ResampleAxis * axis, const gint32 * in, guint8 * out)
{
  resample_row (axis, in, out, 1, BLOCK (1));
}

GBP_VECTOR_CLONES static void
resample_row_2 (const ResampleAxis * axis, const gint32 * in, guint8 * out)
{
  resample_row (axis, in, out, 2, BLOCK (2));
}

GBP_VECTOR_CLONES static void
resample_row_4 (const ResampleAxis * axis, const gint32 * in, guint8 * out)
{
  resample_row (axis, in, out, 4, BLOCK (4));
}

/* Windows whose length is not a multiple of the block (images narrower
 * than the block): one tap at a time. */
static void
resample_row_any (const ResampleAxis * axis, const gint32 * in, guint8 * out,
    guint channels)
{
  if (channels == 4)
    resample_row (axis, in, out, 4, 4);
  else if (channels == 2)
    resample_row (axis, in, out, 2, 2);
  else
    resample_row (axis, in, out, 1, 1);
}

static void
resample_horizontal (const ResampleAxis * axis, const gint32 * in,
    guint8 * out, guint channels)
{
  if (axis->taps * channels % BLOCK (channels) != 0)
    resample_row_any (axis, in, out, channels);
  else if (channels == 4)
    resample_row_4 (axis, in, out);
  else if (channels == 2)
    resample_row_2 (axis, in, out);
  else
    resample_row_1 (axis, in, out);
}

/* Output row @y of @axis over rows of @row_size bytes: the sums run along
 * the rows, which vectorizes over the bytes of a row. */
GBP_VECTOR_CLONES static void
resample_column (const ResampleAxis * axis, guint y, const guint8 * rows,
    gsize row_size, gint32 * restrict sums, guint8 * restrict out)
{
  const gint32 *w = axis->weights + (gsize) y * axis->taps;
  const guint8 *first = rows + (gsize) axis->start[y] * row_size;

  for (gsize i = 0; i < row_size; i++)
    sums[i] = HALF;
  for (guint k = 0; k < axis->taps; k++) {
    const guint8 *restrict row = first + k * row_size;
    const gint32 weight = w[k];

    if (weight == 0)
      continue;
    for (gsize i = 0; i < row_size; i++)
      sums[i] += row[i] * weight;
  }
  for (gsize i = 0; i < row_size; i++)
    out[i] = clip8 (sums[i]);
}

static void
plane_clear (Plane * plane)
{
  resample_axis_clear (&plane->horizontal);
  resample_axis_clear (&plane->vertical);
  g_clear_pointer (&plane->rows, g_free);
  plane->rows_capacity = 0;
}

/* Plane @index: @width x @height samples of @channels bytes, resampled to
 * the output size with @scale_x (@scale_y) of its samples per output pixel,
 * its sample positions shifted by @shift_x (@shift_y). */
static void
plane_prepare (GbpPreprocessor * pp, guint index, guint channels,
    guint width, guint height, gdouble scale_x, gdouble shift_x,
    gdouble scale_y, gdouble shift_y)
{
  Plane *plane = &pp->planes[index];
  gsize rows_size = (gsize) height * pp->out_width * channels;

  plane->channels = channels;
  plane->in_width = width;
  plane->in_height = height;
  resample_axis_prepare (&plane->horizontal, width, pp->out_width, scale_x,
      shift_x, BLOCK (channels) / channels, channels);
  resample_axis_prepare (&plane->vertical, height, pp->out_height, scale_y,
      shift_y, 1, 1);
  if (rows_size > plane->rows_capacity) {
    g_free (plane->rows);
    plane->rows = g_malloc (rows_size);
    plane->rows_capacity = rows_size;
  }
}

/* Chroma position: a sample centred between two luma samples sits at
 * chroma coordinate luma / 2; a co-sited one (on the even luma sample) at
 * (luma + 0.5) / 2, a quarter of a chroma sample further. */
static void
prepare_planes (GbpPreprocessor * pp, const GbpImage * image)
{
  const gdouble sx = (gdouble) image->width / pp->out_width;
  const gdouble sy = (gdouble) image->height / pp->out_height;
  const GbpYuvColorimetry *yuv = &image->colorimetry;
  guint cw, ch;
  gdouble csy, cshift_y;

  if (image->yuv_format == GBP_YUV_FORMAT_NONE) {
    pp->n_planes = 1;
    plane_prepare (pp, 0, 4, image->width, image->height, sx, 0, sy, 0);
    return;
  }

  gbp_yuv_coefficients_init (&pp->yuv, yuv);
  gbp_yuv_chroma_size (image->yuv_format, image->width, image->height, &cw,
      &ch);
  csy = image->yuv_format == GBP_YUV_FORMAT_YUY2 ? sy : sy / 2;
  cshift_y = image->yuv_format != GBP_YUV_FORMAT_YUY2
      && yuv->chroma_v_cosited ? 0.25 : 0.0;
  plane_prepare (pp, 0, 1, image->width, image->height, sx, 0, sy, 0);
  if (image->yuv_format == GBP_YUV_FORMAT_NV12) {
    pp->n_planes = 2;
    plane_prepare (pp, 1, 2, cw, ch, sx / 2,
        yuv->chroma_h_cosited ? 0.25 : 0.0, csy, cshift_y);
  } else {
    pp->n_planes = 3;
    for (guint p = 1; p < 3; p++)
      plane_prepare (pp, p, 1, cw, ch, sx / 2,
          yuv->chroma_h_cosited ? 0.25 : 0.0, csy, cshift_y);
  }
}

static void
prepare_scratch (GbpPreprocessor * pp, const GbpImage * image)
{
  gsize unpacked = (gsize) image->width * 4;      /* values */

  if (pp->scratch == NULL) {
    pp->n_scratch = pp->num_threads;
    pp->scratch = g_new0 (Scratch, pp->n_scratch);
    for (guint t = 0; t < pp->n_scratch; t++) {
      pp->scratch[t].sums = g_new (gint32, (gsize) pp->out_width * 4);
      for (guint p = 0; p < MAX_PLANES; p++)
        pp->scratch[t].resized[p] = g_malloc ((gsize) pp->out_width * 4);
    }
  }
  for (guint t = 0; t < pp->n_scratch; t++) {
    Scratch *s = &pp->scratch[t];

    if (unpacked > s->unpacked_capacity) {
      g_free (s->unpacked);
      s->unpacked = g_new (gint32, unpacked);
      s->unpacked_capacity = unpacked;
    }
  }
}

/* Widens @n bytes @step apart: vectorized for step 1. */
static inline void
widen (const guint8 * restrict in, gsize n, gsize step, gint32 * restrict out)
{
  for (gsize i = 0; i < n; i++)
    out[i] = in[i * step];
}

GBP_VECTOR_CLONES static void
widen_bytes (const guint8 * in, gsize n, gint32 * out)
{
  widen (in, n, 1, out);
}

/* Row @y of plane @p of the frame into @out as 32-bit values, @channels
 * interleaved values per sample (4 for the RGB family, the order kept,
 * 0 for a missing fourth byte). */
static void
input_row (const GbpImage * image, guint p, guint y, gint32 * out)
{
  const guint chroma_width = (image->width + 1) / 2;
  const guint8 *row;

  switch (image->yuv_format) {
    case GBP_YUV_FORMAT_NV12:
      if (p == 0)
        widen_bytes (image->data + (gsize) y * image->stride, image->width,
            out);
      else
        widen_bytes (image->chroma[0] + (gsize) y * image->chroma_stride[0],
            2 * (gsize) chroma_width, out);
      return;
    case GBP_YUV_FORMAT_I420:
      if (p == 0)
        widen_bytes (image->data + (gsize) y * image->stride, image->width,
            out);
      else
        widen_bytes (image->chroma[p - 1] + (gsize) y *
            image->chroma_stride[p - 1], chroma_width, out);
      return;
    case GBP_YUV_FORMAT_YUY2:
      /* Y0 U Y1 V: Y at even bytes, U at 4j + 1, V at 4j + 3 */
      row = image->data + (gsize) y * image->stride;
      if (p == 0)
        widen (row, image->width, 2, out);
      else
        widen (row + 2 * p - 1, chroma_width, 4, out);
      return;
    case GBP_YUV_FORMAT_NONE:
    default:
      break;
  }
  row = image->data + (gsize) y * image->stride;
  if (gbp_pixel_format_get_layout (image->format)->bytes_per_pixel == 4) {
    widen_bytes (row, (gsize) image->width * 4, out);
    return;
  }
  for (guint x = 0; x < image->width; x++) {
    out[x * 4 + 0] = row[x * 3 + 0];
    out[x * 4 + 1] = row[x * 3 + 1];
    out[x * 4 + 2] = row[x * 3 + 2];
    out[x * 4 + 3] = 0;
  }
}

/* The horizontal pass of input rows [begin, end), the rows of all planes
 * numbered one plane after another. */
static void
horizontal_part (guint begin, guint end, guint part, gpointer data)
{
  GbpPreprocessor *pp = data;
  gint32 *scratch = pp->scratch[part].unpacked;

  for (guint p = 0, offset = 0; p < pp->n_planes; p++) {
    Plane *plane = &pp->planes[p];
    const gsize row_size = (gsize) pp->out_width * plane->channels;
    guint first = MAX (begin, offset), last = MIN (end,
        offset + plane->in_height);

    for (guint y = first; y < last; y++) {
      guint8 *out = plane->rows + (y - offset) * row_size;

      input_row (&pp->image, p, y - offset, scratch);
      resample_horizontal (&plane->horizontal, scratch, out, plane->channels);
    }
    offset += plane->in_height;
  }
}

static inline guint8
to_byte (gfloat v)
{
  return v <= 0.0f ? 0 : v >= 255.0f ? 255 : (guint8) (v + 0.5f);
}

/* One output row of Y, U and V samples -> packed RGB. */
static void
convert_yuv_row (const GbpYuvCoefficients * c, const guint8 * y_row,
    const guint8 * u_row, const guint8 * v_row, guint u_step, guint width,
    guint8 * rgb)
{
  for (guint x = 0; x < width; x++) {
    gfloat luma = ((gfloat) y_row[x] - c->y_offset) / c->y_scale;
    gfloat pb = ((gfloat) u_row[x * u_step] - 128.0f) / c->c_scale;
    gfloat pr = ((gfloat) v_row[x * u_step] - 128.0f) / c->c_scale;

    rgb[x * 3 + 0] = to_byte (255.0f * (luma + c->r_v * pr));
    rgb[x * 3 + 1] = to_byte (255.0f * (luma + c->g_u * pb + c->g_v * pr));
    rgb[x * 3 + 2] = to_byte (255.0f * (luma + c->b_u * pb));
  }
}

/* The vertical pass of output rows [begin, end) of every plane, then RGB
 * bytes and normalized floats for them. */
static void
vertical_part (guint begin, guint end, guint part, gpointer data)
{
  GbpPreprocessor *pp = data;
  Scratch *s = &pp->scratch[part];
  const gsize plane_size = (gsize) pp->out_width * pp->out_height;
  const GbpPixelLayout *layout = pp->image.yuv_format == GBP_YUV_FORMAT_NONE ?
      gbp_pixel_format_get_layout (pp->image.format) : NULL;

  for (guint y = begin; y < end; y++) {
    guint8 *rgb = pp->resized + (gsize) y * pp->out_width * 3;

    for (guint p = 0; p < pp->n_planes; p++) {
      const Plane *plane = &pp->planes[p];

      resample_column (&plane->vertical, y, plane->rows,
          (gsize) pp->out_width * plane->channels, s->sums, s->resized[p]);
    }
    if (layout != NULL) {
      const guint8 *row = s->resized[0];

      for (guint x = 0; x < pp->out_width; x++) {
        rgb[x * 3 + 0] = row[x * 4 + layout->red];
        rgb[x * 3 + 1] = row[x * 4 + layout->green];
        rgb[x * 3 + 2] = row[x * 4 + layout->blue];
      }
    } else if (pp->n_planes == 2) {
      convert_yuv_row (&pp->yuv, s->resized[0], s->resized[1],
          s->resized[1] + 1, 2, pp->out_width, rgb);
    } else {
      convert_yuv_row (&pp->yuv, s->resized[0], s->resized[1], s->resized[2],
          1, pp->out_width, rgb);
    }
    if (pp->out == NULL)
      continue;
    for (guint c = 0; c < 3; c++) {
      gfloat *out = pp->out + c * plane_size + (gsize) y * pp->out_width;

      for (guint x = 0; x < pp->out_width; x++)
        out[x] = pp->normalized[c][rgb[x * 3 + c]];
    }
  }
}

GbpPreprocessor *
gbp_preprocessor_new (guint out_width, guint out_height,
    const gfloat mean[3], const gfloat std[3])
{
  GbpPreprocessor *pp;

  g_return_val_if_fail (out_width > 0 && out_height > 0, NULL);

  pp = g_new0 (GbpPreprocessor, 1);
  pp->out_width = out_width;
  pp->out_height = out_height;
  pp->num_threads = 1;
  pp->resized = g_malloc ((gsize) out_width * out_height * 3);
  /* the same float operations as ToTensor then Normalize */
  for (guint c = 0; c < 3; c++)
    for (guint v = 0; v < 256; v++)
      pp->normalized[c][v] = ((gfloat) v / 255.0f - mean[c]) / std[c];
  return pp;
}

static void
free_scratch (GbpPreprocessor * pp)
{
  for (guint t = 0; t < pp->n_scratch; t++) {
    g_free (pp->scratch[t].unpacked);
    g_free (pp->scratch[t].sums);
    for (guint p = 0; p < MAX_PLANES; p++)
      g_free (pp->scratch[t].resized[p]);
  }
  g_clear_pointer (&pp->scratch, g_free);
  pp->n_scratch = 0;
}

void
gbp_preprocessor_set_num_threads (GbpPreprocessor * pp, guint num_threads)
{
  g_return_if_fail (pp != NULL && num_threads > 0);

  if (num_threads == pp->num_threads)
    return;
  free_scratch (pp);
  pp->num_threads = num_threads;
}

void
gbp_preprocessor_free (GbpPreprocessor * pp)
{
  if (pp == NULL)
    return;
  for (guint p = 0; p < MAX_PLANES; p++)
    plane_clear (&pp->planes[p]);
  free_scratch (pp);
  g_free (pp->resized);
  g_free (pp);
}

static void
resize (GbpPreprocessor * pp, const GbpImage * image, gfloat * out)
{
  guint rows = 0;

  pp->image = *image;
  pp->out = out;
  prepare_planes (pp, image);
  prepare_scratch (pp, image);
  for (guint p = 0; p < pp->n_planes; p++)
    rows += pp->planes[p].in_height;

  gbp_parallel_for (pp->num_threads, rows, HORIZONTAL_GRAIN, horizontal_part,
      pp);
  gbp_parallel_for (pp->num_threads, pp->out_height, VERTICAL_GRAIN,
      vertical_part, pp);
}

const guint8 *
gbp_preprocessor_resize (GbpPreprocessor * pp, const GbpImage * image)
{
  resize (pp, image, NULL);
  return pp->resized;
}

void
gbp_preprocessor_run (GbpPreprocessor * pp, const GbpImage * image,
    gfloat * out)
{
  resize (pp, image, out);
}
