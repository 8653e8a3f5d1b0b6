/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++), oneDNN path only: a
 * convolution's kernels for each input shape, forward and input gradient,
 * each with its weight packed once (gbp-conv-plan.cpp), and how they run.
 */
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <ideep.hpp>

#include "gbp-conv-pack.h"
#include "gbp-post-ops.h"

namespace guidedbp {

enum class ConvKernel {
  ONEDNN,                       /* a oneDNN primitive */
  WINOGRAD,                     /* cpu/gbp-winograd.cpp, nChw8c */
  GEMM,                         /* cpu/gbp-gemm-gradient.cpp, plain */
};

/* One direction's kernel with what it reads and writes. */
struct ConvStep {
  ConvKernel kernel = ConvKernel::ONEDNN;
  std::string name;             /* oneDNN's implementation, or guidedbp's */
  dnnl::primitive primitive;
  ideep::tensor weight;         /* packed for the primitive */
  ideep::tensor::desc in_desc, out_desc, scratchpad_desc;
};

struct ConvPlan {
  ideep::dims src_dims, dst_dims;
  PostOps post_ops;
  ConvStep forward;             /* src -> dst */
  ConvStep backward;            /* diff dst -> diff src */
};

struct ConvPlans {
  std::mutex lock;
  /* a model sees one input shape in practice; a few are kept */
  std::vector<std::shared_ptr<ConvPlan>> plans;
  /* The weight transformed for guidedbp's Winograd in each direction, and
   * the bias padded to whole channel blocks: made with the first plan
   * that uses them. */
  std::vector<float> winograd_forward, winograd_backward, winograd_bias;
};

/* The plan for an input of @src_dims: the one made before, or a new one,
 * made for @src's layout (nullptr: the plain layout) and, with a residual,
 * @residual's. Thread-safe. */
std::shared_ptr<ConvPlan> plan_conv (ConvPack &pack,
    const ideep::dims &src_dims, const PostOps &post_ops,
    const ideep::tensor *src, const ideep::tensor *residual);

/* @pack's convolution of @src (in plan.forward.in_desc) into @dst (in
 * plan.forward.out_desc, holding the residual if the plan adds one). */
void run_conv_forward (const ConvPack &pack, const ConvPlan &plan,
    const ideep::tensor &src, ideep::tensor &dst);

/* The input gradient of @pack's convolution planned in @plan given @grad
 * at its output (in any layout), in plan.backward.out_desc. */
ideep::tensor run_conv_backward (const ConvPack &pack, const ConvPlan &plan,
    const ideep::tensor &grad);

/* For the kernel tests: the names of the forward and input-gradient
 * kernels plan_conv() chooses among for an input of @src_dims, and a plan
 * (not kept) that runs the two named ones. */
std::vector<std::string> conv_forward_candidates (ConvPack &pack,
    const ideep::dims &src_dims, const PostOps &post_ops);
std::vector<std::string> conv_backward_candidates (ConvPack &pack,
    const ideep::dims &src_dims);
std::shared_ptr<ConvPlan> plan_conv_named (ConvPack &pack,
    const ideep::dims &src_dims, const PostOps &post_ops,
    const std::string &forward, const std::string &backward);

}  // namespace guidedbp
