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
#include "gbp-conv-gemm-gradient.h"
#include "gbp-guided-ops.h"
#include "gbp-mkldnn-bridge.h"
#include "gbp-winograd-conv.h"

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

/* One frozen convolution: its plain weight and geometry, and per input
 * shape the oneDNN primitives with the weight packed for each. */
struct ConvPack : torch::CustomClassHolder {
  at::Tensor weight;            /* [out, in / groups, kh, kw], contiguous */
  at::Tensor bias;              /* [out], or undefined */
  std::vector<int64_t> stride, padding, dilation;
  int64_t groups = 1;
  /* Winograd's F(2x2, 3x3) may compute it (gbp-winograd-conv.cpp): 3x3,
   * stride 1, padding 1, undilated, ungrouped, and no maximum (max
   * pooling) downstream of it (see keep_ties_exact()). */
  bool winograd_allowed = false;

#ifdef GBP_HAVE_IDEEP
  /* What the forward primitive adds after the convolution (fused from the
   * graph, see fuse_guided_activations()): a residual input summed in, and
   * the activation clamp(x, 0, max) (max infinite: ReLU). */
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

  struct Plan {
    ideep::dims src_dims;
    PostOps post_ops;
    dnnl::convolution_forward::primitive_desc forward_pd;
    dnnl::convolution_forward forward;
    ideep::tensor forward_weight, bias;
    dnnl::convolution_backward_data::primitive_desc backward_pd;
    dnnl::convolution_backward_data backward;
    ideep::tensor backward_weight;
    /* oneDNN's input gradient kernel is its one-thread GEMM one: ours
     * instead (gbp-conv-gemm-gradient.cpp) */
    bool gemm_backward = false;
    /* both directions by Winograd, in the 8-channel blocked layout,
     * instead of the primitives */
    bool winograd = false;
  };

  std::mutex lock;
  /* a model sees one input shape in practice; a few are kept */
  std::vector<std::shared_ptr<Plan>> plans;
  /* The weight transformed for Winograd in each direction, and the bias
   * padded to whole channel blocks: made with the first plan that uses
   * them. */
  std::vector<float> winograd_forward, winograd_backward, winograd_bias;

  std::shared_ptr<Plan> plan_for (const ideep::dims &src_dims,
      const PostOps &post_ops);
  void transform_for_winograd ();
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

/* Whether @pack's convolution of an input of @src_dims runs by Winograd:
 * where the geometry allows it, where oneDNN's own kernel would keep both
 * sides blocked by 8 channels (the CPUs, AVX2 and older, where it was
 * measured: on AVX-512 ones oneDNN blocks by 16 and has its own Winograd
 * kernels), and where it pays off. */
bool
use_winograd (const ConvPack &pack,
    const dnnl::convolution_forward::primitive_desc &forward_pd,
    const ideep::dims &src_dims, const ideep::dims &dst_dims)
{
  auto blocked_by_8 = [] (const ideep::dims &dims) {
    return dnnl::memory::desc (dims, dt::f32, tag::nChw8c);
  };
  return pack.winograd_allowed
      && forward_pd.src_desc () == blocked_by_8 (src_dims)
      && forward_pd.dst_desc () == blocked_by_8 (dst_dims)
      && winograd_pays_off ({src_dims[1], dst_dims[1], src_dims[2],
            src_dims[3]});
}

}  // namespace

/* Under the lock. */
void
ConvPack::transform_for_winograd ()
{
  const float *w = weight.data_ptr<float> ();
  const int64_t out_channels = weight.size (0);

  winograd_forward = winograd_transform_weight (w, out_channels,
      weight.size (1), WinogradDirection::FORWARD);
  winograd_backward = winograd_transform_weight (w, out_channels,
      weight.size (1), WinogradDirection::INPUT_GRADIENT);
  if (bias.defined ()) {
    winograd_bias.assign (out_channels + WINOGRAD_CHANNEL_BLOCK, 0.0f);
    std::copy_n (bias.data_ptr<float> (), out_channels,
        winograd_bias.begin ());
  }
}

