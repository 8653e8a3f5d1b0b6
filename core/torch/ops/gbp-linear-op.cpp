/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Linear layers through oneDNN inner products with packed weights,
 * forward and input gradient.
 *
 * Why: libtorch sends a batch-1 linear layer (aten::addmm forward, aten::mm
 * backward) to the system BLAS, which on Debian is the single-threaded
 * reference BLAS unless the user selects another; its own oneDNN inner
 * product (at::mkldnn_linear) reorders the plain weight on every call
 * where the kernel wants another layout: on AVX-512 CPUs oneDNN's brgemm
 * inner product wants AB16b64a, and AlexNet's fc6 alone took 66 ms a frame
 * to reorder. Here each layer's weight is packed once per batch size and
 * direction, into the layout the chosen kernel wants, and the kernels are
 * chosen like the convolutions' (gbp-kernel-choice.h). Once both
 * directions are packed and neither reads the plain weight, the plain copy
 * is released: AlexNet's three layers hold 224 MiB. The graph pass that
 * puts the op in place is passes/gbp-linear-pass.cpp.
 *
 * Only the input gradient is ever computed: the engine's weights are
 * frozen constants that never require grad.
 */
#include "gbp-linear-pack.h"

#include <atomic>
#include <mutex>
#include <vector>

#include <ATen/ATen.h>
#include <torch/custom_class.h>
#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

#ifdef GBP_HAVE_IDEEP
#include "gbp-mkldnn-bridge.h"
#endif

