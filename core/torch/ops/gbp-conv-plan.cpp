/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A convolution's kernels for one input shape, forward and input
 * gradient, each with its weight packed once, and how they run.
 *
 * The candidates: every implementation oneDNN offers for the shape (a
 * primitive descriptor with "any" layouts, iterated with next_impl(): the
 * lower-ISA ones are valid too), oneDNN's Winograd where ties allow it,
 * and guidedbp's own kernels (Winograd F(2x2, 3x3) on 8-channel blocks,
 * the input gradient as GEMM + col2im). With tuning each is timed on the
 * shape with the layout conversions it brings (the input arriving in the
 * layout the layer before wrote, its gradient leaving in it) and the
 * fastest kept; the choice is remembered for the process
 * (gbp-kernel-choice.h). Without tuning: oneDNN's first choice, and
 * guidedbp's kernels by the rules measured on an AVX2 CPU.
 *
 * Only the input gradient is ever computed: the engine's weights are
 * frozen constants that never require grad.
 */
#include "gbp-conv-pack.h"

#ifdef GBP_HAVE_IDEEP
#include "gbp-conv-plan.h"
#include "gbp-gemm-gradient.h"
#include "gbp-winograd.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace guidedbp {
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using Kernel = ConvKernel;
using Step = ConvStep;
using Plan = ConvPlan;

const size_t MAX_PLANS = 4;
const char *const OUR_WINOGRAD = "guidedbp:winograd_2x3";
const char *const OUR_GEMM = "guidedbp:gemm_col2im";
/* With precision bf16, the name of a float32 candidate ends in this. */
const char *const FLOAT32_SUFFIX = " (f32)";

/* What oneDNN's descriptors of one convolution need. */
struct Shape {
  ideep::dims src, dst, weight, strides, dilates, pads;
  dnnl::memory::desc bias;
  dt type;                      /* of the inputs and weights */
};

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

Shape
shape_of (const ConvPack &pack, const ideep::dims &src_dims)
{
  Shape s;
  s.src = src_dims;
  s.dst = output_dims (pack, src_dims);
  s.weight = plain_weight (pack).get_desc ().get_dims ();
  s.strides.assign (pack.stride.begin (), pack.stride.end ());
  s.pads.assign (pack.padding.begin (), pack.padding.end ());
  for (int64_t d : pack.dilation)
    s.dilates.push_back (d - 1);        /* oneDNN counts the gaps */
  if (pack.bias.defined ())
    s.bias = dnnl::memory::desc ({pack.weight.size (0)}, dt::f32, tag::x);
  s.type = pack.policy.precision == Precision::BF16 ? dt::bf16 : dt::f32;
  return s;
}

/* Scratch memory is passed with each run: oneDNN's own lives in the
 * thread that made the primitive, and the element runs it in another (a
 * GEMM kernel then fails with "could not execute a primitive"). */
