/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 3x3 convolutions (stride 1, padding 1) as Winograd's F(2x2, 3x3):
 * each 2x2 block of outputs comes from a 4x4 input patch through 16
 * products instead of 36, as 16 matrix products over the channels
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks").
 *
 * Why: oneDNN has no Winograd kernel for AVX2 CPUs, and its direct kernels
 * already run near the FMA units' peak: on ResNet18 the convolutions were
 * four fifths of a guided pass. The same layer's input gradient is a 3x3
 * convolution too (of the flipped, transposed weight), so both directions
 * gain. The 16 products run on oneDNN's sgemm, one point per call; the
 * transforms in and out are vectorised over a block of 8 channels, in the
 * blocked layout (nChw8c) the rest of the path keeps activations in.
 *
 * Precision: F(2x2, 3x3)'s transforms only add, subtract and halve, so it
 * rounds about as the direct sum does (within 1e-6 of the output's largest
 * value in the shapes measured); F(4x4, 3x3) would save more products and
 * lose more precision. Its rounding differs from the direct sum's, though,
 * and that matters where a maximum follows: see keep_ties_exact() in
 * core/torch/passes/gbp-conv-pass.cpp.
 */
#ifdef GBP_HAVE_IDEEP
#include "gbp-winograd.h"
#include "gbp-cpu-isa.h"
#include "gbp-parallel-for.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <dnnl.h>

namespace guidedbp {

namespace {

const int64_t BLOCK = WINOGRAD_CHANNEL_BLOCK;
const int64_t POINTS = 16;      /* of a transformed 4x4 tile */

typedef float Vec __attribute__ ((vector_size (BLOCK * sizeof (float))));

/* GCC warns that a function returning a Vec has another ABI with AVX than
 * without: these are inlined, never called across that boundary. */
#pragma GCC diagnostic ignored "-Wpsabi"

inline Vec
load (const float *p)
{
  Vec v;
  std::memcpy (&v, p, sizeof (v));
  return v;
}

inline void
store (float *p, const Vec &v)
{
  std::memcpy (p, &v, sizeof (v));
}

int64_t
padded (int64_t channels)
{
  return (channels + BLOCK - 1) / BLOCK * BLOCK;
}

/* Each 2x2 block of outputs is one tile. */
struct Tiles {
  int64_t rows, cols;

  explicit Tiles (const WinogradGeometry &g)
    : rows ((g.height + 1) / 2), cols ((g.width + 1) / 2) {}

