/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 2-D convolutions through oneDNN with packed weights, forward and input
 * gradient, keeping activations in oneDNN's layouts, as an autograd op
 * (passes/gbp-conv-pass.cpp puts it in the graph; gbp-conv-plan.cpp
 * chooses and packs its kernels).
 *
 * Why: libtorch's aten::conv2d on the CPU already runs oneDNN kernels, but
 * on every call it reorders the plain weight into the kernel's blocked
 * format (once for the forward, once more for the input gradient) and the
 * activation in and out of the blocked layout. On ResNet18 the weight
 * reorders alone are about 15 % of a guided pass (bench/README.md). Here
 * each convolution's weight is packed once per input shape, for both
 * directions, and the output is a oneDNN (MKLDNN layout) tensor, which
 * libtorch's own add and guidedbp's max pooling read and differentiate
 * without converting it. passes/gbp-layout-pass.cpp converts back wherever
 * a consumer needs the plain layout. A convolution followed by its guided
 * activation (and a residual add between) becomes one op: a oneDNN
 * primitive with post-ops forward, one pass of the guided rule backward.
 *
 * Only the input gradient is ever computed: the engine's weights are
 * frozen constants that never require grad.
 */
#include "gbp-conv-pack.h"

#ifdef GBP_HAVE_IDEEP
#include "gbp-conv-plan.h"
#include "gbp-guided-op.h"
#include "gbp-mkldnn-bridge.h"

#include <vector>

#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

namespace guidedbp {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

PostOps
post_ops_of (bool residual, c10::optional<double> max_val)
{
  PostOps post_ops;
  post_ops.residual = residual;
  post_ops.activation = max_val.has_value ();
  post_ops.max_val = max_val.value_or (0.0);
  return post_ops;
}

/* The convolution of @input, plus @residual, then clamped to [0, max_val]
 * when one is given, by the kernel planned for its shape. */
at::Tensor
conv_forward (const at::Tensor &input, const c10::optional<at::Tensor> &residual,
    const c10::intrusive_ptr<ConvPack> &pack, c10::optional<double> max_val)
{
  TORCH_CHECK (input.dim () == 4 && input.device ().is_cpu (), "the oneDNN "
      "convolution takes a [N, C, H, W] CPU tensor");
  /* MKLDNN tensors are made below autograd, which the callers are */
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  PostOps post_ops = post_ops_of (residual.has_value ()
      && residual->defined (), max_val);
  at::Tensor keep, keep_residual;
  ideep::tensor src = as_ideep (input, keep);
  ideep::tensor added;
  if (post_ops.residual)
    added = as_ideep (*residual, keep_residual);
  std::shared_ptr<ConvPlan> plan = plan_conv (*pack,
      src.get_desc ().get_dims (), post_ops, &src,
      post_ops.residual ? &added : nullptr);
  ideep::tensor src_ready = src.reorder_if_differ_in (plan->forward.in_desc);
  ideep::tensor dst (plan->forward.out_desc);

  if (post_ops.residual) {
    TORCH_CHECK (added.get_desc ().get_dims () == dst.get_desc ().get_dims (),
        "a residual add of tensors of different shapes");
    /* the sum post-op adds the convolution to what dst holds */
    added.reorder_to (dst);
  }
  run_conv_forward (*pack, *plan, src_ready, dst);
  return at::native::new_with_itensor_mkldnn (std::move (dst), at::kFloat,
      input.device ());
}

/* The input gradient of the convolution planned for @sizes. */
ideep::tensor
conv_input_gradient (const c10::intrusive_ptr<ConvPack> &pack,
    const std::vector<int64_t> &sizes, const PostOps &post_ops,
    const ideep::tensor &grad)
{
  std::shared_ptr<ConvPlan> plan = plan_conv (*pack,
      ideep::dims (sizes.begin (), sizes.end ()), post_ops, nullptr, nullptr);
  return run_conv_backward (*pack, *plan, grad);
}

/* @gradient as a tensor in the layout (@blocked or not) of the input it
 * belongs to: autograd wants them alike. */
at::Tensor
gradient_like (ideep::tensor &&gradient, bool blocked, c10::Device device)
{
  at::Tensor t = at::native::new_with_itensor_mkldnn (std::move (gradient),
      at::kFloat, device);
  return blocked ? t : t.to_dense ();
}

/* guidedbp::onednn_conv_guided: convolution, optional residual add and a
 * ReLU-family activation with the guided backward rule (the guided ops of
 * gbp-guided-op.cpp, fused). */
struct OnednnConvGuided : public torch::autograd::Function<OnednnConvGuided> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &input,
      const c10::optional<at::Tensor> &residual,
      const c10::intrusive_ptr<ConvPack> &pack, c10::optional<double> max_val,
      const c10::optional<at::Tensor> &guided)
  {
    at::Tensor out = conv_forward (input, residual, pack, max_val);
    /* the input gradient needs the shapes only, not the input */
    ctx->saved_data["pack"] = pack;
    ctx->saved_data["sizes"] = input.sizes ();
    ctx->saved_data["blocked"] = input.is_mkldnn ();
    ctx->saved_data["residual_blocked"] = residual.has_value ()
        && residual->defined () ? c10::IValue (residual->is_mkldnn ()) :
        c10::IValue ();
    ctx->saved_data["max_val"] = max_val;
    if (guided.has_value ())
      ctx->saved_data["guided"] = *guided;
    if (max_val.has_value ())
      ctx->save_for_backward ({out});
    return out;
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    c10::intrusive_ptr<ConvPack> pack =
        ctx->saved_data["pack"].toCustomClass<ConvPack> ();
    std::vector<int64_t> sizes = ctx->saved_data["sizes"].toIntVector ();
    c10::IValue residual_blocked = ctx->saved_data["residual_blocked"];
    c10::IValue max_val = ctx->saved_data["max_val"];
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    at::Tensor keep;
    ideep::tensor grad = as_ideep (grads[0], keep);

    if (!max_val.isNone ()) {
      at::Tensor out = ctx->get_saved_variables ()[0];
      grad = activation_gradient (at::native::itensor_from_mkldnn (out), grad,
          max_val.toDouble (),
          ctx->saved_data["guided"].toTensor ().item<bool> ());
    }
    /* the forward's plan: its key includes the post-ops */
    PostOps post_ops = post_ops_of (!residual_blocked.isNone (),
        max_val.toOptional<double> ());

    at::Tensor grad_input = gradient_like (conv_input_gradient (pack, sizes,
            post_ops, grad), ctx->saved_data["blocked"].toBool (),
        grads[0].device ());
    at::Tensor grad_residual;
    if (!residual_blocked.isNone ())
      grad_residual = gradient_like (std::move (grad),
          residual_blocked.toBool (), grads[0].device ());
    return {grad_input, grad_residual, at::Tensor (), at::Tensor (),
          at::Tensor ()};
  }
};