dnnl::primitive_attr
attributes (const PostOps *post_ops)
{
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode (dnnl::scratchpad_mode::user);
  if (post_ops != nullptr) {
    dnnl::post_ops fused;
    if (post_ops->residual)
      fused.append_sum (1.0f);
    if (post_ops->activation && std::isinf (post_ops->max_val))
      fused.append_eltwise (1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    else if (post_ops->activation)
      fused.append_eltwise (1.0f, dnnl::algorithm::eltwise_clip, 0.0f,
          (float) post_ops->max_val);
    attr.set_post_ops (fused);
  }
  return attr;
}

dnnl::convolution_forward::desc
forward_desc (const Shape &s, dnnl::prop_kind prop, dnnl::algorithm algorithm)
{
  return dnnl::convolution_forward::desc (prop, algorithm,
      {s.src, s.type, tag::any}, {s.weight, s.type, tag::any}, s.bias,
      {s.dst, dt::f32, tag::any}, s.strides, s.dilates, s.pads, s.pads);
}

/* oneDNN's reference kernels are slower by orders of magnitude. */
bool
is_reference (const std::string &name)
{
  return name.find ("ref") != std::string::npos;
}

/* Whether guidedbp's own kernels (float only) may run the shape. */
bool
own_kernels_apply (const Shape &s)
{
  return s.type == dt::f32;
}

/* @s with float32 inputs and weights. */
Shape
in_float32 (Shape s)
{
  s.type = dt::f32;
  return s;
}

WinogradGeometry
winograd_geometry (const Shape &s)
{
  return {s.src[1], s.dst[1], s.src[2], s.src[3]};
}

struct ForwardOption {
  std::string name;
  Kernel kernel;
  dnnl::convolution_forward::primitive_desc pd;
};

struct BackwardOption {
  std::string name;
  Kernel kernel;
  dnnl::convolution_backward_data::primitive_desc pd;
};

/* Appends each of oneDNN's implementations for @pd's descriptor but its
 * reference ones, named with @suffix. */
template <typename Option, typename PrimitiveDesc>
void
add_implementations (PrimitiveDesc &pd, const std::string &suffix,
    std::vector<Option> &options)
{
  do {
    std::string name = pd.impl_info_str ();
    if (!is_reference (name))
      options.push_back ({name + suffix, Kernel::ONEDNN, pd});
  } while (pd.next_impl ());
}

/* oneDNN's algorithms @pack may run: direct, and Winograd where allowed. */
std::vector<dnnl::algorithm>
algorithms_of (const ConvPack &pack)
{
  std::vector<dnnl::algorithm> algorithms = {
    dnnl::algorithm::convolution_direct};

  if (pack.winograd_allowed)
    algorithms.push_back (dnnl::algorithm::convolution_winograd);
  return algorithms;
}

/* The candidates in @s.type, their names ending in @suffix, to @options. */
void
add_forward_options (const ConvPack &pack, const Shape &s,
    const PostOps &post_ops, const std::string &suffix,
    std::vector<ForwardOption> &options)
{
  ideep::engine &engine = ideep::engine::cpu_engine ();

  for (dnnl::algorithm algorithm : algorithms_of (pack)) {
    try {
      /* inference: some kernels take post-ops only there, and a
       * convolution keeps nothing for its backward anyway */
      dnnl::convolution_forward::primitive_desc pd (forward_desc (s,
              dnnl::prop_kind::forward_inference, algorithm),
          attributes (&post_ops), engine);
      add_implementations (pd, suffix, options);
    } catch (const dnnl::error &) {
      /* no implementation of this algorithm for the shape */
    }
  }
  if (pack.winograd_allowed && own_kernels_apply (s))
    options.push_back ({OUR_WINOGRAD + suffix, Kernel::WINOGRAD, {}});
}

/* Why: bfloat16 kernels are not faster on every CPU that has them (on
 * AVX512_BF16 without AMX, ResNet18's guided pass took longer in bf16
 * than in float32: bench/README.md), so with precision bf16 the float32
 * kernels compete too, after the bf16 ones (the untuned choice stays
 * bf16), and tuning keeps whichever is faster, layer by layer. */
std::vector<ForwardOption>
forward_options (const ConvPack &pack, const Shape &s, const PostOps &post_ops)
{
  std::vector<ForwardOption> options;
  add_forward_options (pack, s, post_ops, "", options);
  if (s.type != dt::f32)
    add_forward_options (pack, in_float32 (s), post_ops, FLOAT32_SUFFIX,
        options);
  return options;
}

/* The candidates in @s.type, their names ending in @suffix, to @options. */
void
add_backward_options (const ConvPack &pack, const Shape &s,
    const std::string &suffix, std::vector<BackwardOption> &options)
{
  ideep::engine &engine = ideep::engine::cpu_engine ();

  for (dnnl::algorithm algorithm : algorithms_of (pack)) {
    try {
      dnnl::convolution_forward::primitive_desc hint (forward_desc (s,
              dnnl::prop_kind::forward_training, algorithm),
          attributes (nullptr), engine);
      dnnl::convolution_backward_data::primitive_desc pd (
          dnnl::convolution_backward_data::desc (algorithm,
              {s.src, dt::f32, tag::any}, {s.weight, s.type, tag::any},
              {s.dst, s.type, tag::any}, s.strides, s.dilates, s.pads,
              s.pads), attributes (nullptr), engine, hint);
      add_implementations (pd, suffix, options);
    } catch (const dnnl::error &) {
      /* no implementation of this algorithm for the shape */
    }
  }
  if (pack.winograd_allowed && own_kernels_apply (s))
    options.push_back ({OUR_WINOGRAD + suffix, Kernel::WINOGRAD, {}});
  if (pack.groups == 1 && own_kernels_apply (s))
    options.push_back ({OUR_GEMM + suffix, Kernel::GEMM, {}});
}

/* As forward_options(). */
std::vector<BackwardOption>
backward_options (const ConvPack &pack, const Shape &s)
{
  std::vector<BackwardOption> options;
  add_backward_options (pack, s, "", options);
  if (s.type != dt::f32)
    add_backward_options (pack, in_float32 (s), FLOAT32_SUFFIX, options);
  return options;
}

/* @pack's weight in @desc, counted. */
ideep::tensor
packed_weight (ConvPack &pack, const ideep::tensor::desc &desc)
{
  ideep::tensor plain = plain_weight (pack);
  if (plain.get_desc () == desc)
    return plain;
  pack.weight_reorders++;
  return plain.reorder_if_differ_in (desc);
}

ideep::tensor::desc
blocked_by_8 (const ideep::dims &dims)
{
  return ideep::tensor::desc (dims, dt::f32, tag::nChw8c);
}

/* The weights for guidedbp's Winograd, once. Under the lock. */
void
transform_for_winograd (ConvPack &pack)
{
  ConvPlans &p = *pack.plans;
  const float *w = pack.weight.data_ptr<float> ();
  const int64_t out_channels = pack.weight.size (0);

  if (!p.winograd_forward.empty ())
    return;
  p.winograd_forward = winograd_transform_weight (w, out_channels,
      pack.weight.size (1), WinogradDirection::FORWARD);
  p.winograd_backward = winograd_transform_weight (w, out_channels,
      pack.weight.size (1), WinogradDirection::INPUT_GRADIENT);
  pack.weight_reorders += 2;
  if (pack.bias.defined ()) {
    p.winograd_bias.assign (out_channels + WINOGRAD_CHANNEL_BLOCK, 0.0f);
    std::copy_n (pack.bias.data_ptr<float> (), out_channels,
        p.winograd_bias.begin ());
  }
}


/* Under the pack's lock. */
Step
make_forward (ConvPack &pack, const Shape &s, const ForwardOption &option)
{
  Step step;
  step.kernel = option.kernel;
  step.name = option.name;
  if (option.kernel == Kernel::WINOGRAD) {
    transform_for_winograd (pack);
    step.in_desc = blocked_by_8 (s.src);
    step.out_desc = blocked_by_8 (s.dst);
    return step;
  }
  step.primitive = dnnl::convolution_forward (option.pd);
  step.weight = packed_weight (pack, option.pd.weights_desc ());
  step.in_desc = option.pd.src_desc ();
  step.out_desc = option.pd.dst_desc ();
  step.scratchpad_desc = option.pd.scratchpad_desc ();
  return step;
}

/* Under the pack's lock. */
Step
make_backward (ConvPack &pack, const Shape &s, const BackwardOption &option)
{
  Step step;
  step.kernel = option.kernel;
  step.name = option.name;
  switch (option.kernel) {
    case Kernel::WINOGRAD:
      transform_for_winograd (pack);
      step.in_desc = blocked_by_8 (s.dst);
      step.out_desc = blocked_by_8 (s.src);
      return step;
    case Kernel::GEMM:
      step.in_desc = ideep::tensor::desc (s.dst, dt::f32, tag::nchw);
      step.out_desc = ideep::tensor::desc (s.src, dt::f32, tag::nchw);
      return step;
    case Kernel::ONEDNN:
      break;
  }
  step.primitive = dnnl::convolution_backward_data (option.pd);
  step.weight = packed_weight (pack, option.pd.weights_desc ());
  step.in_desc = option.pd.diff_dst_desc ();
  step.out_desc = option.pd.diff_src_desc ();
  step.scratchpad_desc = option.pd.scratchpad_desc ();
  return step;
}

/* A layout as text, for the keys of remembered choices. */
std::string
layout_key (const ideep::tensor::desc &desc)
{
  const dnnl_memory_desc_t &md = desc.data;
  std::ostringstream key;
  key << md.data_type << ':';
  for (int d = 0; d < md.ndims; d++)
    key << md.format_desc.blocking.strides[d] << ',';
  for (int b = 0; b < md.format_desc.blocking.inner_nblks; b++)
    key << 'b' << md.format_desc.blocking.inner_idxs[b] << 'x'
        << md.format_desc.blocking.inner_blks[b];
  return key.str ();
}

std::string
choice_key (const ConvPack &pack, const Shape &s, const PostOps &post_ops,
    const ideep::tensor::desc &src_desc, const ideep::tensor::desc *residual)
{
  std::ostringstream key;
  key << "conv " << choice_context () << " type " << (int) s.type << " src";
  for (int64_t d : s.src)
    key << ' ' << d;
  key << " weight";
  for (int64_t d : s.weight)
    key << ' ' << d;
  key << " stride " << s.strides[0] << ',' << s.strides[1] << " pad "
      << s.pads[0] << ',' << s.pads[1] << " dilate " << s.dilates[0] << ','
      << s.dilates[1] << " bias " << pack.bias.defined () << " post "
      << post_ops.residual << post_ops.activation << ',' << post_ops.max_val
      << " winograd " << pack.winograd_allowed << " in "
      << layout_key (src_desc);
  if (residual != nullptr)
    key << " residual " << layout_key (*residual);
  return key.str ();
}

/* A buffer of @desc, zeros (no denormals or NaN to slow a kernel down). */
ideep::tensor
zeros (const ideep::tensor::desc &desc)
{
  ideep::tensor t (desc);
  std::memset (t.get_data_handle (), 0, desc.get_size ());
  return t;
}

/* The option the untuned rules pick: oneDNN's first, or guidedbp's
 * Winograd where it was measured to pay off on an AVX2 CPU (oneDNN's own
 * kernel keeps both sides blocked by 8 there; AVX-512 ones block by 16). */
size_t
default_forward (const std::vector<ForwardOption> &options, const Shape &s)
{
  for (size_t i = 0; i < options.size (); i++)
    if (options[i].kernel == Kernel::WINOGRAD
        && options[0].kernel == Kernel::ONEDNN
        && options[0].pd.src_desc () == blocked_by_8 (s.src)
        && options[0].pd.dst_desc () == blocked_by_8 (s.dst)
        && winograd_pays_off (winograd_geometry (s)))
      return i;
  return 0;
}

/* Winograd both ways; else oneDNN's first, unless that is its
 * one-thread GEMM kernel: guidedbp's GEMM + col2im instead. */
size_t
default_backward (const std::vector<BackwardOption> &options,
    const Step &forward)
{
  auto find = [&] (const char *name) {
    for (size_t i = 0; i < options.size (); i++)
      if (options[i].name == name)
        return i;
    return options.size ();
  };
  if (forward.kernel == Kernel::WINOGRAD && find (OUR_WINOGRAD)
      < options.size ())
    return find (OUR_WINOGRAD);
  if (options[0].kernel == Kernel::ONEDNN
      && options[0].name.find ("gemm") != std::string::npos
      && find (OUR_GEMM) < options.size ())
    return find (OUR_GEMM);
  return 0;
}

template <typename Option>
size_t
find_option (const std::vector<Option> &options, const std::string &name)
{
  for (size_t i = 0; i < options.size (); i++)
    if (options[i].name == name)
      return i;
  return options.size ();
}


/* The memory of the weights @step reads. */
std::pair<const void *, size_t>
weights_of (const ConvPack &pack, const Step &step,
    WinogradDirection direction)
{
  switch (step.kernel) {
    case Kernel::WINOGRAD: {
      const std::vector<float> &w = direction == WinogradDirection::FORWARD ?
          pack.plans->winograd_forward : pack.plans->winograd_backward;
      return {w.data (), w.size () * sizeof (float)};
    }
    case Kernel::GEMM:
      return {pack.weight.data_ptr (), pack.weight.nbytes ()};
    case Kernel::ONEDNN:
      break;
  }
  return {step.weight.get_data_handle (), step.weight.get_desc ().get_size ()};
}

/* The fastest forward, timed from the layout the input comes in
 * (@src_desc) and, with a residual, the residual's. Under the lock. */
size_t
tune_forward (ConvPack &pack, const Shape &s, const Plan &plan,
    const std::vector<ForwardOption> &options,
    const ideep::tensor::desc &src_desc, const ideep::tensor *residual)
{
  std::vector<Candidate> candidates;

  for (const ForwardOption &option : options)
    candidates.push_back ({option.name, [&, option] {
      Plan trial = plan;
      trial.forward = make_forward (pack, s, option);
      auto in = std::make_shared<ideep::tensor> (zeros (src_desc));
      auto dst = std::make_shared<ideep::tensor> (zeros (
              trial.forward.out_desc));
      auto added = std::make_shared<ideep::tensor> (residual != nullptr ?
          zeros (residual->get_desc ()) : ideep::tensor ());
      return Trial {[&pack, trial, in, dst, added] {
        ideep::tensor ready = in->reorder_if_differ_in (
            trial.forward.in_desc);
        if (trial.post_ops.residual)
          added->reorder_to (*dst);
        run_conv_forward (pack, trial, ready, *dst);
      }, {weights_of (pack, trial.forward, WinogradDirection::FORWARD)}};
    }});
  return choose_fastest (candidates);
}

/* The fastest input gradient, timed from the layout the chosen forward
 * writes (the gradient comes in it) to the input's (@src_desc: it leaves
 * in it). Under the lock. */
size_t
tune_backward (ConvPack &pack, const Shape &s, const Plan &plan,
    const std::vector<BackwardOption> &options,
    const ideep::tensor::desc &src_desc)
{
  std::vector<Candidate> candidates;

  for (const BackwardOption &option : options)
    candidates.push_back ({option.name, [&, option] {
      Plan trial = plan;
      trial.backward = make_backward (pack, s, option);
      auto grad = std::make_shared<ideep::tensor> (zeros (
              trial.forward.out_desc));
      return Trial {[&pack, trial, grad, src_desc] {
        run_conv_backward (pack, trial, *grad).reorder_if_differ_in (
            src_desc);
      }, {weights_of (pack, trial.backward,
              WinogradDirection::INPUT_GRADIENT)}};
    }});
  return choose_fastest (candidates);
}

}  // namespace