  int64_t count () const { return rows * cols; }
};

/* The rows of tiles [first, first + rows) transformed together: their
 * points are [16][rows * cols][channels] in the scratch memory. */
struct Band {
  int64_t first, rows;
};

/* Floats of scratch memory at most: 16 MiB, below the size malloc maps
 * and unmaps on every call (core/gbp-heap.c). */
const int64_t MAX_SCRATCH_FLOATS = 4 * 1024 * 1024;

/* The input transform Bᵀ d B of one row of tiles, in two steps: first Bᵀ
 * down each column of 4 pixels of the row (a column is shared by two
 * tiles), for every block of channels, into @columns; then B across each
 * tile's 4 columns into @points [16][tiles][in channels], all of a tile's
 * channels at a time, so that the writes fill whole cache lines (block by
 * block, perf found most of the transform's time in its writes). */
__attribute__ ((always_inline)) inline void
input_row (const WinogradGeometry &g, const Band &band, const float *src,
    const float *zeros, int64_t ty, float *columns, float *points)
{
  const Tiles tiles (g);
  const int64_t channels = padded (g.in_channels);
  const int64_t plane = band.rows * tiles.cols * channels;
  const int64_t block_size = g.height * g.width * BLOCK;
  /* column x of the row is column x + 1; those out of the image are 0 */
  const int64_t row_columns = 2 * tiles.cols + 2;
  const int64_t column_size = 4 * BLOCK;
  const Vec zero = {};

  for (int64_t c = 0; c < channels; c += BLOCK) {
    const float *block = src + c / BLOCK * block_size;
    float *row_of_block = columns + c / BLOCK * row_columns * column_size;
    const float *row[4];

    for (int i = 0; i < 4; i++) {
      int64_t y = 2 * ty - 1 + i;
      row[i] = y >= 0 && y < g.height ? block + y * g.width * BLOCK : zeros;
    }
    for (int i = 0; i < 4; i++) {
      store (row_of_block + i * BLOCK, zero);
      for (int64_t x = g.width + 1; x < row_columns; x++)
        store (row_of_block + x * column_size + i * BLOCK, zero);
    }
    for (int64_t x = 0; x < g.width; x++) {
      Vec d0 = load (row[0] + x * BLOCK), d1 = load (row[1] + x * BLOCK);
      Vec d2 = load (row[2] + x * BLOCK), d3 = load (row[3] + x * BLOCK);
      float *column = row_of_block + (x + 1) * column_size;
      store (column, d0 - d2);
      store (column + BLOCK, d1 + d2);
      store (column + 2 * BLOCK, d2 - d1);
      store (column + 3 * BLOCK, d1 - d3);
    }
  }

  for (int64_t tx = 0; tx < tiles.cols; tx++) {
    float *tile = points + ((ty - band.first) * tiles.cols + tx) * channels;
    for (int64_t c = 0; c < channels; c += BLOCK) {
      const float *r = columns + (c / BLOCK * row_columns + 2 * tx)
          * column_size;
      for (int i = 0; i < 4; i++) {
        Vec r0 = load (r + i * BLOCK);
        Vec r1 = load (r + column_size + i * BLOCK);
        Vec r2 = load (r + 2 * column_size + i * BLOCK);
        Vec r3 = load (r + 3 * column_size + i * BLOCK);
        float *point = tile + c + i * 4 * plane;
        store (point, r0 - r2);
        store (point + plane, r1 + r2);
        store (point + 2 * plane, r2 - r1);
        store (point + 3 * plane, r1 - r3);
      }
    }
  }
}

/* The output transform Aᵀ m A of one row of tiles from @points
 * [16][tiles][out channels], then the epilogue, into @dst. */
template <bool accumulate, bool clamp>
__attribute__ ((always_inline)) inline void
output_row (const WinogradGeometry &g, const Band &band, const float *points,
    const WinogradEpilogue &epilogue, int64_t ty, float *dst)
{
  const Tiles tiles (g);
  const int64_t channels = padded (g.out_channels);
  const int64_t plane = band.rows * tiles.cols * channels;
  const int64_t block_size = g.height * g.width * BLOCK;
  const Vec zero = {};
  const Vec high = zero + (float) epilogue.post_ops.max_val;
  const int rows = 2 * ty + 1 < g.height ? 2 : 1;

  for (int64_t tx = 0; tx < tiles.cols; tx++) {
    const float *tile = points
        + ((ty - band.first) * tiles.cols + tx) * channels;
    const int cols = 2 * tx + 1 < g.width ? 2 : 1;
    for (int64_t c = 0; c < channels; c += BLOCK) {
      Vec s[2][4], out[2][2];

      for (int j = 0; j < 4; j++) {
        Vec m0 = load (tile + c + j * plane);
        Vec m1 = load (tile + c + (4 + j) * plane);
        Vec m2 = load (tile + c + (8 + j) * plane);
        Vec m3 = load (tile + c + (12 + j) * plane);
        s[0][j] = m0 + m1 + m2;
        s[1][j] = m1 - m2 - m3;
      }
      Vec bias = epilogue.bias != nullptr ? load (epilogue.bias + c) : zero;
      for (int i = 0; i < 2; i++) {
        out[i][0] = s[i][0] + s[i][1] + s[i][2] + bias;
        out[i][1] = s[i][1] - s[i][2] - s[i][3] + bias;
      }

      float *corner = dst + c / BLOCK * block_size
          + (2 * ty * g.width + 2 * tx) * BLOCK;
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          float *p = corner + (i * g.width + j) * BLOCK;
          Vec v = out[i][j];
          if (accumulate)
            v += load (p);
          if (clamp) {
            v = v > zero ? v : zero;
            v = v < high ? v : high;
          }
          store (p, v);
        }
      }
    }
  }
}

/* Rows [@begin, @end) of @band's tiles, each transform in the variant the
 * CPU runs fastest: with AVX, a block of channels is one register. */
#define DEFINE_TRANSFORMS(suffix, attributes)                               \
  attributes void                                                           \
  transform_input_##suffix (const WinogradGeometry &g, const Band &band,    \
      const float *src, const float *zeros, float *points, int64_t begin,   \
      int64_t end)                                                          \
  {                                                                         \
    std::vector<float> columns (padded (g.in_channels)                      \
        * (2 * Tiles (g).cols + 2) * 4);                                    \
    for (int64_t ty = begin; ty < end; ty++)                                \
      input_row (g, band, src, zeros, ty, columns.data (), points);         \
  }                                                                         \
                                                                            \
  attributes void                                                           \
  transform_output_##suffix (const WinogradGeometry &g, const Band &band,   \
      const float *points, const WinogradEpilogue &e, float *dst,           \
      int64_t begin, int64_t end)                                           \
  {                                                                         \
    const PostOps &ops = e.post_ops;                                        \
    for (int64_t ty = begin; ty < end; ty++) {                              \
      if (ops.residual && ops.activation)                                   \
        output_row<true, true> (g, band, points, e, ty, dst);               \
      else if (ops.residual)                                                \
        output_row<true, false> (g, band, points, e, ty, dst);              \
      else if (ops.activation)                                              \
        output_row<false, true> (g, band, points, e, ty, dst);              \
      else                                                                  \
        output_row<false, false> (g, band, points, e, ty, dst);             \
    }                                                                       \
  }

DEFINE_TRANSFORMS (avx, __attribute__ ((target ("avx"))))
DEFINE_TRANSFORMS (generic, )