namespace guidedbp {

#ifdef GBP_HAVE_IDEEP
struct LinearStep {
  std::string name;
  dnnl::primitive primitive;
  ideep::tensor weight;         /* packed for the primitive */
  ideep::tensor::desc in_desc, out_desc, scratchpad_desc;
  /* the pack's plain weight, when @weight is a view of it: a later plan
   * may release the pack's reference (plan_linear) */
  at::Tensor plain_owner;
};

struct LinearPlan {
  int64_t batch;
  LinearStep forward, backward;
};

struct LinearPlans {
  std::mutex lock;
  std::vector<std::shared_ptr<LinearPlan>> plans;
  /* a packed copy to make other layouts from once the weight is
   * released */
  ideep::tensor source;
};
#else
struct LinearPlans {
};
#endif

LinearPack::LinearPack () : plans (std::make_unique<LinearPlans> ())
{
}

/* here, where LinearPlans is complete */
LinearPack::~LinearPack () = default;

#ifdef GBP_HAVE_IDEEP
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using Step = LinearStep;
using Plan = LinearPlan;

const size_t MAX_PLANS = 4;

dt
type_of (const LinearPack &pack)
{
  return pack.policy.precision == Precision::BF16 ? dt::bf16 : dt::f32;
}

dnnl::primitive_attr
user_scratchpad ()
{
  dnnl::primitive_attr attr;
  /* oneDNN's own scratchpad lives in the thread that made the primitive;
   * the element runs it in another */
  attr.set_scratchpad_mode (dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::inner_product_forward::desc
forward_desc (const LinearPack &pack, int64_t batch, dnnl::prop_kind prop)
{
  dnnl::memory::desc bias = pack.bias.defined () ?
      dnnl::memory::desc ({pack.out_features}, dt::f32, tag::x) :
      dnnl::memory::desc ();
  return dnnl::inner_product_forward::desc (prop,
      {{batch, pack.in_features}, type_of (pack), tag::any},
      {{pack.out_features, pack.in_features}, type_of (pack), tag::any},
      bias, {{batch, pack.out_features}, dt::f32, tag::any});
}

template <typename PrimitiveDesc>
std::vector<PrimitiveDesc>
implementations (PrimitiveDesc pd)
{
  std::vector<PrimitiveDesc> all;
  do {
    /* oneDNN's reference kernels are slower by orders of magnitude */
    if (std::string (pd.impl_info_str ()).find ("ref") == std::string::npos)
      all.push_back (pd);
  } while (pd.next_impl ());
  return all;
}

std::vector<dnnl::inner_product_forward::primitive_desc>
forward_options (const LinearPack &pack, int64_t batch)
{
  return implementations (dnnl::inner_product_forward::primitive_desc (
          forward_desc (pack, batch, dnnl::prop_kind::forward_inference),
          user_scratchpad (), ideep::engine::cpu_engine ()));
}

std::vector<dnnl::inner_product_backward_data::primitive_desc>
backward_options (const LinearPack &pack, int64_t batch)
{
  ideep::engine &engine = ideep::engine::cpu_engine ();
  dnnl::inner_product_forward::primitive_desc hint (forward_desc (pack, batch,
          dnnl::prop_kind::forward_training), user_scratchpad (), engine);
  return implementations (dnnl::inner_product_backward_data::primitive_desc (
          dnnl::inner_product_backward_data::desc (
              {{batch, pack.in_features}, dt::f32, tag::any},
              {{pack.out_features, pack.in_features}, type_of (pack), tag::any},
              {{batch, pack.out_features}, type_of (pack), tag::any}),
          user_scratchpad (), engine, hint));
}

ideep::tensor::desc
plain_desc (int64_t rows, int64_t cols)
{
  return ideep::tensor::desc ({rows, cols}, dt::f32, tag::ab);
}

/* @in (plain float) through @step into the plain float @out. */
void
run_step (const Step &step, const at::Tensor &bias, const ideep::tensor &in,
    ideep::tensor &out, bool forward)
{
  ideep::tensor ready = in.reorder_if_differ_in (step.in_desc);
  ideep::tensor result = out.get_desc () == step.out_desc ? out :
      ideep::tensor (step.out_desc);
  ideep::tensor scratchpad (step.scratchpad_desc);
  std::unordered_map<int, dnnl::memory> args = {
    {forward ? DNNL_ARG_SRC : DNNL_ARG_DIFF_DST, ready},
    {DNNL_ARG_WEIGHTS, step.weight},
    {forward ? DNNL_ARG_DST : DNNL_ARG_DIFF_SRC, result},
    {DNNL_ARG_SCRATCHPAD, scratchpad}};
  if (forward && bias.defined ())
    args.insert ({DNNL_ARG_BIAS, ideep::tensor ({{bias.size (0)}, dt::f32,
              tag::x}, bias.data_ptr ())});
  step.primitive.execute (ideep::stream::default_stream (), args);
  if (result.get_data_handle () != out.get_data_handle ())
    result.reorder_to (out);
}

ideep::tensor
zeros (const ideep::tensor::desc &desc)
{
  ideep::tensor t (desc);
  std::memset (t.get_data_handle (), 0, desc.get_size ());
  return t;
}

/* The fastest of @options for @make's steps, from plain float @rows x
 * @cols to plain float. */
template <typename PrimitiveDesc, typename Make>
size_t
tune (const std::vector<PrimitiveDesc> &options, Make make,
    const at::Tensor &bias, int64_t rows, int64_t in_cols, int64_t out_cols,
    bool forward)
{
  std::vector<Candidate> candidates;
  for (const PrimitiveDesc &pd : options)
    candidates.push_back ({pd.impl_info_str (), [&, pd] {
      auto step = std::make_shared<Step> (make (pd));
      auto in = std::make_shared<ideep::tensor> (zeros (plain_desc (rows,
                  in_cols)));
      auto out = std::make_shared<ideep::tensor> (plain_desc (rows,
              out_cols));
      return Trial {[step, in, out, &bias, forward] {
        run_step (*step, bias, *in, *out, forward);
      }, {{step->weight.get_data_handle (),
            step->weight.get_desc ().get_size ()}}};
    }});
  return choose_fastest (candidates);
}

template <typename PrimitiveDesc>
size_t
find_option (const std::vector<PrimitiveDesc> &options,
    const std::string &name)
{
  for (size_t i = 0; i < options.size (); i++)
    if (options[i].impl_info_str () == name)
      return i;
  return options.size ();
}

/* @pack's weight in @desc for @step, counted. Under the lock. */
void
pack_weight (LinearPack &pack, const ideep::tensor::desc &desc, Step &step)
{
  ideep::tensor from = pack.weight.defined () ? ideep::tensor (
      plain_desc (pack.out_features, pack.in_features),
      pack.weight.data_ptr ()) : pack.plans->source;
  if (from.get_desc () == desc) {
    step.weight = from;
    if (pack.weight.defined ())
      step.plain_owner = pack.weight;
    return;
  }
  pack.weight_reorders++;
  step.weight = from.reorder_if_differ_in (desc);
}

Step
make_step (LinearPack &pack,
    const dnnl::inner_product_forward::primitive_desc &pd)
{
  Step step {pd.impl_info_str (), dnnl::inner_product_forward (pd), {},
      pd.src_desc (), pd.dst_desc (), pd.scratchpad_desc (), {}};
  pack_weight (pack, pd.weights_desc (), step);
  return step;
}

Step
make_step (LinearPack &pack,
    const dnnl::inner_product_backward_data::primitive_desc &pd)
{
  Step step {pd.impl_info_str (), dnnl::inner_product_backward_data (pd), {},
      pd.diff_dst_desc (), pd.diff_src_desc (), pd.scratchpad_desc (), {}};
  pack_weight (pack, pd.weights_desc (), step);
  return step;
}

/* Keeps @plan, the newest, among @pack's plans. Under the lock. */
std::shared_ptr<Plan>
keep_plan (LinearPack &pack, std::shared_ptr<Plan> plan)
{
  LinearPlans &kept = *pack.plans;
  const ideep::tensor::desc plain = plain_desc (pack.out_features,
      pack.in_features);

  /* the pack's plain copy is needed no more unless this plan's kernels
   * read it: older plans that read it hold it (plain_owner) */
  if (pack.weight.defined () && plan->forward.weight.get_desc () != plain
      && plan->backward.weight.get_desc () != plain) {
    kept.source = plan->forward.weight;
    pack.weight = at::Tensor ();
  }
  if (kept.plans.size () == MAX_PLANS)
    kept.plans.erase (kept.plans.begin ());
  kept.plans.push_back (plan);
  return plan;
}

/* The plan for a batch of @batch: the one made before, or a new one.
 * Thread-safe. */
std::shared_ptr<LinearPlan>
plan_linear (LinearPack &pack, int64_t batch)
{
  LinearPlans &kept = *pack.plans;
  std::lock_guard<std::mutex> locked (kept.lock);
  for (const std::shared_ptr<Plan> &plan : kept.plans)
    if (plan->batch == batch)
      return plan;

  auto forwards = forward_options (pack, batch);
  auto backwards = backward_options (pack, batch);
  TORCH_CHECK (!forwards.empty () && !backwards.empty (), "oneDNN has no "
      "inner product kernel for ", pack.in_features, " -> ",
      pack.out_features);
  auto make = [&] (const auto &pd) {
    return make_step (pack, pd);
  };
  size_t forward = 0, backward = 0;

  if (pack.policy.tune) {
    const std::string key = "linear " + choice_context () + " type "
        + std::to_string ((int) type_of (pack)) + " " + std::to_string (batch)
        + "x" + std::to_string (pack.in_features) + " -> "
        + std::to_string (pack.out_features) + " bias "
        + std::to_string (pack.bias.defined ());
    std::string remembered;
    size_t split;
    if (recall_choice (key, remembered)
        && (split = remembered.find ('\n')) != std::string::npos
        && find_option (forwards, remembered.substr (0, split))
        < forwards.size () && find_option (backwards, remembered.substr (
                split + 1)) < backwards.size ()) {
      forward = find_option (forwards, remembered.substr (0, split));
      backward = find_option (backwards, remembered.substr (split + 1));
    } else {
      forward = tune (forwards, make, pack.bias, batch,
          pack.in_features, pack.out_features, true);
      backward = tune (backwards, make, pack.bias, batch,
          pack.out_features, pack.in_features, false);
      remember_choice (key, std::string (forwards[forward].impl_info_str ())
          + "\n" + backwards[backward].impl_info_str ());
    }
  }
  return keep_plan (pack, std::make_shared<Plan> (Plan {batch,
            make_step (pack, forwards[forward]),
            make_step (pack, backwards[backward])}));
}

/* The plain float weight: a shape the oneDNN kernels do not take (a 3-D
 * input) brings it back from a packed copy, for good. */
at::Tensor
plain_weight (LinearPack &pack)
{
  std::lock_guard<std::mutex> locked (pack.plans->lock);
  if (!pack.weight.defined ()) {
    pack.weight = at::empty ({pack.out_features, pack.in_features},
        at::kFloat);
    ideep::tensor plain (plain_desc (pack.out_features, pack.in_features),
        pack.weight.data_ptr ());
    pack.plans->source.reorder_to (plain);
    pack.weight_reorders++;
  }
  return pack.weight;
}

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

/* The oneDNN kernels take a 2-D float input on the CPU; anything else (a
 * [N, T, features] input, doubles) goes to libtorch. */
bool
onednn_applies (const at::Tensor &input)
{
  return input.device ().is_cpu () && input.scalar_type () == at::kFloat
      && input.dim () == 2 && input.layout () == at::kStrided;
}

at::Tensor
linear_forward (const at::Tensor &input,
    const c10::intrusive_ptr<LinearPack> &pack)
{
  if (!onednn_applies (input))
    return at::linear (input, plain_weight (*pack), pack->bias);
  TORCH_CHECK (input.size (1) == pack->in_features, "a linear layer of ",
      pack->in_features, " input features got an input of ", input.size (1),
      " features");
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  at::Tensor in = input.contiguous ();
  std::shared_ptr<Plan> plan = plan_linear (*pack, in.size (0));
  at::Tensor out = at::empty ({in.size (0), pack->out_features}, at::kFloat);
  ideep::tensor out_view (plain_desc (in.size (0), pack->out_features),
      out.data_ptr ());
  run_step (plan->forward, pack->bias, ideep::tensor (plain_desc (in.size (0),
              pack->in_features), in.data_ptr ()), out_view, true);
  return out;
}

struct OnednnLinear : public torch::autograd::Function<OnednnLinear> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &input,
      const c10::intrusive_ptr<LinearPack> &pack)
  {
    ctx->saved_data["pack"] = pack;
    ctx->saved_data["onednn"] = onednn_applies (input);
    ctx->saved_data["batch"] = input.dim () == 2 ? input.size (0) : 0;
    return linear_forward (input, pack);
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    c10::intrusive_ptr<LinearPack> pack =
        ctx->saved_data["pack"].toCustomClass<LinearPack> ();
    if (!ctx->saved_data["onednn"].toBool ())
      return {grads[0].matmul (plain_weight (*pack)), at::Tensor ()};
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    int64_t batch = ctx->saved_data["batch"].toInt ();
    std::shared_ptr<Plan> plan = plan_linear (*pack, batch);
    at::Tensor grad = grads[0].contiguous ().to (at::kFloat);
    at::Tensor grad_input = at::empty ({batch, pack->in_features},
        at::kFloat);
    ideep::tensor out_view (plain_desc (batch, pack->in_features),
        grad_input.data_ptr ());
    run_step (plan->backward, at::Tensor (), ideep::tensor (plain_desc (batch,
                pack->out_features), grad.data_ptr ()), out_view, false);
    return {grad_input, at::Tensor ()};
  }
};

at::Tensor
onednn_linear_autograd (const at::Tensor &input,
    const c10::intrusive_ptr<LinearPack> &pack)
{
  return OnednnLinear::apply (input, pack);
}

}  // namespace
#endif /* GBP_HAVE_IDEEP */