std::shared_ptr<ConvPlan>
plan_conv (ConvPack &pack, const ideep::dims &src_dims,
    const PostOps &post_ops, const ideep::tensor *src,
    const ideep::tensor *residual)
{
  ConvPlans &kept = *pack.plans;
  std::lock_guard<std::mutex> locked (kept.lock);
  for (const std::shared_ptr<Plan> &plan : kept.plans)
    if (plan->src_dims == src_dims && plan->post_ops == post_ops)
      return plan;

  TORCH_CHECK (src_dims.size () == 4
      && src_dims[1] == pack.weight.size (1) * pack.groups,
      "a convolution expecting ", pack.weight.size (1) * pack.groups,
      " channels got "
      "an input of ", src_dims.size () == 4 ? src_dims[1] : 0, " channels");
  const Shape s = shape_of (pack, src_dims);
  const ideep::tensor::desc src_desc = src != nullptr ? src->get_desc () :
      ideep::tensor::desc (src_dims, dt::f32, tag::nchw);
  auto plan = std::make_shared<Plan> ();
  plan->src_dims = src_dims;
  plan->dst_dims = s.dst;
  plan->post_ops = post_ops;

  std::vector<ForwardOption> forwards = forward_options (pack, s, post_ops);
  std::vector<BackwardOption> backwards = backward_options (pack, s);
  TORCH_CHECK (!forwards.empty () && !backwards.empty (), "oneDNN has no "
      "kernel for a convolution of an input of ", src_dims[1], "x",
      src_dims[2], "x", src_dims[3]);
  if (!pack.policy.tune) {
    plan->forward = make_forward (pack, s,
        forwards[default_forward (forwards, s)]);
    plan->backward = make_backward (pack, s,
        backwards[default_backward (backwards, plan->forward)]);
  } else {
    const ideep::tensor::desc residual_desc = residual != nullptr ?
        residual->get_desc () : ideep::tensor::desc ();
    const std::string key = choice_key (pack, s, post_ops, src_desc,
        residual != nullptr ? &residual_desc : nullptr);
    std::string remembered;
    size_t forward = forwards.size (), backward = backwards.size ();
    if (recall_choice (key, remembered)) {
      size_t split = remembered.find ('\n');
      forward = find_option (forwards, remembered.substr (0, split));
      backward = find_option (backwards, remembered.substr (split + 1));
    }
    if (forward == forwards.size () || backward == backwards.size ()) {
      forward = tune_forward (pack, s, *plan, forwards, src_desc, residual);
      plan->forward = make_forward (pack, s, forwards[forward]);
      backward = tune_backward (pack, s, *plan, backwards, src_desc);
      remember_choice (key, forwards[forward].name + "\n"
          + backwards[backward].name);
    } else {
      plan->forward = make_forward (pack, s, forwards[forward]);
    }
    plan->backward = make_backward (pack, s, backwards[backward]);
  }

  if (kept.plans.size () == MAX_PLANS)
    kept.plans.erase (kept.plans.begin ());
  kept.plans.push_back (plan);
  return plan;
}

