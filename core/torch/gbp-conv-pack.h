/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++): one frozen convolution and, per
 * input shape, the kernels chosen for it with their packed weights
 * (gbp-conv-plan.cpp); gbp-onednn-conv.cpp runs them.
 */
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/custom_class.h>

#include "gbp-kernel-choice.h"

#ifdef GBP_HAVE_IDEEP
#include <ideep.hpp>
#endif

namespace guidedbp {

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

#ifdef GBP_HAVE_IDEEP
  /* What the forward adds after the convolution (fused from the graph,
   * see fuse_guided_activations()): a residual input summed in, and the
   * activation clamp(x, 0, max) (max infinite: ReLU). */
  struct PostOps {
    bool residual = false;
    bool activation = false;
    double max_val = 0;

    bool operator== (const PostOps &o) const
    {
      return residual == o.residual && activation == o.activation
          && max_val == o.max_val;
    }
  };

  enum class Kernel {
    ONEDNN,                     /* a oneDNN primitive */
    WINOGRAD,                   /* gbp-winograd-conv.cpp, nChw8c */
    GEMM,                       /* gbp-conv-gemm-gradient.cpp, plain */
  };

  /* One direction's kernel with what it reads and writes. */
  struct Step {
    Kernel kernel = Kernel::ONEDNN;
    std::string name;           /* oneDNN's implementation, or guidedbp's */
    dnnl::primitive primitive;
    ideep::tensor weight;       /* packed for the primitive */
    ideep::tensor::desc in_desc, out_desc, scratchpad_desc;
  };

  struct Plan {
    ideep::dims src_dims, dst_dims;
    PostOps post_ops;
    Step forward;               /* src -> dst */
    Step backward;              /* diff dst -> diff src */
  };

  std::mutex lock;
  /* a model sees one input shape in practice; a few are kept */
  std::vector<std::shared_ptr<Plan>> plans;
  /* The weight transformed for guidedbp's Winograd in each direction, and
   * the bias padded to whole channel blocks: made with the first plan
   * that uses them. */
  std::vector<float> winograd_forward, winograd_backward, winograd_bias;

  /* The plan for an input of @src_dims: the one made before, or a new
   * one, made for @src's layout (nullptr: the plain layout) and, with a
   * residual, @residual's. Thread-safe. */
  std::shared_ptr<Plan> plan_for (const ideep::dims &src_dims,
      const PostOps &post_ops, const ideep::tensor *src,
      const ideep::tensor *residual);
  void transform_for_winograd ();

  /* For the kernel tests: the names of the forward and input-gradient
   * kernels plan_for() chooses among for an input of @src_dims, and a plan
   * (not kept) that runs the two named ones. */
  std::vector<std::string> forward_candidates (const ideep::dims &src_dims,
      const PostOps &post_ops);
  std::vector<std::string> backward_candidates (const ideep::dims &src_dims);
  std::shared_ptr<Plan> plan_named (const ideep::dims &src_dims,
      const PostOps &post_ops, const std::string &forward,
      const std::string &backward);
#endif
};

#ifdef GBP_HAVE_IDEEP
/* @pack's convolution of @src (in plan.forward.in_desc) into @dst (in
 * plan.forward.out_desc, holding the residual if the plan adds one). */
void run_conv_forward (const ConvPack &pack, const ConvPack::Plan &plan,
    const ideep::tensor &src, ideep::tensor &dst);

/* The input gradient of @pack's convolution planned in @plan given @grad
 * at its output (in any layout), in plan.backward.out_desc. */
ideep::tensor run_conv_backward (const ConvPack &pack,
    const ConvPack::Plan &plan, const ideep::tensor &grad);
#endif

}  // namespace guidedbp