/* Whether the AVX transforms may run: where oneDNN's effective ISA (the
 * CPU's, or a lower cap) includes AVX. Asked once. */
bool
have_avx ()
{
  static const bool avx = isa_allows_avx ();
  return avx;
}

/* Floats of scratch memory one row of tiles takes: its points on both
 * sides of the products. */
int64_t
row_floats_of (const WinogradGeometry &g)
{
  return POINTS * Tiles (g).cols
      * (padded (g.in_channels) + padded (g.out_channels));
}

/* Rows of tiles per band: as many as MAX_SCRATCH_FLOATS holds, at least
 * one. The fewer the bands, the fewer times the weight is read. */
int64_t
band_rows_of (const WinogradGeometry &g)
{
  return std::max<int64_t> (1,
      std::min (Tiles (g).rows, MAX_SCRATCH_FLOATS / row_floats_of (g)));
}

}  // namespace

bool
winograd_pays_off (const WinogradGeometry &g)
{
  /* Measured on AVX2 against oneDNN's direct kernel, layer by layer
   * (bench/README.md, "Levers", the Winograd row): with 32 channels or
   * fewer the transforms cost what the products save; at 64 in and out it
   * breaks even, and gains from there until so few tiles are left (16,
   * at 512 channels and 7x7) that the 16 products run below the direct
   * kernel's speed. */
  return g.in_channels >= 64 && g.out_channels >= 64
      && Tiles (g).count () >= 36;
}

std::vector<float>
winograd_transform_weight (const float *weight, int64_t out_channels,
    int64_t in_channels, WinogradDirection direction)
{
  /* G g Gᵀ, G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1] */
  static const double G[4][3] = {
    {1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}
  };
  const bool forward = direction == WinogradDirection::FORWARD;
  const int64_t from = padded (forward ? in_channels : out_channels);
  const int64_t to = padded (forward ? out_channels : in_channels);
  std::vector<float> points (POINTS * from * to, 0.0f);

  for (int64_t o = 0; o < out_channels; o++) {
    for (int64_t i = 0; i < in_channels; i++) {
      const float *k = weight + (o * in_channels + i) * 9;
      double kernel[3][3], half[4][3];
      /* the input gradient convolves with the kernel turned by 180° */
      for (int y = 0; y < 3; y++)
        for (int x = 0; x < 3; x++)
          kernel[y][x] = forward ? k[y * 3 + x] : k[(2 - y) * 3 + 2 - x];
      for (int p = 0; p < 4; p++)
        for (int x = 0; x < 3; x++)
          half[p][x] = G[p][0] * kernel[0][x] + G[p][1] * kernel[1][x]
              + G[p][2] * kernel[2][x];
      const int64_t row = forward ? i : o, col = forward ? o : i;
      for (int p = 0; p < 4; p++)
        for (int q = 0; q < 4; q++)
          points[((p * 4 + q) * from + row) * to + col] = (float) (
              half[p][0] * G[q][0] + half[p][1] * G[q][1]
              + half[p][2] * G[q][2]);
    }
  }
  return points;
}

size_t
winograd_scratch_floats (const WinogradGeometry &g)
{
  return (size_t) (band_rows_of (g) * row_floats_of (g));
}

void
winograd_conv (const WinogradGeometry &g, const float *src,
    const float *weight, const WinogradEpilogue &epilogue, float *scratch,
    float *dst)
{
  const Tiles tiles (g);
  const int64_t from = padded (g.in_channels), to = padded (g.out_channels);
  const int64_t band_rows = band_rows_of (g);
  /* a row of zeros stands for the rows above and below the image */
  const std::vector<float> zeros (g.width * BLOCK, 0.0f);

  for (int64_t first = 0; first < tiles.rows; first += band_rows) {
    const Band band = {first, std::min (band_rows, tiles.rows - first)};
    const int64_t count = band.rows * tiles.cols;
    float *in_points = scratch;
    float *out_points = scratch + POINTS * count * from;

    parallel_for (band.first, band.first + band.rows, 1,
        [&] (int64_t begin, int64_t end) {
      if (have_avx ())
        transform_input_avx (g, band, src, zeros.data (), in_points, begin,
            end);
      else
        transform_input_generic (g, band, src, zeros.data (), in_points,
            begin, end);
    });
    /* one point per call: inside the parallel region each sgemm runs on
     * its own thread */
    parallel_for (0, POINTS, 1, [&] (int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; p++)
        dnnl_sgemm ('N', 'N', count, to, from, 1.0f,
            in_points + p * count * from, from, weight + p * from * to, to,
            0.0f, out_points + p * count * to, to);
    });
    parallel_for (band.first, band.first + band.rows, 1,
        [&] (int64_t begin, int64_t end) {
      if (have_avx ())
        transform_output_avx (g, band, out_points, epilogue, dst, begin,
            end);
      else
        transform_output_generic (g, band, out_points, epilogue, dst, begin,
            end);
    });
  }
}

}  // namespace guidedbp
#endif /* GBP_HAVE_IDEEP */