std::vector<std::string>
conv_forward_candidates (ConvPack &pack, const ideep::dims &src_dims,
    const PostOps &post_ops)
{
  std::vector<std::string> names;
  for (const ForwardOption &option : forward_options (pack,
          shape_of (pack, src_dims), post_ops))
    names.push_back (option.name);
  return names;
}

std::vector<std::string>
conv_backward_candidates (ConvPack &pack, const ideep::dims &src_dims)
{
  std::vector<std::string> names;
  for (const BackwardOption &option : backward_options (pack,
          shape_of (pack, src_dims)))
    names.push_back (option.name);
  return names;
}

std::shared_ptr<ConvPlan>
plan_conv_named (ConvPack &pack, const ideep::dims &src_dims,
    const PostOps &post_ops, const std::string &forward,
    const std::string &backward)
{
  std::lock_guard<std::mutex> locked (pack.plans->lock);
  const Shape s = shape_of (pack, src_dims);
  std::vector<ForwardOption> forwards = forward_options (pack, s, post_ops);
  std::vector<BackwardOption> backwards = backward_options (pack, s);
  size_t f = find_option (forwards, forward);
  size_t b = find_option (backwards, backward);
  if (f == forwards.size () || b == backwards.size ()) {
    std::string known;
    for (const ForwardOption &o : forwards)
      known += " [" + o.name + "]";
    known += " /";
    for (const BackwardOption &o : backwards)
      known += " [" + o.name + "]";
    TORCH_CHECK (false, "no kernel named ", forward, " or ", backward,
        " for this convolution; it has", known);
  }
  auto plan = std::make_shared<Plan> ();
  plan->src_dims = src_dims;
  plan->dst_dims = s.dst;
  plan->post_ops = post_ops;
  plan->forward = make_forward (pack, s, forwards[f]);
  plan->backward = make_backward (pack, s, backwards[b]);
  return plan;
}

