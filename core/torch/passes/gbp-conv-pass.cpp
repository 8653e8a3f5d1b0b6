/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The graph pass that puts guidedbp's oneDNN convolutions
 * (ops/gbp-conv-op.cpp) in place of a frozen model's 2-D convolutions,
 * fuses each with the guided activation after it, keeps Winograd away from
 * ties and the image's layers in float32, and has the layout pass convert
 * where a reader needs the plain layout.
 */
#include "gbp-conv-pass.h"
#include "gbp-conv-pack.h"
#include "gbp-graph.h"
#include "gbp-layout-pass.h"
#include "gbp-op-names.h"
#include "gbp-ops.h"

#include <limits>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <torch/csrc/jit/ir/constants.h>

namespace guidedbp {

namespace {

using op_names::ONEDNN_CONV;
using op_names::ONEDNN_CONV_GUIDED;

/* The upper bound of the guided activation @node, a clamp(x, 0, max):
 * infinite for a ReLU; nullopt when @node is no guided activation. */
c10::optional<double>
guided_activation_max (torch::jit::Node *node)
{
  if (is_kind (node, op_names::GUIDED_RELU))
    return std::numeric_limits<double>::infinity ();
  if (!is_kind (node, op_names::GUIDED_HARDTANH))
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
  return writes_blocked (node) || is_kind (node, op_names::GUIDED_RELU)
      || is_kind (node, op_names::GUIDED_HARDTANH)
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

ConvRewrite
rewrite_convs_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph,
    const KernelPolicy &policy)
{
  unsigned rewritten, fused = 0;

  if (!onednn_available ())
    return {0, 0};
  rewritten = rewrite_to_packed_ops (*graph, pack_of, policy, ONEDNN_CONV);
  if (rewritten > 0) {
    fused = fuse_guided_activations (graph);
    keep_ties_exact (onednn_convs_of (graph));
    keep_image_layers_in_float32 (onednn_convs_of (graph));
    insert_layout_conversions (graph);
  }
  return {rewritten, fused};
}

void
add_conv_stats (const std::shared_ptr<torch::jit::Graph> &graph,
    KernelStats &stats)
{
  for (torch::jit::Node *conv : onednn_convs_of (graph)) {
    c10::intrusive_ptr<ConvPack> pack = pack_in (conv);
    bool winograd;
    for (const std::string &line : describe_conv_plans (*pack, &winograd))
      stats.choices.push_back (line);
    stats.weight_reorders += pack->weight_reorders;
    stats.winograd_convs += winograd;
  }
}

}  // namespace guidedbp
