/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++, no libtorch type), oneDNN path only.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gbp-post-ops.h"

namespace guidedbp {

/* Channels per block of the layout (nChw8c) both sides are in. */
const int64_t WINOGRAD_CHANNEL_BLOCK = 8;

/* One image's 3x3 convolution with stride 1 and padding 1: the output is
 * as large as the input. Channel counts are the real ones; in memory each
 * side is padded with zeros to whole blocks. */
struct WinogradGeometry {
  int64_t in_channels, out_channels;
  int64_t height, width;
};

/* Which direction a transformed weight computes. */
enum class WinogradDirection {
  FORWARD,                      /* input -> output */
  INPUT_GRADIENT,               /* output gradient -> input gradient */
};

/* Whether the F(2x2, 3x3) path is faster than oneDNN's direct kernel for
 * @g on an AVX2 CPU (measured, see the .cpp). */
bool winograd_pays_off (const WinogradGeometry &g);

/* @weight [out_channels, in_channels, 3, 3] transformed once for
 * winograd_conv() in @direction: 16 matrices, one per point of the 4x4
 * transformed tile, each [from channels][to channels], padded to blocks. */
std::vector<float> winograd_transform_weight (const float *weight,
    int64_t out_channels, int64_t in_channels, WinogradDirection direction);

/* What is applied to each output value after the convolution: the bias,
 * then @post_ops. */
struct WinogradEpilogue {
  const float *bias = nullptr;  /* whole blocks of channels, or none */
  PostOps post_ops;
};

/* The floats of scratch memory winograd_conv() needs for @g. */
size_t winograd_scratch_floats (const WinogradGeometry &g);

/* The convolution of @src [in blocks, height, width, 8] into @dst
 * [out blocks, height, width, 8] with a @weight from
 * winograd_transform_weight() (for the input gradient, @g's channels are
 * the gradient's: in_channels is the forward's out_channels), as
 * Winograd's F(2x2, 3x3) on all threads. */
void winograd_conv (const WinogradGeometry &g, const float *src,
    const float *weight, const WinogradEpilogue &epilogue, float *scratch,
    float *dst);

}  // namespace guidedbp