namespace {

/* @pack's convolution in @direction of the blocked @src into the blocked
 * @dst (which holds the residual if @epilogue adds one), image by image,
 * by guidedbp's Winograd. */
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
      pack.plans->winograd_forward : pack.plans->winograd_backward;
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

/* The input gradient, in the plain layout, of @pack's convolution given
 * @grad (plain) at its output, by GEMM + col2im. */
void
run_gemm_gradient (const ConvPack &pack, const Plan &plan,
    const ideep::tensor &grad, ideep::tensor &diff_src)
{
  const ideep::dims &src = plan.src_dims, &dst = plan.dst_dims;
  ConvGeometry g = {src[1], src[2], src[3], dst[1], dst[2], dst[3],
    pack.weight.size (2), pack.weight.size (3),
    pack.stride[0], pack.stride[1], pack.padding[0], pack.padding[1],
    pack.dilation[0], pack.dilation[1]};
  at::Tensor scratch = at::empty (
      {(int64_t) conv_gemm_gradient_scratch_floats (g)}, at::kFloat);
  const float *d = static_cast<const float *> (grad.get_data_handle ());
  float *s = static_cast<float *> (diff_src.get_data_handle ());

  for (int64_t n = 0; n < src[0]; n++)
    conv_input_gradient_by_gemm (g, pack.weight.data_ptr<float> (),
        d + n * g.out_channels * g.out_height * g.out_width,
        scratch.data_ptr<float> (),
        s + n * g.in_channels * g.in_height * g.in_width);
}

}  // namespace

