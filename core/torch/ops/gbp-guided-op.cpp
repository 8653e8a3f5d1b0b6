/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The guided ReLU family as autograd operators (passes/gbp-guided-pass.cpp
 * puts them in place of a model's activations).
 *
 * Each op also takes a 0-d bool tensor, the model's "guided" switch, read
 * at backward time: true applies the guided rule, false the plain ReLU
 * gradient. Grad-CAM needs plain gradients at its layer from the same
 * forward pass, so the switch is flipped between the two backward passes.
 */
#include "gbp-guided-op.h"
#include "gbp-guided-rule.h"

#ifdef GBP_HAVE_IDEEP
#include "gbp-mkldnn-bridge.h"
#endif

#include <cmath>
#include <limits>

#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

namespace guidedbp {

#ifdef GBP_HAVE_IDEEP
ideep::tensor
activation_gradient (const ideep::tensor &out, const ideep::tensor &grad,
    double high, bool guided)
{
  ideep::tensor grad_ready = grad.reorder_if_differ_in (out.get_desc ());
  ideep::tensor result (out.get_desc ());
  /* blocked layouts pad channels to the block with zeros: all of it */
  activation_gradient (static_cast<const float *> (out.get_data_handle ()),
      static_cast<const float *> (grad_ready.get_data_handle ()),
      static_cast<float *> (result.get_data_handle ()),
      (int64_t) (out.get_desc ().get_size () / sizeof (float)), (float) high,
      guided);
  return result;
}
#endif

at::Tensor
activation_gradient (const at::Tensor &out, const at::Tensor &grad,
    double high, bool guided)
{
  /* MKLDNN tensors are made below autograd */
  at::AutoDispatchBelowADInplaceOrView below_autograd;
#ifdef GBP_HAVE_IDEEP
  if (out.is_mkldnn () && out.scalar_type () == at::kFloat) {
    at::Tensor keep;
    return at::native::new_with_itensor_mkldnn (activation_gradient (
            at::native::itensor_from_mkldnn (out), as_ideep (grad, keep),
            high, guided), at::kFloat, out.device ());
  }
#endif
  if (out.is_mkldnn () || out.scalar_type () != at::kFloat) {
    /* not float32: the rule with aten ops */
    at::Tensor dense = out.is_mkldnn () ? out.to_dense () : out;
    at::Tensor g = grad.is_mkldnn () ? grad.to_dense () : grad;
    at::Tensor pass = dense.gt (0).logical_and (dense.lt (high));
    if (guided)
      pass = pass.logical_and (g.gt (0));
    return g * pass;
  }
  at::Tensor o = out.contiguous ();
  at::Tensor g = (grad.is_mkldnn () ? grad.to_dense () : grad).to (at::kFloat)
      .contiguous ();
  at::Tensor result = at::empty_like (o);
  activation_gradient (o.data_ptr<float> (), g.data_ptr<float> (),
      result.data_ptr<float> (), o.numel (), (float) high, guided);
  return result;
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

/* clamp(x, 0, high) forward (a ReLU where @high is infinite), the rule
 * backward, from the output alone: 0 < out < high exactly where the input
 * is inside the activation's linear range. */
struct GuidedActivation : public torch::autograd::Function<GuidedActivation> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &self,
      const at::Scalar &min_val, const at::Scalar &max_val,
      const at::Tensor &guided, bool relu)
  {
    at::Tensor out = relu ? at::relu (self) : at::hardtanh (self, min_val,
        max_val);
    ctx->save_for_backward ({out});
    ctx->saved_data["high"] = relu ? std::numeric_limits<double>::infinity ()
        : max_val.toDouble ();
    ctx->saved_data["guided"] = guided;
    return out;
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    return {activation_gradient (ctx->get_saved_variables ()[0], grads[0],
            ctx->saved_data["high"].toDouble (),
            ctx->saved_data["guided"].toTensor ().item<bool> ()),
          at::Tensor (), at::Tensor (), at::Tensor (), at::Tensor ()};
  }
};

at::Tensor
guided_relu_autograd (const at::Tensor &self, const at::Tensor &guided)
{
  return GuidedActivation::apply (self, 0.0, 0.0, guided, true);
}

/* The graph pass rewrites hardtanh(x, 0, max) only: its min is 0. */
at::Tensor
guided_hardtanh_autograd (const at::Tensor &self, const at::Scalar &min_val,
    const at::Scalar &max_val, const at::Tensor &guided)
{
  TORCH_CHECK (min_val.toDouble () == 0.0, "guidedbp::guided_hardtanh takes "
      "a min of 0, not ", min_val.toDouble ());
  return GuidedActivation::apply (self, min_val, max_val, guided, false);
}

/* Used below autograd (inference tensors, no autograd key). */
at::Tensor
guided_relu_plain (const at::Tensor &self, const at::Tensor &)
{
  return at::relu (self);
}

at::Tensor
guided_hardtanh_plain (const at::Tensor &self, const at::Scalar &min_val,
    const at::Scalar &max_val, const at::Tensor &)
{
  return at::hardtanh (self, min_val, max_val);
}

}  // namespace
}  // namespace guidedbp

TORCH_LIBRARY_IMPL (guidedbp, Autograd, m)
{
  m.impl ("guided_relu", guidedbp::guided_relu_autograd);
  m.impl ("guided_hardtanh", guidedbp::guided_hardtanh_autograd);
}

TORCH_LIBRARY_IMPL (guidedbp, CompositeExplicitAutograd, m)
{
  m.impl ("guided_relu", guidedbp::guided_relu_plain);
  m.impl ("guided_hardtanh", guidedbp::guided_hardtanh_plain);
}
