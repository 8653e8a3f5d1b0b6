/* guidedbp tests — every convolution kernel a plan can choose, forward and
 * input gradient, against aten's convolution
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which kernel runs a layer is chosen by timing on the CPU at hand
 * (gbp-conv-plan.cpp), so each candidate must be right, not only the one
 * this host picks: oneDNN's implementations for every ISA tier the host
 * runs (the test runs once per ONEDNN_MAX_CPU_ISA cap, see meson.build),
 * oneDNN's Winograd, and guidedbp's Winograd F(2x2, 3x3) and GEMM +
 * col2im. Odd sizes, channel counts that are not multiples of 8 or 16,
 * strides, dilation, groups, the fused post-ops, NaN and infinity, one and
 * two threads; float32, and bfloat16 where the CPU computes it natively.
 */
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "gbp-conv-plan.h"
#include "gbp-cpu-isa.h"
#include "gbp-mkldnn-bridge.h"
#include "kernel-test-util.h"
/* last: check.h's macros clash with the C++ library's names */
#include "kernel-tests.h"

namespace {

using guidedbp::ConvPack;
using guidedbp::Precision;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

struct ConvCase {
  const char *what;
  int64_t in, out, height, width, kh, kw, stride, pad, dilation, groups;
  bool bias;
};

const ConvCase cases[] = {
  {"3->5 13x11 3x3", 3, 5, 13, 11, 3, 3, 1, 1, 1, 1, true},
  {"12->19 9x7 3x3", 12, 19, 9, 7, 3, 3, 1, 1, 1, 1, true},
  {"24->40 15x17 3x3 stride 2", 24, 40, 15, 17, 3, 3, 2, 1, 1, 1, false},
  {"66->66 10x9 3x3", 66, 66, 10, 9, 3, 3, 1, 1, 1, 1, true},
  {"16->33 11x11 1x1", 16, 33, 11, 11, 1, 1, 1, 0, 1, 1, false},
  {"8->12 12x10 5x3 dilated", 8, 12, 12, 10, 5, 3, 2, 2, 2, 1, true},
  {"24 depthwise 9x9", 24, 24, 9, 9, 3, 3, 1, 1, 1, 24, true},
  {"32->48 groups 4 8x8", 32, 48, 8, 8, 3, 3, 1, 1, 1, 4, false},
  {"3->64 23x21 7x7 stride 2", 3, 64, 23, 21, 7, 7, 2, 3, 1, 1, false},
  {"64->64 14x14 3x3", 64, 64, 14, 14, 3, 3, 1, 1, 1, 1, true},
};

struct Layer {
  c10::intrusive_ptr<ConvPack> pack;
  at::Tensor weight, bias;
  ideep::dims src_dims;
};

Layer
make_layer (const ConvCase &c, Precision precision)
{
  Layer l;
  l.weight = at::randn ({c.out, c.in / c.groups, c.kh, c.kw}) * 0.3;
  if (c.bias)
    l.bias = at::randn ({c.out}) * 0.1;
  l.pack = c10::make_intrusive<ConvPack> ();
  l.pack->weight = l.weight;
  l.pack->bias = l.bias;
  l.pack->stride = {c.stride, c.stride};
  l.pack->padding = {c.pad, c.pad};
  l.pack->dilation = {c.dilation, c.dilation};
  l.pack->groups = c.groups;
  l.pack->winograd_allowed = c.kh == 3 && c.kw == 3 && c.stride == 1
      && c.pad == 1 && c.dilation == 1 && c.groups == 1;
  l.pack->policy.precision = precision;
  l.src_dims = {2, c.in, c.height, c.width};
  return l;
}

at::Tensor
reference_forward (const ConvCase &c, const Layer &l, const at::Tensor &x)
{
  return at::conv2d (x, l.weight, l.bias, {c.stride, c.stride},
      {c.pad, c.pad}, {c.dilation, c.dilation}, c.groups);
}

at::Tensor
reference_input_gradient (const ConvCase &c, const Layer &l,
    const at::Tensor &x, const at::Tensor &grad)
{
  return std::get<0> (at::convolution_backward (grad, x, l.weight,
          c10::nullopt, {c.stride, c.stride}, {c.pad, c.pad},
          {c.dilation, c.dilation}, false, {0, 0}, c.groups,
          {true, false, false}));
}

/* @t (plain float) as oneDNN memory in @desc's layout and type. */
ideep::tensor
in_layout (const at::Tensor &t, const ideep::tensor::desc &desc)
{
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  return at::native::itensor_view_from_dense (t).reorder_if_differ_in (desc);
}

at::Tensor
to_plain (ideep::tensor &&t)
{
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  return at::native::new_with_itensor_mkldnn (std::move (t), at::kFloat,
      c10::Device (c10::kCPU)).to_dense ();
}

/* Winograd computes 2x2 (guidedbp's) or 4x4 (oneDNN's) blocks from one
 * transformed patch: a NaN or infinity anywhere in it reaches all of the
 * block's outputs, which the direct sum keeps to the windows holding it. */
bool
is_winograd (const std::string &name)
{
  return name.find ("wino") != std::string::npos;
}

/* The largest difference from @ref relative to max|ref|, over finite
 * elements; non-finite ones must be non-finite in @out too (and, for a
 * direct kernel, exactly there). For Winograd an output may also be
 * non-finite within @reach pixels of a non-finite reference output. */
double
relative_difference (const at::Tensor &out, const at::Tensor &ref,
    int64_t reach, std::string &why)
{
  at::Tensor o = out.contiguous ().to (at::kDouble);
  at::Tensor r = ref.contiguous ().to (at::kDouble);
  at::Tensor bad = r.isfinite ().logical_not ();
  if (reach > 0)
    bad = at::max_pool2d (bad.to (at::kFloat), {2 * reach + 1, 2 * reach + 1},
        {1, 1}, {reach, reach}).gt (0.5);
  at::Tensor o_bad = o.isfinite ().logical_not ();
  if (r.isfinite ().logical_not ().logical_and (o.isfinite ()).any ()
      .item<bool> ()) {
    why = "a non-finite reference output came out finite";
    return INFINITY;
  }
  if (o_bad.logical_and (bad.logical_not ()).any ().item<bool> ()) {
    why = "a non-finite output where the reference is finite";
    return INFINITY;
  }
  at::Tensor keep = bad.logical_or (o_bad).logical_not ();
  double scale = r.masked_select (keep).abs ().max ().item<double> ();
  return (o - r).masked_select (keep).abs ().max ().item<double> ()
      / std::max (scale, 1e-30);
}

/* What each candidate may differ from aten's float32 result by, relative to
 * its largest value. bfloat16 rounds inputs and weights to 8 bits. */
double
tolerance (Precision precision, const std::string &name)
{
  if (precision == Precision::BF16)
    return 3e-2;
  return is_winograd (name) ? 2e-4 : 2e-5;
}

/* Input with a NaN and infinities, or none. */
at::Tensor
make_input (const ConvCase &c, bool non_finite)
{
  at::Tensor x = at::randn ({2, c.in, c.height, c.width});
  if (non_finite) {
    x[0][0][c.height / 2][c.width / 2] = NAN;
    x[1][c.in - 1][0][c.width - 1] = INFINITY;
    x[1][0][c.height - 1][0] = -INFINITY;
  }
  return x;
}

void
check_forward (const ConvCase &c, Precision precision, bool non_finite,
    bool post_ops, int threads)
{
  Layer l = make_layer (c, precision);
  guidedbp::PostOps ops;
  ops.residual = post_ops;
  ops.activation = post_ops;
  ops.max_val = 6.0;
  at::Tensor x = make_input (c, non_finite && !post_ops);
  at::Tensor ref = reference_forward (c, l, x);
  at::Tensor residual = at::randn (ref.sizes ());
  if (post_ops)
    ref = (ref + residual).clamp (0, 6);
  const size_t count = guidedbp::conv_forward_candidates (*l.pack, l.src_dims,
      ops).size ();

  /* listed again for each: which of its Winograd variants oneDNN offers
   * (2x3 or 4x3) can change from one query to the next */
  for (size_t i = 0; i < count; i++) {
    const std::string name = guidedbp::conv_forward_candidates (*l.pack,
        l.src_dims, ops).at (i);
    const std::string backward = guidedbp::conv_backward_candidates (*l.pack,
        l.src_dims)[0];
    auto plan = guidedbp::plan_conv_named (*l.pack, l.src_dims, ops, name, backward);
    ideep::tensor src = in_layout (x, plan->forward.in_desc);
    ideep::tensor dst (plan->forward.out_desc);
    if (post_ops)
      in_layout (residual, plan->forward.out_desc).reorder_to (dst);
    guidedbp::run_conv_forward (*l.pack, *plan, src, dst);
    std::string why;
    double d = relative_difference (to_plain (std::move (dst)), ref,
        is_winograd (name) ? 4 : 0, why);
    ck_assert_msg (d <= tolerance (precision, name), "%s forward %s%s%s%s "
        "threads %d: %g of max|aten| off %s", c.what, name.c_str (),
        precision == Precision::BF16 ? " bf16" : "",
        non_finite ? " nan/inf" : "", post_ops ? " +residual relu6" : "",
        threads, d, why.c_str ());
  }
}

void
check_backward (const ConvCase &c, Precision precision, bool non_finite,
    int threads)
{
  Layer l = make_layer (c, precision);
  guidedbp::PostOps none;
  at::Tensor x = at::randn ({2, c.in, c.height, c.width});
  at::Tensor grad = at::randn (reference_forward (c, l, x).sizes ());
  if (non_finite) {
    grad[0][0][0][0] = NAN;
    grad[1][c.out - 1][grad.size (2) - 1][grad.size (3) - 1] = INFINITY;
  }
  at::Tensor ref = reference_input_gradient (c, l, x, grad);
  const size_t count = guidedbp::conv_backward_candidates (*l.pack,
      l.src_dims).size ();

  /* listed again for each, as in check_forward() */
  for (size_t i = 0; i < count; i++) {
    const std::string name = guidedbp::conv_backward_candidates (*l.pack,
        l.src_dims).at (i);
    const std::string forward = guidedbp::conv_forward_candidates (*l.pack,
        l.src_dims, none)[0];
    auto plan = guidedbp::plan_conv_named (*l.pack, l.src_dims, none, forward, name);
    /* the gradient comes in the forward's output layout */
    ideep::tensor g = in_layout (grad, plan->forward.out_desc);
    std::string why;
    double d = relative_difference (to_plain (guidedbp::run_conv_backward (
                *l.pack, *plan, g)), ref, is_winograd (name) ? 4 : 0, why);
    ck_assert_msg (d <= tolerance (precision, name), "%s input gradient %s%s"
        "%s threads %d: %g of max|aten| off %s", c.what, name.c_str (),
        precision == Precision::BF16 ? " bf16" : "",
        non_finite ? " nan/inf" : "", threads, d, why.c_str ());
  }
}

START_TEST (test_forward_candidates_match_aten)
{
  const ConvCase &c = cases[_i];

  at::manual_seed (11 + _i);
  gbp_test::for_each_thread_count ([&] (int threads) {
    gbp_test::expect_no_exception (c.what, [&] {
      check_forward (c, Precision::F32, false, false, threads);
      check_forward (c, Precision::F32, true, false, threads);
      check_forward (c, Precision::F32, false, true, threads);
    });
  });
}
END_TEST

START_TEST (test_input_gradient_candidates_match_aten)
{
  const ConvCase &c = cases[_i];

  at::manual_seed (23 + _i);
  gbp_test::for_each_thread_count ([&] (int threads) {
    gbp_test::expect_no_exception (c.what, [&] {
      check_backward (c, Precision::F32, false, threads);
      check_backward (c, Precision::F32, true, threads);
    });
  });
}
END_TEST

START_TEST (test_bf16_candidates_match_aten)
{
  const std::string missing = guidedbp::native_bf16_missing ();

  if (!missing.empty ()) {
    std::printf ("SKIP bfloat16 kernels: %s\n", missing.c_str ());
    return;
  }
  at::manual_seed (31);
  for (const ConvCase &c : cases)
    gbp_test::expect_no_exception (c.what, [&] {
      check_forward (c, Precision::BF16, false, false, 2);
      check_forward (c, Precision::BF16, false, true, 2);
      check_backward (c, Precision::BF16, false, 2);
    });
}
END_TEST

/* Every geometry offers guidedbp's own kernels where they apply, so that
 * the checks above run them on every host: the GEMM input gradient for
 * ungrouped convolutions, Winograd for 3x3, stride 1, padding 1. */
START_TEST (test_own_kernels_are_candidates)
{
  for (const ConvCase &c : cases) {
    Layer l = make_layer (c, Precision::F32);
    auto has = [] (const std::vector<std::string> &names, const char *name) {
      return std::find (names.begin (), names.end (), name) != names.end ();
    };
    std::vector<std::string> forward = guidedbp::conv_forward_candidates (*l.pack, l.src_dims,
        guidedbp::PostOps ());
    std::vector<std::string> backward = guidedbp::conv_backward_candidates (
        *l.pack, l.src_dims);
    ck_assert_msg (has (backward, "guidedbp:gemm_col2im") == (c.groups == 1),
        "%s: GEMM candidate", c.what);
    ck_assert_msg (has (forward, "guidedbp:winograd_2x3")
        == l.pack->winograd_allowed, "%s: Winograd candidate", c.what);
    ck_assert_msg (has (backward, "guidedbp:winograd_2x3")
        == l.pack->winograd_allowed, "%s: Winograd candidate", c.what);
  }
}
END_TEST

}  // namespace

Suite *
convolution_suite (void)
{
  Suite *s = suite_create ("convolution");
  TCase *tc = tcase_create ("convolution");

  tcase_set_timeout (tc, 600);
  tcase_add_loop_test (tc, test_forward_candidates_match_aten, 0,
      G_N_ELEMENTS (cases));
  tcase_add_loop_test (tc, test_input_gradient_candidates_match_aten, 0,
      G_N_ELEMENTS (cases));
  tcase_add_test (tc, test_bf16_candidates_match_aten);
  tcase_add_test (tc, test_own_kernels_are_candidates);
  suite_add_tcase (s, tc);
  return s;
}