void
run_conv_forward (const ConvPack &pack, const Plan &plan,
    const ideep::tensor &src, ideep::tensor &dst)
{
  const Step &step = plan.forward;

  if (step.kernel == Kernel::WINOGRAD) {
    WinogradEpilogue epilogue;
    if (!pack.plans->winograd_bias.empty ())
      epilogue.bias = pack.plans->winograd_bias.data ();
    epilogue.post_ops = plan.post_ops;
    run_winograd (pack, WinogradDirection::FORWARD, src, epilogue, dst);
    return;
  }
  ideep::tensor scratchpad (step.scratchpad_desc);
  std::unordered_map<int, dnnl::memory> args = {
    {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, step.weight},
    {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, scratchpad}};
  if (pack.bias.defined ())
    args.insert ({DNNL_ARG_BIAS, ideep::tensor ({{pack.weight.size (0)},
              dt::f32, tag::x}, pack.bias.data_ptr ())});
  step.primitive.execute (ideep::stream::default_stream (), args);
}

ideep::tensor
run_conv_backward (const ConvPack &pack, const Plan &plan,
    const ideep::tensor &grad)
{
  const Step &step = plan.backward;
  ideep::tensor diff_dst = grad.reorder_if_differ_in (step.in_desc);
  ideep::tensor diff_src (step.out_desc);

  switch (step.kernel) {
    case Kernel::WINOGRAD:
      run_winograd (pack, WinogradDirection::INPUT_GRADIENT, diff_dst,
          WinogradEpilogue (), diff_src);
      break;
    case Kernel::GEMM:
      run_gemm_gradient (pack, plan, diff_dst, diff_src);
      break;
    case Kernel::ONEDNN: {
      ideep::tensor scratchpad (step.scratchpad_desc);
      step.primitive.execute (ideep::stream::default_stream (), {
            {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, step.weight},
            {DNNL_ARG_DIFF_SRC, diff_src},
            {DNNL_ARG_SCRATCHPAD, scratchpad}});
      break;
    }
  }
  return diff_src;
}


