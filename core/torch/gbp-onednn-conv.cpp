/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 2-D convolutions through oneDNN with packed weights, forward and input
 * gradient, keeping activations in oneDNN's blocked layout.
 *
 * Why: libtorch's aten::conv2d on the CPU already runs oneDNN kernels, but
 * on every call it reorders the plain weight into the kernel's blocked
 * format (once for the forward, once more for the input gradient) and the
 * activation in and out of the blocked layout. On ResNet18 the weight
 * reorders alone are about 15 % of a guided pass (bench/README.md). Here
 * each convolution's weight is packed once per input shape, for both
 * directions, and the output is a blocked (MKLDNN layout) tensor, which
 * libtorch's own add and max pooling kernels read and differentiate
 * without converting it. gbp-blocked-layout.cpp converts back wherever a
 * consumer needs the plain layout. A convolution followed by its guided
 * activation (and a residual add between) becomes one op: a oneDNN
 * primitive with post-ops forward, one pass of the guided rule backward.
 *
 * Only the input gradient is ever computed: the engine's weights are
 * frozen constants that never require grad.
 */
#include "gbp-onednn-conv.h"
#include "gbp-blocked-layout.h"
#include "gbp-conv-pack.h"
#include "gbp-guided-ops.h"
#include "gbp-mkldnn-bridge.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/custom_class.h>
#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/jit/ir/constants.h>

