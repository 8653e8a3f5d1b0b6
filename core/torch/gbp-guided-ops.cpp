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
 *
 * Each op also takes a 0-d bool tensor, the model's "guided" switch, read
 * at backward time: true applies the guided rule, false the plain ReLU
 * gradient. Grad-CAM needs plain gradients at its layer from the same
 * forward pass, so the switch is flipped between the two backward passes.
 */
#include "gbp-guided-ops.h"

#include <vector>

#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

namespace guidedbp {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

/* Backward of a ReLU-family activation, given its plain gradient (the
 * incoming gradient where the activation is linear, 0 elsewhere): guided,
 * the gradient passes only where it is positive too. Whole tensors, one
 * pass each: no bool mask is built. */
at::Tensor
activation_gradient (at::Tensor plain_gradient, const at::Tensor &guided)
{
  if (!guided.item<bool> ())
    return plain_gradient;
  /* blocked (MKLDNN) tensors have relu_ but no clamp_min_ */
  if (plain_gradient.is_mkldnn ())
    return at::relu_ (plain_gradient);
  return plain_gradient.clamp_min_ (0);
}

struct GuidedRelu : public torch::autograd::Function<GuidedRelu> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &self,
      const at::Tensor &guided)
  {
    at::Tensor out = at::relu (self);
    /* out > 0 exactly where self > 0: keep one tensor, not two */
    ctx->save_for_backward ({out});
    ctx->saved_data["guided"] = guided;
    return out;
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    at::Tensor out = ctx->get_saved_variables ()[0];
    return {activation_gradient (at::threshold_backward (grads[0], out, 0),
            ctx->saved_data["guided"].toTensor ()), at::Tensor ()};
  }
};

struct GuidedHardtanh : public torch::autograd::Function<GuidedHardtanh> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &self,
      const at::Scalar &min_val, const at::Scalar &max_val,
      const at::Tensor &guided)
  {
    ctx->save_for_backward ({self});
    ctx->saved_data["min"] = min_val.toDouble ();
    ctx->saved_data["max"] = max_val.toDouble ();
    ctx->saved_data["guided"] = guided;
    return at::hardtanh (self, min_val, max_val);
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    at::Tensor self = ctx->get_saved_variables ()[0];
    /* the incoming gradient strictly inside (min, max), 0 outside */
    at::Tensor plain = at::hardtanh_backward (grads[0], self,
        ctx->saved_data["min"].toDouble (), ctx->saved_data["max"].toDouble ());
    return {activation_gradient (plain, ctx->saved_data["guided"].toTensor ()),
          at::Tensor (), at::Tensor (), at::Tensor ()};
  }
};

at::Tensor
guided_relu_autograd (const at::Tensor &self, const at::Tensor &guided)
{
  return GuidedRelu::apply (self, guided);
}

at::Tensor
guided_hardtanh_autograd (const at::Tensor &self, const at::Scalar &min_val,
    const at::Scalar &max_val, const at::Tensor &guided)
{
  return GuidedHardtanh::apply (self, min_val, max_val, guided);
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
insert_guided_replacement (torch::jit::Graph &graph, torch::jit::Node *node,
    torch::jit::Value *guided)
{
  std::string kind = node->kind ().toQualString ();

  if (node->inputs ().empty ())
    return nullptr;
  torch::jit::Value *self = node->input (0);

  if (kind == "aten::relu" || kind == "aten::relu_")
    return graph.insert (c10::Symbol::fromQualString (GUIDED_RELU),
        {self, guided});

  if (kind == "aten::relu6" || kind == "aten::relu6_")
    return graph.insert (c10::Symbol::fromQualString (GUIDED_HARDTANH),
        {self, 0.0, 6.0, guided});

  if ((kind == "aten::hardtanh" || kind == "aten::hardtanh_")
      && node->inputs ().size () == 3 && is_constant_zero (node->input (1)))
    return graph.insert (c10::Symbol::fromQualString (GUIDED_HARDTANH),
        {self, node->input (1), node->input (2), guided});

  return nullptr;
}

}  // namespace

void
collect_nodes (torch::jit::Block *block, std::vector<torch::jit::Node *> &nodes)
{
  for (torch::jit::Node *node : block->nodes ()) {
    nodes.push_back (node);
    for (torch::jit::Block *sub : node->blocks ())
      collect_nodes (sub, nodes);
  }
}