std::vector<std::string>
describe_conv_plans (ConvPack &pack, bool *winograd)
{
  std::vector<std::string> lines;
  std::lock_guard<std::mutex> locked (pack.plans->lock);

  *winograd = false;
  for (const std::shared_ptr<ConvPlan> &plan : pack.plans->plans) {
    const ideep::dims &in = plan->src_dims;
    *winograd = *winograd || plan->forward.name.find ("wino")
        != std::string::npos || plan->backward.name.find ("wino")
        != std::string::npos;
    lines.push_back ("conv " + std::to_string (in[1]) + "x"
        + std::to_string (in[2]) + "x" + std::to_string (in[3]) + " -> "
        + std::to_string (plan->dst_dims[1]) + " k"
        + std::to_string (pack.weight.size (2)) + "x"
        + std::to_string (pack.weight.size (3)) + " s"
        + std::to_string (pack.stride[0]) + " g"
        + std::to_string (pack.groups) + ": forward " + plan->forward.name
        + ", input gradient " + plan->backward.name);
  }
  return lines;
}

ConvPack::ConvPack () : plans (std::make_unique<ConvPlans> ())
{
}

}  // namespace guidedbp

#else

namespace guidedbp {

struct ConvPlans {
};

std::vector<std::string>
describe_conv_plans (ConvPack &, bool *winograd)
{
  *winograd = false;
  return {};
}

ConvPack::ConvPack ()
{
}

}  // namespace guidedbp

#endif /* GBP_HAVE_IDEEP */

namespace guidedbp {

/* here, where ConvPlans is complete */
ConvPack::~ConvPack () = default;

}  // namespace guidedbp
