/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++): one frozen linear layer, as the
 * graph pass makes it (passes/gbp-linear-pass.cpp) and the op runs it
 * (gbp-linear-op.cpp, with its kernels per batch size).
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

struct LinearPlans;

struct LinearPack : torch::CustomClassHolder {
  at::Tensor weight;            /* [out, in], contiguous; may be released */
  at::Tensor bias;              /* [out], or undefined */
  int64_t in_features = 0, out_features = 0;
  KernelPolicy policy;
  /* weight reorders so far, choosing kernels included */
  std::atomic<unsigned> weight_reorders {0};
  /* the kernels per batch size (with the oneDNN path) */
  std::unique_ptr<LinearPlans> plans;

  LinearPack ();
  ~LinearPack () override;
};

/* A line per batch size planned so far ("linear 1x512 -> 1000: forward
 * brgemm:avx512_core, input gradient gemm:jit"). */
std::vector<std::string> describe_linear_plans (LinearPack &pack);

/* For the kernel tests: the names of oneDNN's @forward (else input
 * gradient) kernels for a batch of @batch. */
std::vector<std::string> linear_candidates (LinearPack &pack, int64_t batch,
    bool forward);

/* For the kernel tests: plans a batch of @batch with the kernels named (as
 * linear_candidates lists them), as if the tuner had chosen them. */
void plan_linear_named (LinearPack &pack, int64_t batch,
    const std::string &forward, const std::string &backward);

}  // namespace guidedbp