void
replace_node (torch::jit::Node *node, torch::jit::Value *replacement)
{
  if (node->callstack ())
    replacement->node ()->setCallStack (*node->callstack ());
  replacement->setType (node->output ()->type ());
  node->output ()->replaceAllUsesWith (replacement);
  node->destroy ();
}

bool
is_kind (torch::jit::Node *node, const char *kind)
{
  return node->kind () == c10::Symbol::fromQualString (kind);
}

std::vector<int64_t>
constant_pair (torch::jit::Value *value)
{
  c10::optional<c10::IValue> constant = torch::jit::toIValue (value);
  if (!constant || !constant->isIntList ())
    return {};
  std::vector<int64_t> pair = constant->toIntVector ();
  if (pair.size () == 1)
    pair.push_back (pair[0]);
  return pair.size () == 2 ? pair : std::vector<int64_t> ();
}

bool
is_unit_add (torch::jit::Node *node)
{
  if (!is_kind (node, "aten::add") || node->inputs ().size () != 3)
    return false;
  c10::optional<c10::IValue> alpha = torch::jit::toIValue (node->input (2));
  return alpha && alpha->isInt () && alpha->toInt () == 1;
}

unsigned
rewrite_relus_to_guided (const std::shared_ptr<torch::jit::Graph> &graph,
    const at::Tensor &guided_switch)
{
  std::vector<torch::jit::Node *> nodes;
  unsigned rewritten = 0;
  torch::jit::Value *switch_value;

  collect_nodes (graph->block (), nodes);
  {
    torch::jit::WithInsertPoint at_start (graph->block ()->nodes ().front ());
    switch_value = graph->insertConstant (guided_switch);
  }
  for (torch::jit::Node *node : nodes) {
    torch::jit::WithInsertPoint insert_point (node);
    torch::jit::Value *guided = insert_guided_replacement (*graph, node,
        switch_value);

    if (guided == nullptr)
      continue;
    /* An in-place activation the mutation passes could not remove also
     * changed its input for every later reader: hand them the new value. */
    if (std::string (node->kind ().toUnqualString ()).back () == '_')
      node->input (0)->replaceAllUsesDominatedByNodeWith (node, guided);
    replace_node (node, guided);
    rewritten++;
  }
  return rewritten;
}

/* "features.0": the chain of module instances @node was inlined from. */
static std::string
module_path_of (torch::jit::Node *node)
{
  std::string path;

  if (!node->callstack ())
    return path;
  for (const torch::jit::InlinedCallStackEntry &entry :
      (*node->callstack ())->vec ()) {
    const c10::optional<torch::jit::ModuleInstanceInfo> &info =
        std::get<2> (entry);
    if (!info || info->instance_name ().empty ())
      continue;
    path += (path.empty () ? "" : ".") + info->instance_name ();
  }
  return path;
}

static bool
is_convolution (torch::jit::Node *node)
{
  static const char *const kinds[] = { "aten::conv1d", "aten::conv2d",
    "aten::conv3d", "aten::_convolution", "aten::convolution"
  };
  std::string kind = node->kind ().toQualString ();

  for (const char *k : kinds)
    if (kind == k)
      return true;
  return false;
}

torch::jit::Value *
find_layer_output (const std::shared_ptr<torch::jit::Graph> &graph,
    const std::string &module_path)
{
  torch::jit::Value *found = nullptr;

  /* a module's value is what its last node computes */
  for (torch::jit::Node *node : graph->block ()->nodes ()) {
    bool inside;

    if (node->outputs ().size () != 1
        || !node->output ()->type ()->isSubtypeOf (*c10::TensorType::get ()))
      continue;
    if (module_path.empty ()) {
      inside = is_convolution (node);
    } else {
      std::string path = module_path_of (node);
      inside = path == module_path
          || path.compare (0, module_path.size () + 1, module_path + ".") == 0;
    }
    if (inside)
      found = node->output ();
  }
  return found;
}

}  // namespace guidedbp

TORCH_LIBRARY (guidedbp, m)
{
  m.def ("guided_relu(Tensor self, Tensor guided) -> Tensor");
  m.def ("guided_hardtanh(Tensor self, Scalar min_val, Scalar max_val, "
      "Tensor guided) -> Tensor");
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