std::shared_ptr<ConvPack::Plan>
ConvPack::plan_for (const ideep::dims &src_dims, const PostOps &post_ops)
{
  std::lock_guard<std::mutex> locked (lock);
  for (const std::shared_ptr<Plan> &plan : plans)
    if (plan->src_dims == src_dims && plan->post_ops == post_ops)
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
  dnnl::primitive_attr forward_attr;   /* not a copy: copies share state */
  forward_attr.set_scratchpad_mode (dnnl::scratchpad_mode::user);
  dnnl::post_ops fused;
  if (post_ops.residual)
    fused.append_sum (1.0f);
  if (post_ops.activation && std::isinf (post_ops.max_val))
    fused.append_eltwise (1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  else if (post_ops.activation)
    fused.append_eltwise (1.0f, dnnl::algorithm::eltwise_clip, 0.0f,
        (float) post_ops.max_val);
  forward_attr.set_post_ops (fused);

  plan->src_dims = src_dims;
  plan->post_ops = post_ops;
  /* inference: some kernels take post-ops only there, and a convolution
   * keeps nothing for its backward anyway */
  plan->forward_pd = dnnl::convolution_forward::primitive_desc (
      {dnnl::prop_kind::forward_inference,
        dnnl::algorithm::convolution_direct, src_any, weight_any, bias_desc,
        dst_any, strides, dilates, pads, pads}, forward_attr, engine);
  plan->winograd = use_winograd (*this, plan->forward_pd, src_dims,
      dst_dims);
  if (plan->winograd && winograd_forward.empty ())
    transform_for_winograd ();

  if (!plan->winograd) {
    plan->forward = dnnl::convolution_forward (plan->forward_pd);
    plan->forward_weight = weight_plain.reorder_if_differ_in (
        plan->forward_pd.weights_desc ());
    if (bias.defined ())
      plan->bias = ideep::tensor ({{weight.size (0)}, dt::f32, tag::x},
          bias.data_ptr ());

    dnnl::convolution_forward::primitive_desc backward_hint (
        {dnnl::prop_kind::forward_training,
          dnnl::algorithm::convolution_direct, src_any, weight_any,
          bias_desc, dst_any, strides, dilates, pads, pads}, attr, engine);
    plan->backward_pd = dnnl::convolution_backward_data::primitive_desc (
        {dnnl::algorithm::convolution_direct, src_any, weight_any, dst_any,
          strides, dilates, pads, pads}, attr, engine, backward_hint);
    plan->gemm_backward = groups == 1 && std::string (
        plan->backward_pd.impl_info_str ()).find ("gemm") != std::string::npos;
    if (!plan->gemm_backward) {
      plan->backward = dnnl::convolution_backward_data (plan->backward_pd);
      plan->backward_weight = weight_plain.reorder_if_differ_in (
          plan->backward_pd.weights_desc ());
    }
  }

  if (plans.size () == MAX_PLANS)
    plans.erase (plans.begin ());
  plans.push_back (plan);
  return plan;
}

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

/* @pack's convolution in @direction of the blocked @src into the blocked
 * @dst (which holds the residual if @epilogue adds one), image by image,
 * by Winograd. */
void
run_winograd (const ConvPack &pack, WinogradDirection direction,
    const ideep::tensor &src, const WinogradEpilogue &epilogue,
    ideep::tensor &dst)
{
  const ideep::dims src_dims = src.get_desc ().get_dims ();
  const ideep::dims dst_dims = dst.get_desc ().get_dims ();
  const WinogradGeometry g = {src_dims[1], dst_dims[1], src_dims[2],
    src_dims[3]};
  const std::vector<float> &weight = direction == WinogradDirection::FORWARD ?
      pack.winograd_forward : pack.winograd_backward;
  const int64_t images = src_dims[0];
  const size_t src_image = src.get_desc ().get_size () / sizeof (float)
      / images;
  const size_t dst_image = dst.get_desc ().get_size () / sizeof (float)
      / images;
  const float *in = static_cast<const float *> (src.get_data_handle ());
  float *out = static_cast<float *> (dst.get_data_handle ());
  at::Tensor scratch = at::empty ({(int64_t) winograd_scratch_floats (g)},
      at::kFloat);

  for (int64_t n = 0; n < images; n++)
    winograd_conv (g, in + n * src_image, weight.data (), epilogue,
        scratch.data_ptr<float> (), out + n * dst_image);
}

/* The convolution of @input, plus @residual, then clamped to [0, max_val]
 * when one is given, in one oneDNN primitive. */
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
  std::shared_ptr<ConvPack::Plan> plan = pack->plan_for (
      src.get_desc ().get_dims (), post_ops);
  ideep::tensor src_ready = src.reorder_if_differ_in (
      plan->forward_pd.src_desc ());
  ideep::tensor dst (plan->forward_pd.dst_desc ());

  if (post_ops.residual) {
    ideep::tensor added = as_ideep (*residual, keep_residual);
    TORCH_CHECK (added.get_desc ().get_dims () == dst.get_desc ().get_dims (),
        "a residual add of tensors of different shapes");
    /* the sum post-op adds the convolution to what dst holds */
    added.reorder_to (dst);
  }
  if (plan->winograd) {
    WinogradEpilogue epilogue;
    if (!pack->winograd_bias.empty ())
      epilogue.bias = pack->winograd_bias.data ();
    epilogue.accumulate = post_ops.residual;
    epilogue.clamp = post_ops.activation;
    epilogue.clamp_max = (float) post_ops.max_val;
    run_winograd (*pack, WinogradDirection::FORWARD, src_ready, epilogue,
        dst);
  } else {
    ideep::tensor scratchpad (plan->forward_pd.scratchpad_desc ());
    std::unordered_map<int, dnnl::memory> args = {
      {DNNL_ARG_SRC, src_ready}, {DNNL_ARG_WEIGHTS, plan->forward_weight},
      {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, scratchpad}};
    if (pack->bias.defined ())
      args.insert ({DNNL_ARG_BIAS, plan->bias});
    plan->forward.execute (ideep::stream::default_stream (), args);
  }
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

/* The input gradient, in the plain layout, of @pack's convolution of an
 * input of @src_dims, given @grad at its output. */
ideep::tensor
input_gradient_by_gemm (const ConvPack &pack, const ideep::dims &src_dims,
    const ideep::tensor &grad)
{
  ideep::dims dst_dims = output_dims (pack, src_dims);
  ConvGeometry g = {src_dims[1], src_dims[2], src_dims[3],
    dst_dims[1], dst_dims[2], dst_dims[3],
    pack.weight.size (2), pack.weight.size (3),
    pack.stride[0], pack.stride[1], pack.padding[0], pack.padding[1],
    pack.dilation[0], pack.dilation[1]};
  ideep::tensor diff_dst = grad.reorder_if_differ_in (
      ideep::tensor::desc (dst_dims, dt::f32, tag::nchw));
  ideep::tensor diff_src (ideep::tensor::desc (src_dims, dt::f32, tag::nchw));
  at::Tensor scratch = at::empty (
      {(int64_t) conv_gemm_gradient_scratch_floats (g)}, at::kFloat);
  const float *dst = static_cast<const float *> (diff_dst.get_data_handle ());
  float *src = static_cast<float *> (diff_src.get_data_handle ());

  for (int64_t n = 0; n < src_dims[0]; n++)
    conv_input_gradient_by_gemm (g, pack.weight.data_ptr<float> (),
        dst + n * g.out_channels * g.out_height * g.out_width,
        scratch.data_ptr<float> (),
        src + n * g.in_channels * g.in_height * g.in_width);
  return diff_src;
}

/* The input gradient of the convolution planned for @sizes. */
ideep::tensor
conv_input_gradient (const c10::intrusive_ptr<ConvPack> &pack,
    const std::vector<int64_t> &sizes, const ConvPack::PostOps &post_ops,
    const ideep::tensor &grad)
{
  std::shared_ptr<ConvPack::Plan> plan = pack->plan_for (
      ideep::dims (sizes.begin (), sizes.end ()), post_ops);
  if (plan->gemm_backward)
    return input_gradient_by_gemm (*pack, plan->src_dims, grad);
  if (plan->winograd) {
    ideep::tensor diff_dst = grad.reorder_if_differ_in (
        plan->forward_pd.dst_desc ());
    ideep::tensor diff_src (plan->forward_pd.src_desc ());
    run_winograd (*pack, WinogradDirection::INPUT_GRADIENT, diff_dst,
        WinogradEpilogue (), diff_src);
    return diff_src;
  }
  ideep::tensor diff_dst = grad.reorder_if_differ_in (
      plan->backward_pd.diff_dst_desc ());
  ideep::tensor diff_src (plan->backward_pd.diff_src_desc ());
  ideep::tensor scratchpad (plan->backward_pd.scratchpad_desc ());

  plan->backward.execute (ideep::stream::default_stream (), {
        {DNNL_ARG_DIFF_DST, diff_dst},
        {DNNL_ARG_WEIGHTS, plan->backward_weight},
        {DNNL_ARG_DIFF_SRC, diff_src}, {DNNL_ARG_SCRATCHPAD, scratchpad}});
  return diff_src;
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
rewrite_convs_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph)
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
    insert_layout_conversions (graph);
  }
  return {rewritten, fused};
}

unsigned
count_winograd_convs (
    [[maybe_unused]] const std::shared_ptr<torch::jit::Graph> &graph)
{
  unsigned count = 0;

#ifdef GBP_HAVE_IDEEP
  for (torch::jit::Node *conv : onednn_convs_of (graph)) {
    c10::intrusive_ptr<ConvPack> pack = pack_in (conv);
    std::lock_guard<std::mutex> locked (pack->lock);
    for (const std::shared_ptr<ConvPack::Plan> &plan : pack->plans)
      if (plan->winograd) {
        count++;
        break;
      }
  }
#endif
  return count;
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