at::Tensor
onednn_conv_autograd (const at::Tensor &input,
    const c10::intrusive_ptr<ConvPack> &pack)
{
  /* no activation: the guided switch is never read */
  return OnednnConvGuided::apply (input, c10::nullopt, pack, c10::nullopt,
      c10::nullopt);
}

at::Tensor
onednn_conv_guided_autograd (const at::Tensor &input,
    const c10::optional<at::Tensor> &residual,
    const c10::intrusive_ptr<ConvPack> &pack, double max_val,
    const at::Tensor &guided)
{
  return OnednnConvGuided::apply (input, residual, pack, max_val,
      c10::optional<at::Tensor> (guided));
}

at::Tensor
onednn_conv_plain (const at::Tensor &input,
    const c10::intrusive_ptr<ConvPack> &pack)
{
  return conv_forward (input, c10::nullopt, pack, c10::nullopt);
}

at::Tensor
onednn_conv_guided_plain (const at::Tensor &input,
    const c10::optional<at::Tensor> &residual,
    const c10::intrusive_ptr<ConvPack> &pack, double max_val,
    const at::Tensor &)
{
  return conv_forward (input, residual, pack, max_val);
}

}  // namespace
}  // namespace guidedbp

TORCH_LIBRARY_IMPL (guidedbp, Autograd, m)
{
  m.impl ("onednn_conv", guidedbp::onednn_conv_autograd);
  m.impl ("onednn_conv_guided", guidedbp::onednn_conv_guided_autograd);
}

/* Used below autograd (inference tensors, no autograd key). */
TORCH_LIBRARY_IMPL (guidedbp, CompositeExplicitAutograd, m)
{
  m.impl ("onednn_conv", guidedbp::onednn_conv_plain);
  m.impl ("onednn_conv_guided", guidedbp::onednn_conv_guided_plain);
}
#endif