namespace guidedbp {

#ifdef GBP_HAVE_IDEEP
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

ConvPack::PostOps
post_ops_of (bool residual, c10::optional<double> max_val)
{
  ConvPack::PostOps post_ops;
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
  ConvPack::PostOps post_ops = post_ops_of (residual.has_value ()
      && residual->defined (), max_val);
  at::Tensor keep, keep_residual;
  ideep::tensor src = as_ideep (input, keep);
  ideep::tensor added;
  if (post_ops.residual)
    added = as_ideep (*residual, keep_residual);
  std::shared_ptr<ConvPack::Plan> plan = pack->plan_for (
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

/* The rule over a range, guided or plain by template, with both loads
 * unconditional and no branch so that the compiler vectorizes either (the
 * pass is memory-bound: SSE is as good as wider vectors). */
template <bool guided>
__attribute__ ((optimize ("tree-vectorize"))) void
gradient_range (const float *out, const float *grad, float *result,
    int64_t n, float high)
{
  for (int64_t i = 0; i < n; i++) {
    float o = out[i], g = grad[i];
    bool pass = (o > 0.0f) & (o < high) & (!guided | (g > 0.0f));
    result[i] = pass ? g : 0.0f;
  }
}

/* The gradient at the convolution's output of the activation clamp(x, 0,
 * @max_val) whose output is @out, given @grad at the activation's output:
 * @grad where 0 < out < max_val (the activation is linear there), 0
 * elsewhere; guided, only where @grad is positive too. One pass over both,
 * in @out's layout. */
ideep::tensor
activation_gradient (const ideep::tensor &out, const ideep::tensor &grad,
    double max_val, bool guided)
{
  ideep::tensor grad_ready = grad.reorder_if_differ_in (out.get_desc ());
  ideep::tensor result (out.get_desc ());
  const float *o = static_cast<const float *> (out.get_data_handle ());
  const float *g = static_cast<const float *> (grad_ready.get_data_handle ());
  float *r = static_cast<float *> (result.get_data_handle ());
  const float high = (float) max_val;
  /* blocked layouts pad channels to the block with zeros: all of it */
  int64_t n = (int64_t) (out.get_desc ().get_size () / sizeof (float));

  at::parallel_for (0, n, 16384, [&] (int64_t begin, int64_t end) {
    if (guided)
      gradient_range<true> (o + begin, g + begin, r + begin, end - begin, high);
    else
      gradient_range<false> (o + begin, g + begin, r + begin, end - begin,
          high);
  });
  return result;
}

/* The input gradient of the convolution planned for @sizes. */
ideep::tensor
conv_input_gradient (const c10::intrusive_ptr<ConvPack> &pack,
    const std::vector<int64_t> &sizes, const ConvPack::PostOps &post_ops,
    const ideep::tensor &grad)
{
  std::shared_ptr<ConvPack::Plan> plan = pack->plan_for (
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
 * gbp-guided-ops.cpp, fused). */
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
    ConvPack::PostOps post_ops = post_ops_of (!residual_blocked.isNone (),
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
#endif /* GBP_HAVE_IDEEP */

namespace {

const char *const ONEDNN_CONV = "guidedbp::onednn_conv";
const char *const ONEDNN_CONV_GUIDED = "guidedbp::onednn_conv_guided";

/* The upper bound of the guided activation @node, a clamp(x, 0, max):
 * infinite for a ReLU; nullopt when @node is no guided activation. */
c10::optional<double>
guided_activation_max (torch::jit::Node *node)
{
  if (is_kind (node, "guidedbp::guided_relu"))
    return std::numeric_limits<double>::infinity ();
  if (!is_kind (node, "guidedbp::guided_hardtanh"))
    return c10::nullopt;
  c10::optional<c10::IValue> low = torch::jit::toIValue (node->input (1));
  c10::optional<c10::IValue> high = torch::jit::toIValue (node->input (2));
  if (!low || !high || !low->isScalar () || !high->isScalar ()
      || low->toScalar ().toDouble () != 0.0
      || high->toScalar ().toDouble () <= 0.0)
    return c10::nullopt;
  return high->toScalar ().toDouble ();
}

/* Whether @value is an activation of the convolutional body, whose shape
 * a residual add of a convolution's output can be trusted to share. */
bool
is_body_activation (torch::jit::Value *value)
{
  torch::jit::Node *node = value->node ();
  return writes_blocked (node) || is_kind (node, "guidedbp::guided_relu")
      || is_kind (node, "guidedbp::guided_hardtanh")
      || is_kind (node, "aten::max_pool2d");
}

/* The convolution feeding @value alone, or nullptr. */
torch::jit::Node *
sole_convolution (torch::jit::Value *value)
{
  return is_kind (value->node (), ONEDNN_CONV) && value->uses ().size () == 1 ?
      value->node () : nullptr;
}

/* Fuses conv -> guided activation, and conv -> add -> guided activation
 * (a residual block's end), into guidedbp::onednn_conv_guided: one oneDNN
 * primitive forward, one pass of the guided rule backward, no
 * intermediate tensors. A convolution whose output is read elsewhere too
 * (the Grad-CAM layer) is left alone. */
unsigned
fuse_guided_activations (const std::shared_ptr<torch::jit::Graph> &graph)
{
  std::vector<torch::jit::Node *> nodes (graph->block ()->nodes ().begin (),
      graph->block ()->nodes ().end ());
  unsigned fused = 0;

  for (torch::jit::Node *activation : nodes) {
    c10::optional<double> max_val = guided_activation_max (activation);
    torch::jit::Value *before = max_val ? activation->input (0) : nullptr;
    if (before == nullptr || before->uses ().size () != 1)
      continue;

    torch::jit::Node *conv = sole_convolution (before);
    torch::jit::Node *add = nullptr;
    torch::jit::Value *residual = nullptr;
    torch::jit::Node *producer = before->node ();
    if (conv == nullptr && is_unit_add (producer)) {
      for (size_t i = 0; i < 2 && conv == nullptr; i++) {
        torch::jit::Value *other = producer->input (1 - i);
        if (is_body_activation (other)) {
          conv = sole_convolution (producer->input (i));
          residual = other;
          add = producer;
        }
      }
    }
    if (conv == nullptr)
      continue;

    torch::jit::WithInsertPoint insert_point (activation);
    torch::jit::Value *residual_or_none = residual != nullptr ? residual :
        graph->insertConstant (c10::IValue ());
    torch::jit::Value *replacement = graph->insert (
        c10::Symbol::fromQualString (ONEDNN_CONV_GUIDED), {conv->input (0),
          residual_or_none, conv->input (1), *max_val,
          activation->inputs ().back ()});
    replace_node (activation, replacement);
    if (add != nullptr)
      add->destroy ();
    conv->destroy ();
    fused++;
  }
  return fused;
}

bool
constant_is_false (torch::jit::Value *value)
{
  c10::optional<c10::IValue> constant = torch::jit::toIValue (value);
  return constant && constant->isBool () && !constant->toBool ();
}

bool
constant_is_zeros (torch::jit::Value *value)
{
  std::vector<int64_t> pair = constant_pair (value);
  return !pair.empty () && pair[0] == 0 && pair[1] == 0;
}

/* Where the groups argument of a forward 2-D convolution node is, or -1:
 * aten::conv2d(input, weight, bias, stride, padding, dilation, groups) from
 * scripted models, aten::_convolution and aten::convolution(..., dilation,
 * transposed, output_padding, groups, ...) from traced ones. */
int
groups_index (torch::jit::Node *node)
{
  std::string kind = node->kind ().toQualString ();

  if (kind == "aten::conv2d" && node->inputs ().size () == 7)
    return 6;
  if ((kind == "aten::_convolution" || kind == "aten::convolution")
      && node->inputs ().size () >= 9 && constant_is_false (node->input (6))
      && constant_is_zeros (node->input (7)))
    return 8;
  return -1;
}

/* A pack for a forward 2-D convolution with everything but the input
 * constant, or a null pointer. */
c10::intrusive_ptr<ConvPack>
pack_of (torch::jit::Node *node)
{
  int groups_at = groups_index (node);
  if (groups_at < 0)
    return {};
  c10::optional<c10::IValue> weight = torch::jit::toIValue (node->input (1));
  c10::optional<c10::IValue> bias = torch::jit::toIValue (node->input (2));
  c10::optional<c10::IValue> groups = torch::jit::toIValue (
      node->input (groups_at));
  if (!weight || !weight->isTensor () || !bias
      || !(bias->isNone () || bias->isTensor ()) || !groups || !groups->isInt ())
    return {};

  auto pack = c10::make_intrusive<ConvPack> ();
  pack->weight = weight->toTensor ();
  if (bias->isTensor ())
    pack->bias = bias->toTensor ();
  pack->stride = constant_pair (node->input (3));
  pack->padding = constant_pair (node->input (4));  /* "same": a string */
  pack->dilation = constant_pair (node->input (5));
  pack->groups = groups->toInt ();

  auto is_float_cpu = [] (const at::Tensor &t) {
    return t.scalar_type () == at::kFloat && t.device ().is_cpu ()
        && t.layout () == at::kStrided;
  };
  if (pack->weight.dim () != 4 || !is_float_cpu (pack->weight)
      || (pack->bias.defined () && (!is_float_cpu (pack->bias)
              || pack->bias.dim () != 1))
      || pack->stride.empty () || pack->padding.empty ()
      || pack->dilation.empty () || pack->groups < 1
      || pack->weight.size (0) % pack->groups != 0)
    return {};
  pack->weight = pack->weight.contiguous ();
  const std::vector<int64_t> ones = {1, 1};
  pack->winograd_allowed = pack->weight.size (2) == 3
      && pack->weight.size (3) == 3 && pack->stride == ones
      && pack->padding == ones && pack->dilation == ones
      && pack->groups == 1;
  if (pack->bias.defined ())
    pack->bias = pack->bias.contiguous ();
  return pack;
}

/* The pack of the oneDNN convolution @node. */
c10::intrusive_ptr<ConvPack>
pack_in (torch::jit::Node *node)
{
  size_t at = is_kind (node, ONEDNN_CONV) ? 1 : 2;
  return torch::jit::toIValue (node->input (at))->toCustomClass<ConvPack> ();
}

/* Whether @node picks the largest or smallest of values (max pooling,
 * max, maximum, ...), whose gradient goes to the element that wins a tie. */
bool
is_maximum (torch::jit::Node *node)
{
  static const std::set<std::string> extremes = {"aten::max", "aten::amax",
    "aten::maximum", "aten::fmax", "aten::min", "aten::amin",
    "aten::minimum", "aten::fmin"};
  std::string kind = node->kind ().toQualString ();
  return kind.find ("max_pool") != std::string::npos
      || extremes.count (kind) > 0;
}

/* Whether a maximum is computed from @node's outputs, at any distance;
 * @known remembers the nodes already answered. */
bool
reaches_a_maximum (torch::jit::Node *node,
    std::unordered_map<torch::jit::Node *, bool> &known)
{
  auto it = known.find (node);
  if (it != known.end ())
    return it->second;
  bool reaches = false;
  for (torch::jit::Value *output : node->outputs ())
    for (const torch::jit::Use &use : output->uses ()) {
      torch::jit::Node *user = use.user;
      /* a value a block returns flows on from the node owning the block */
      if (user->kind () == c10::prim::Return
          && user->owningBlock ()->owningNode () != nullptr)
        user = user->owningBlock ()->owningNode ();
      reaches = reaches || is_maximum (user)
          || reaches_a_maximum (user, known);
    }
  known[node] = reaches;
  return reaches;
}

/* Keeps every convolution from whose output a maximum is computed off
 * Winograd. Where the image is flat, a pooling window holds equal values
 * and PyTorch sends the gradient to the first of them. Winograd rounds by
 * other sums than the direct kernel, so values that came out equal there
 * did not all come out equal here, such ties broke elsewhere, and the
 * saliency moved by a pixel over flat areas: on a test card, by 8 % of its
 * maximum with Winograd right before a max pooling, 1.8 % with another
 * convolution between; with average pooling instead, 2.6e-7. */
void
keep_ties_exact (const std::vector<torch::jit::Node *> &convs)
{
  std::unordered_map<torch::jit::Node *, bool> known;

  for (torch::jit::Node *conv : convs)
    if (reaches_a_maximum (conv, known))
      pack_in (conv)->winograd_allowed = false;
}

/* Whether a oneDNN convolution computes @value, at any distance; @known
 * remembers the values already answered. */
bool
follows_a_convolution (torch::jit::Value *value,
    std::unordered_map<torch::jit::Value *, bool> &known)
{
  auto it = known.find (value);
  if (it != known.end ())
    return it->second;
  torch::jit::Node *producer = value->node ();
  bool follows = writes_blocked (producer);
  for (torch::jit::Value *input : producer->inputs ())
    follows = follows || follows_a_convolution (input, known);
  known[value] = follows;
  return follows;
}

/* Keeps the convolutions that read the image (no convolution before
 * them) in float32 whatever the precision: rounding the normalized image
 * to bfloat16's 8 bits moved the rendered saliency most (random-weight
 * ResNet18 on photos: correlation with float32's 0.9845 with the stem in
 * bfloat16, 0.9996 with it in float32, for about 3 ms of 18). */
void
keep_image_layers_in_float32 (const std::vector<torch::jit::Node *> &convs)
{
  std::unordered_map<torch::jit::Value *, bool> known;

  for (torch::jit::Node *conv : convs)
    if (!follows_a_convolution (conv->input (0), known))
      pack_in (conv)->policy.precision = Precision::F32;
}

/* The oneDNN convolutions of @graph. */
std::vector<torch::jit::Node *>
onednn_convs_of (const std::shared_ptr<torch::jit::Graph> &graph)
{
  std::vector<torch::jit::Node *> nodes, convs;

  collect_nodes (graph->block (), nodes);
  for (torch::jit::Node *node : nodes)
    if (writes_blocked (node))
      convs.push_back (node);
  return convs;
}

}  // namespace

bool
writes_blocked (torch::jit::Node *node)
{
  return is_kind (node, ONEDNN_CONV) || is_kind (node, ONEDNN_CONV_GUIDED);
}

bool
onednn_conv_available ()
{
#ifdef GBP_HAVE_IDEEP
  return at::hasMKLDNN ();
#else
  return false;
#endif
}

ConvRewrite
rewrite_convs_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph,
    const KernelPolicy &policy)
{
  std::vector<torch::jit::Node *> nodes;
  unsigned rewritten = 0, fused = 0;

  if (!onednn_conv_available ())
    return {0, 0};
  collect_nodes (graph->block (), nodes);
  for (torch::jit::Node *node : nodes) {
    c10::intrusive_ptr<ConvPack> pack = pack_of (node);
    if (!pack)
      continue;
    pack->policy = policy;
    torch::jit::WithInsertPoint insert_point (node);
    torch::jit::Value *pack_value = graph->insertConstant (c10::IValue (pack));
    torch::jit::Value *replacement = graph->insert (
        c10::Symbol::fromQualString (ONEDNN_CONV), {node->input (0),
          pack_value});
    replace_node (node, replacement);
    rewritten++;
  }
  if (rewritten > 0) {
    fused = fuse_guided_activations (graph);
    keep_ties_exact (onednn_convs_of (graph));
    keep_image_layers_in_float32 (onednn_convs_of (graph));
    insert_layout_conversions (graph);
  }
  return {rewritten, fused};
}

void
add_conv_stats ([[maybe_unused]] const std::shared_ptr<torch::jit::Graph> &graph,
    [[maybe_unused]] KernelStats &stats)
{
#ifdef GBP_HAVE_IDEEP
  for (torch::jit::Node *conv : onednn_convs_of (graph)) {
    c10::intrusive_ptr<ConvPack> pack = pack_in (conv);
    std::lock_guard<std::mutex> locked (pack->lock);
    bool winograd = false;
    stats.weight_reorders += pack->weight_reorders;
    for (const std::shared_ptr<ConvPack::Plan> &plan : pack->plans) {
      const ideep::dims &in = plan->src_dims;
      winograd = winograd || plan->forward.name.find ("wino")
          != std::string::npos || plan->backward.name.find ("wino")
          != std::string::npos;
      stats.choices.push_back ("conv " + std::to_string (in[1]) + "x"
          + std::to_string (in[2]) + "x" + std::to_string (in[3]) + " -> "
          + std::to_string (plan->dst_dims[1]) + " k"
          + std::to_string (pack->weight.size (2)) + "x"
          + std::to_string (pack->weight.size (3)) + " s"
          + std::to_string (pack->stride[0]) + " g"
          + std::to_string (pack->groups) + ": forward "
          + plan->forward.name + ", input gradient " + plan->backward.name);
    }
    stats.winograd_convs += winograd;
  }
#endif
}

}  // namespace guidedbp

TORCH_LIBRARY_FRAGMENT (guidedbp, m)
{
  m.class_<guidedbp::ConvPack> ("ConvPack");
  m.def ("onednn_conv(Tensor input, __torch__.torch.classes.guidedbp.ConvPack "
      "pack) -> Tensor");
  m.def ("onednn_conv_guided(Tensor input, Tensor? residual, "
      "__torch__.torch.classes.guidedbp.ConvPack pack, float max_val, "
      "Tensor guided) -> Tensor");
}

#ifdef GBP_HAVE_IDEEP
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