std::vector<std::string>
linear_candidates (LinearPack &pack, int64_t batch, bool forward)
{
  std::vector<std::string> names;
#ifdef GBP_HAVE_IDEEP
  if (forward)
    for (const auto &pd : forward_options (pack, batch))
      names.push_back (pd.impl_info_str ());
  else
    for (const auto &pd : backward_options (pack, batch))
      names.push_back (pd.impl_info_str ());
#else
  (void) pack;
  (void) batch;
  (void) forward;
#endif
  return names;
}

void
plan_linear_named (LinearPack &pack, int64_t batch,
    const std::string &forward, const std::string &backward)
{
#ifdef GBP_HAVE_IDEEP
  std::lock_guard<std::mutex> locked (pack.plans->lock);
  auto forwards = forward_options (pack, batch);
  auto backwards = backward_options (pack, batch);
  size_t f = find_option (forwards, forward);
  size_t b = find_option (backwards, backward);
  TORCH_CHECK (f < forwards.size () && b < backwards.size (),
      "no linear kernel named ", forward, " or ", backward, " for batch ",
      batch);
  for (auto it = pack.plans->plans.begin (); it != pack.plans->plans.end ();
      ++it)
    if ((*it)->batch == batch) {
      pack.plans->plans.erase (it);
      break;
    }
  keep_plan (pack, std::make_shared<Plan> (Plan {batch,
            make_step (pack, forwards[f]), make_step (pack, backwards[b])}));
#else
  (void) pack;
  (void) batch;
  (void) forward;
  (void) backward;
  TORCH_CHECK (false, "this build has no oneDNN linear kernels");
#endif
}

std::vector<std::string>
describe_linear_plans (LinearPack &pack)
{
  std::vector<std::string> lines;
#ifdef GBP_HAVE_IDEEP
  std::lock_guard<std::mutex> locked (pack.plans->lock);
  for (const std::shared_ptr<LinearPlan> &plan : pack.plans->plans)
    lines.push_back ("linear " + std::to_string (plan->batch) + "x"
        + std::to_string (pack.in_features) + " -> "
        + std::to_string (pack.out_features) + ": forward "
        + plan->forward.name + ", input gradient " + plan->backward.name);
#else
  (void) pack;
#endif
  return lines;
}

}  // namespace guidedbp

#ifdef GBP_HAVE_IDEEP
TORCH_LIBRARY_IMPL (guidedbp, Autograd, m)
{
  m.impl ("onednn_linear", guidedbp::onednn_linear_autograd);
}

/* Used below autograd (inference tensors, no autograd key). */
TORCH_LIBRARY_IMPL (guidedbp, CompositeExplicitAutograd, m)
{
  m.impl ("onednn_linear", guidedbp::linear_forward);
}
#endif
