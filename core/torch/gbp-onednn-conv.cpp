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
 * libtorch's own ReLU, add and pooling kernels read and differentiate
 * without converting it. gbp-blocked-layout.cpp converts back wherever a
 * consumer needs the plain layout.
 *
 * Only the input gradient is ever computed: the engine's weights are
 * frozen constants that never require grad.
 */
#include "gbp-onednn-conv.h"
#include "gbp-blocked-layout.h"
#include "gbp-guided-ops.h"

#include <mutex>
#include <vector>

#include <torch/custom_class.h>
#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/jit/ir/constants.h>

#ifdef GBP_HAVE_IDEEP
#include <ideep.hpp>

/* Exported by libtorch_cpu (ATen/native/mkldnn/MKLDNNCommon.h, which
 * libtorch-dev does not install): the bridge between at::Tensor's MKLDNN
 * layout and ideep::tensor. The ideep headers must be the ones libtorch
 * was built with, which is why meson enables this for the system libtorch
 * only. */
namespace at {
namespace native {
ideep::tensor &itensor_from_mkldnn (const at::Tensor &mkldnn_tensor);
ideep::tensor itensor_view_from_dense (const at::Tensor &tensor);
at::Tensor new_with_itensor_mkldnn (ideep::tensor &&it,
    c10::optional<c10::ScalarType> dtype, c10::optional<c10::Device> device);
}  // namespace native
}  // namespace at
#endif

namespace guidedbp {

/* One frozen convolution: its plain weight and geometry, and per input
 * shape the oneDNN primitives with the weight packed for each. */
struct ConvPack : torch::CustomClassHolder {
  at::Tensor weight;            /* [out, in / groups, kh, kw], contiguous */
  at::Tensor bias;              /* [out], or undefined */
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups = 1;

#ifdef GBP_HAVE_IDEEP
  struct Plan {
    ideep::dims src_dims;
    dnnl::convolution_forward::primitive_desc forward_pd;
    dnnl::convolution_forward forward;
    ideep::tensor forward_weight, bias;
    dnnl::convolution_backward_data::primitive_desc backward_pd;
    dnnl::convolution_backward_data backward;
    ideep::tensor backward_weight;
  };

  std::mutex lock;
  /* a model sees one input shape in practice; a few are kept */
  std::vector<std::shared_ptr<Plan>> plans;

  std::shared_ptr<Plan> plan_for (const ideep::dims &src_dims);
#endif
};

#ifdef GBP_HAVE_IDEEP
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
const size_t MAX_PLANS = 4;

ideep::dims
output_dims (const ConvPack &pack, const ideep::dims &src)
{
  ideep::dims dst = {src[0], pack.weight.size (0)};
  for (size_t d = 0; d < 2; d++) {
    int64_t extent = pack.dilation[d] * (pack.weight.size (2 + d) - 1) + 1;
    int64_t size = (src[2 + d] + 2 * pack.padding[d] - extent)
        / pack.stride[d] + 1;
    TORCH_CHECK (size > 0, "the input of a convolution is ", src[2], "x",
        src[3], " pixels, smaller than its ", pack.weight.size (2), "x",
        pack.weight.size (3), " kernel");
    dst.push_back (size);
  }
  return dst;
}

/* The plain weight as oneDNN sees it: grouped weights get a leading
 * groups dimension over the same memory. */
ideep::tensor
plain_weight (const ConvPack &pack)
{
  ideep::dims dims (pack.weight.sizes ().begin (), pack.weight.sizes ().end ());
  void *data = pack.weight.data_ptr ();

  if (pack.groups == 1)
    return ideep::tensor ({dims, dt::f32, tag::oihw}, data);
  dims[0] /= pack.groups;
  dims.insert (dims.begin (), pack.groups);
  return ideep::tensor ({dims, dt::f32, tag::goihw}, data);
}

}  // namespace

