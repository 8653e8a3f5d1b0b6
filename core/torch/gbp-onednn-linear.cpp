/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Linear layers through oneDNN, forward and input gradient.
 *
 * Why: libtorch sends a batch-1 linear layer (aten::addmm forward, aten::mm
 * backward) to the system BLAS, which on Debian is the single-threaded
 * reference BLAS unless the user selects another. oneDNN, built into
 * libtorch for its convolutions, has tuned, threaded inner products that
 * read the plain row-major weight as it is, so nothing is packed or copied
 * at load time. On AlexNet, whose three linear layers hold 94 % of its
 * weights, this is most of the guided pass (bench/README.md).
 *
 * Only the input gradient is ever computed: the engine's weights are
 * frozen constants that never require grad.
 */
#include "gbp-onednn-linear.h"
#include "gbp-guided-ops.h"

#include <vector>

#include <ATen/ATen.h>
#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

namespace guidedbp {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

/* oneDNN takes a 2-D float input on the CPU; anything else (a CUDA model,
 * a [N, T, features] input, doubles) keeps libtorch's own kernels. */
bool
onednn_applies (const at::Tensor &input, const at::Tensor &weight)
{
  return at::hasMKLDNN () && input.device ().is_cpu ()
      && input.scalar_type () == at::kFloat && input.dim () == 2
      && weight.scalar_type () == at::kFloat && weight.dim () == 2
      && input.layout () == at::kStrided;
}

at::Tensor
linear_forward (const at::Tensor &input, const at::Tensor &weight,
    const c10::optional<at::Tensor> &bias)
{
  if (!onednn_applies (input, weight))
    return at::linear (input, weight, bias);
  return at::mkldnn_linear (input.contiguous ().to_mkldnn (), weight,
      bias).to_dense ();
}

struct OnednnLinear : public torch::autograd::Function<OnednnLinear> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &input,
      const at::Tensor &weight, const c10::optional<at::Tensor> &bias)
  {
    ctx->save_for_backward ({input, weight});
    return linear_forward (input, weight, bias);
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    std::vector<at::Tensor> saved = ctx->get_saved_variables ();
    const at::Tensor &input = saved[0];
    const at::Tensor &weight = saved[1];
    at::Tensor grad_input;

    if (onednn_applies (input, weight))
      grad_input = at::mkldnn_linear_backward_input (input.sizes (),
          grads[0].contiguous ().to_mkldnn (), weight).to_dense ();
    else
      grad_input = grads[0].matmul (weight);
    return {grad_input, at::Tensor (), at::Tensor ()};
  }
};

at::Tensor
onednn_linear_autograd (const at::Tensor &input, const at::Tensor &weight,
    const c10::optional<at::Tensor> &bias)
{
  return OnednnLinear::apply (input, weight, bias);
}

const char *const ONEDNN_LINEAR = "guidedbp::onednn_linear";

}  // namespace

unsigned
rewrite_linears_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph)
{
  std::vector<torch::jit::Node *> nodes;
  unsigned rewritten = 0;

  collect_nodes (graph->block (), nodes);
  for (torch::jit::Node *node : nodes) {
    if (node->kind () != c10::Symbol::fromQualString ("aten::linear")
        || node->inputs ().size () != 3)
      continue;
    torch::jit::WithInsertPoint insert_point (node);
    torch::jit::Value *replacement = graph->insert (
        c10::Symbol::fromQualString (ONEDNN_LINEAR),
        {node->input (0), node->input (1), node->input (2)});
    replace_node (node, replacement);
    rewritten++;
  }
  return rewritten;
}

}  // namespace guidedbp

TORCH_LIBRARY_FRAGMENT (guidedbp, m)
{
  m.def ("onednn_linear(Tensor input, Tensor weight, Tensor? bias) -> Tensor");
}

TORCH_LIBRARY_IMPL (guidedbp, Autograd, m)
{
  m.impl ("onednn_linear", guidedbp::onednn_linear_autograd);
}

/* Used below autograd (inference tensors, no autograd key). */
TORCH_LIBRARY_IMPL (guidedbp, CompositeExplicitAutograd, m)
{
  m.impl ("onednn_linear", guidedbp::linear_forward);
}
