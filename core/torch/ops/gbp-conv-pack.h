/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++): one frozen convolution, as the
 * graph pass makes it (passes/gbp-conv-pass.cpp) and the ops run it; its
 * kernels per input shape are in gbp-conv-plan.h.
 */
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/custom_class.h>

#include "gbp-kernel-choice.h"

namespace guidedbp {

struct ConvPlans;

struct ConvPack : torch::CustomClassHolder {
  at::Tensor weight;            /* [out, in / groups, kh, kw], contiguous */
  at::Tensor bias;              /* [out], or undefined */
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups = 1;
  /* Winograd (guidedbp's F(2x2, 3x3), or oneDNN's) may compute it: 3x3,
   * stride 1, padding 1, undilated, ungrouped, and no maximum (max
   * pooling) downstream of it (see keep_ties_exact()). */
  bool winograd_allowed = false;
  KernelPolicy policy;
  /* weight reorders and transforms done so far, tuning included: none
   * once every shape has its plan */
  std::atomic<unsigned> weight_reorders {0};
  /* the kernels per input shape (with the oneDNN path) */
  std::unique_ptr<ConvPlans> plans;

  ConvPack ();
  ~ConvPack () override;
};

/* A line per shape planned so far ("conv 64x56x56 -> 64 k3x3 s1 g1:
 * forward brgconv:avx512_core, input gradient jit:avx512_core"), and
 * whether any of them runs Winograd. */
std::vector<std::string> describe_conv_plans (ConvPack &pack,
    bool *winograd);

}  // namespace guidedbp