std::shared_ptr<ConvPack::Plan>
ConvPack::plan_for (const ideep::dims &src_dims)
{
  std::lock_guard<std::mutex> locked (lock);
  for (const std::shared_ptr<Plan> &plan : plans)
    if (plan->src_dims == src_dims)
      return plan;

  TORCH_CHECK (src_dims.size () == 4 && src_dims[1] == weight.size (1) * groups,
      "a convolution expecting ", weight.size (1) * groups, " channels got "
      "an input of ", src_dims.size () == 4 ? src_dims[1] : 0, " channels");
  auto plan = std::make_shared<Plan> ();
  ideep::engine &engine = ideep::engine::cpu_engine ();
  ideep::tensor weight_plain = plain_weight (*this);
  ideep::dims dst_dims = output_dims (*this, src_dims);
  ideep::dims strides (stride.begin (), stride.end ());
  ideep::dims pads (padding.begin (), padding.end ());
  ideep::dims dilates;            /* oneDNN counts the gaps: 0 is dense */
  for (int64_t d : dilation)
    dilates.push_back (d - 1);

  /* "any": oneDNN picks the layouts its fastest kernel wants */
  dnnl::memory::desc src_any (src_dims, dt::f32, tag::any);
  dnnl::memory::desc dst_any (dst_dims, dt::f32, tag::any);
  dnnl::memory::desc weight_any (weight_plain.get_desc ().get_dims (), dt::f32,
      tag::any);
  dnnl::memory::desc bias_desc = bias.defined () ?
      dnnl::memory::desc ({weight.size (0)}, dt::f32, tag::x) :
      dnnl::memory::desc ();

  /* Scratch memory is passed with each run: oneDNN's own lives in the
   * thread that made the primitive, and the element runs it in another
   * (a GEMM kernel then fails with "could not execute a primitive"). */
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode (dnnl::scratchpad_mode::user);

  plan->src_dims = src_dims;
  plan->forward_pd = dnnl::convolution_forward::primitive_desc (
      {dnnl::prop_kind::forward_training,
        dnnl::algorithm::convolution_direct, src_any, weight_any, bias_desc,
        dst_any, strides, dilates, pads, pads}, attr, engine);
  plan->forward = dnnl::convolution_forward (plan->forward_pd);
  plan->forward_weight = weight_plain.reorder_if_differ_in (
      plan->forward_pd.weights_desc ());
  if (bias.defined ())
    plan->bias = ideep::tensor ({{weight.size (0)}, dt::f32, tag::x},
        bias.data_ptr ());

  plan->backward_pd = dnnl::convolution_backward_data::primitive_desc (
      {dnnl::algorithm::convolution_direct, src_any, weight_any, dst_any,
        strides, dilates, pads, pads}, attr, engine, plan->forward_pd);
  plan->backward = dnnl::convolution_backward_data (plan->backward_pd);
  plan->backward_weight = weight_plain.reorder_if_differ_in (
      plan->backward_pd.weights_desc ());

  if (plans.size () == MAX_PLANS)
    plans.erase (plans.begin ());
  plans.push_back (plan);
  return plan;
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

/* A view of @t for oneDNN: its own memory when blocked, else the plain
 * memory of its contiguous version (kept alive by @keep). */
ideep::tensor
as_ideep (const at::Tensor &t, at::Tensor &keep)
{
  if (t.is_mkldnn ())
    return at::native::itensor_from_mkldnn (t);
  keep = t.to (at::kFloat).contiguous ();
  return at::native::itensor_view_from_dense (keep);
}

at::Tensor
conv_forward (const at::Tensor &input, const c10::intrusive_ptr<ConvPack> &pack)
{
  TORCH_CHECK (input.dim () == 4 && input.device ().is_cpu (), "the oneDNN "
      "convolution takes a [N, C, H, W] CPU tensor");
  /* MKLDNN tensors are made below autograd, which OnednnConv is */
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  at::Tensor keep;
  ideep::tensor src = as_ideep (input, keep);
  std::shared_ptr<ConvPack::Plan> plan = pack->plan_for (
      src.get_desc ().get_dims ());
  ideep::tensor src_ready = src.reorder_if_differ_in (
      plan->forward_pd.src_desc ());
  ideep::tensor dst (plan->forward_pd.dst_desc ());
  ideep::tensor scratchpad (plan->forward_pd.scratchpad_desc ());

  std::unordered_map<int, dnnl::memory> args = {
    {DNNL_ARG_SRC, src_ready}, {DNNL_ARG_WEIGHTS, plan->forward_weight},
    {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, scratchpad}};
  if (pack->bias.defined ())
    args.insert ({DNNL_ARG_BIAS, plan->bias});
  plan->forward.execute (ideep::stream::default_stream (), args);
  return at::native::new_with_itensor_mkldnn (std::move (dst), at::kFloat,
      input.device ());
}

struct OnednnConv : public torch::autograd::Function<OnednnConv> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &input,
      const c10::intrusive_ptr<ConvPack> &pack)
  {
    /* the input gradient needs the shapes only, not the input */
    ctx->saved_data["pack"] = pack;
    ctx->saved_data["sizes"] = input.sizes ();
    ctx->saved_data["blocked"] = input.is_mkldnn ();
    return conv_forward (input, pack);
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    c10::intrusive_ptr<ConvPack> pack =
        ctx->saved_data["pack"].toCustomClass<ConvPack> ();
    std::vector<int64_t> sizes = ctx->saved_data["sizes"].toIntVector ();
    std::shared_ptr<ConvPack::Plan> plan = pack->plan_for (
        ideep::dims (sizes.begin (), sizes.end ()));
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    at::Tensor keep;
    ideep::tensor diff_dst = as_ideep (grads[0], keep).reorder_if_differ_in (
        plan->backward_pd.diff_dst_desc ());
    ideep::tensor diff_src (plan->backward_pd.diff_src_desc ());
    ideep::tensor scratchpad (plan->backward_pd.scratchpad_desc ());

    plan->backward.execute (ideep::stream::default_stream (), {
          {DNNL_ARG_DIFF_DST, diff_dst},
          {DNNL_ARG_WEIGHTS, plan->backward_weight},
          {DNNL_ARG_DIFF_SRC, diff_src}, {DNNL_ARG_SCRATCHPAD, scratchpad}});
    at::Tensor grad_input = at::native::new_with_itensor_mkldnn (
        std::move (diff_src), at::kFloat, grads[0].device ());
    /* autograd wants the gradient in the layout of the input */
    if (!ctx->saved_data["blocked"].toBool ())
      grad_input = grad_input.to_dense ();
    return {grad_input, at::Tensor ()};
  }
};

