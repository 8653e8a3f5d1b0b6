/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The guided ReLU rule as custom operators, and the graph pass that puts
 * them in place of a model's ReLU-family nodes.
 *
 * Why custom ops rather than overriding aten::relu's autograd kernel: the
 * override would change every model in the process, and the profiling
 * executor fuses aten::relu into differentiable graphs with the plain ReLU
 * gradient anyway. An op the executor knows nothing about is left alone and
 * its autograd kernel always runs.
 */
#include "gbp-guided-ops.h"

#include <vector>

#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

namespace guidedbp {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

/* Backward: pass the gradient only where it is positive and the forward
 * input was inside the activation's linear range. */
at::Tensor
guided_gradient (const at::Tensor &grad, const at::Tensor &pass_mask)
{
  return grad.clamp_min (0).mul_ (pass_mask);
}

struct GuidedRelu : public torch::autograd::Function<GuidedRelu> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &self)
  {
    at::Tensor out = at::relu (self);
    /* out > 0 exactly where self > 0: keep one tensor, not two */
    ctx->save_for_backward ({out});
    return out;
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    at::Tensor out = ctx->get_saved_variables ()[0];
    return {guided_gradient (grads[0], out.gt (0))};
  }
};

struct GuidedHardtanh : public torch::autograd::Function<GuidedHardtanh> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &self,
      const at::Scalar &min_val, const at::Scalar &max_val)
  {
    ctx->save_for_backward ({self});
    ctx->saved_data["min"] = min_val.toDouble ();
    ctx->saved_data["max"] = max_val.toDouble ();
    return at::hardtanh (self, min_val, max_val);
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    at::Tensor self = ctx->get_saved_variables ()[0];
    double min_val = ctx->saved_data["min"].toDouble ();
    double max_val = ctx->saved_data["max"].toDouble ();
    at::Tensor inside = self.gt (min_val).logical_and_ (self.lt (max_val));
    return {guided_gradient (grads[0], inside), at::Tensor (), at::Tensor ()};
  }
};

at::Tensor
guided_relu_autograd (const at::Tensor &self)
{
  return GuidedRelu::apply (self);
}

at::Tensor
guided_hardtanh_autograd (const at::Tensor &self, const at::Scalar &min_val,
    const at::Scalar &max_val)
{
  return GuidedHardtanh::apply (self, min_val, max_val);
}

/* Used below autograd (inference tensors, no autograd key). */
at::Tensor
guided_relu_plain (const at::Tensor &self)
{
  return at::relu (self);
}

at::Tensor
guided_hardtanh_plain (const at::Tensor &self, const at::Scalar &min_val,
    const at::Scalar &max_val)
{
  return at::hardtanh (self, min_val, max_val);
}

const char *const GUIDED_RELU = "guidedbp::guided_relu";
const char *const GUIDED_HARDTANH = "guidedbp::guided_hardtanh";

bool
is_constant_zero (torch::jit::Value *value)
{
  c10::optional<c10::IValue> constant = torch::jit::toIValue (value);
  return constant && (constant->isDouble () || constant->isInt ())
      && constant->toScalar ().toDouble () == 0.0;
}

/* The guided replacement of @node, inserted just before it, or nullptr
 * when @node is not a ReLU-family activation. */
torch::jit::Value *
insert_guided_replacement (torch::jit::Graph &graph, torch::jit::Node *node)
{
  std::string kind = node->kind ().toQualString ();

  if (node->inputs ().empty ())
    return nullptr;
  torch::jit::Value *self = node->input (0);

  if (kind == "aten::relu" || kind == "aten::relu_")
    return graph.insert (c10::Symbol::fromQualString (GUIDED_RELU), {self});

  if (kind == "aten::relu6" || kind == "aten::relu6_")
    return graph.insert (c10::Symbol::fromQualString (GUIDED_HARDTANH),
        {self, 0.0, 6.0});

  if ((kind == "aten::hardtanh" || kind == "aten::hardtanh_")
      && node->inputs ().size () == 3 && is_constant_zero (node->input (1)))
    return graph.insert (c10::Symbol::fromQualString (GUIDED_HARDTANH),
        {self, node->input (1), node->input (2)});

  return nullptr;
}

void
collect_nodes (torch::jit::Block *block, std::vector<torch::jit::Node *> &nodes)
{
  for (torch::jit::Node *node : block->nodes ()) {
    nodes.push_back (node);
    for (torch::jit::Block *sub : node->blocks ())
      collect_nodes (sub, nodes);
  }
}

}  // namespace

unsigned
rewrite_relus_to_guided (const std::shared_ptr<torch::jit::Graph> &graph)
{
  std::vector<torch::jit::Node *> nodes;
  unsigned rewritten = 0;

  collect_nodes (graph->block (), nodes);
  for (torch::jit::Node *node : nodes) {
    torch::jit::WithInsertPoint insert_point (node);
    torch::jit::Value *guided = insert_guided_replacement (*graph, node);

    if (guided == nullptr)
      continue;

    /* An in-place activation the mutation passes could not remove also
     * changed its input for every later reader: hand them the new value. */
    if (std::string (node->kind ().toUnqualString ()).back () == '_')
      node->input (0)->replaceAllUsesDominatedByNodeWith (node, guided);
    node->output ()->replaceAllUsesWith (guided);
    node->destroy ();
    rewritten++;
  }
  return rewritten;
}

}  // namespace guidedbp

TORCH_LIBRARY (guidedbp, m)
{
  m.def ("guided_relu(Tensor self) -> Tensor");
  m.def ("guided_hardtanh(Tensor self, Scalar min_val, Scalar max_val) -> Tensor");
}

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