at::Tensor
onednn_conv_autograd (const at::Tensor &input,
    const c10::intrusive_ptr<ConvPack> &pack)
{
  return OnednnConv::apply (input, pack);
}

}  // namespace
#endif /* GBP_HAVE_IDEEP */

namespace {

const char *const ONEDNN_CONV = "guidedbp::onednn_conv";

/* The constant int list @value holds, of two entries, or empty. */
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
  if (pack->bias.defined ())
    pack->bias = pack->bias.contiguous ();
  return pack;
}

}  // namespace

bool
onednn_conv_available ()
{
#ifdef GBP_HAVE_IDEEP
  return at::hasMKLDNN ();
#else
  return false;
#endif
}

unsigned
rewrite_convs_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph)
{
  std::vector<torch::jit::Node *> nodes;
  unsigned rewritten = 0;

  if (!onednn_conv_available ())
    return 0;
  collect_nodes (graph->block (), nodes);
  for (torch::jit::Node *node : nodes) {
    c10::intrusive_ptr<ConvPack> pack = pack_of (node);
    if (!pack)
      continue;
    torch::jit::WithInsertPoint insert_point (node);
    torch::jit::Value *pack_value = graph->insertConstant (c10::IValue (pack));
    torch::jit::Value *replacement = graph->insert (
        c10::Symbol::fromQualString (ONEDNN_CONV), {node->input (0),
          pack_value});

    /* keep the module it belongs to, for find_layer_output() */
    if (node->callstack ())
      replacement->node ()->setCallStack (*node->callstack ());
    replacement->setType (node->output ()->type ());
    node->output ()->replaceAllUsesWith (replacement);
    node->destroy ();
    rewritten++;
  }
  if (rewritten > 0)
    insert_layout_conversions (graph);
  return rewritten;
}

}  // namespace guidedbp

TORCH_LIBRARY_FRAGMENT (guidedbp, m)
{
  m.class_<guidedbp::ConvPack> ("ConvPack");
  m.def ("onednn_conv(Tensor input, __torch__.torch.classes.guidedbp.ConvPack "
      "pack) -> Tensor");
}

#ifdef GBP_HAVE_IDEEP
TORCH_LIBRARY_IMPL (guidedbp, Autograd, m)
{
  m.impl ("onednn_conv", guidedbp::onednn_conv_autograd);
}

/* Used below autograd (inference tensors, no autograd key). */
TORCH_LIBRARY_IMPL (guidedbp, CompositeExplicitAutograd, m)
{
  m.impl ("onednn_conv", guidedbp::conv_forward);
}
#endif
