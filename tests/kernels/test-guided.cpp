/* guidedbp tests — the guided rule on oneDNN-layout activations, fused
 * into a convolution and alone, against the rule written with aten ops
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rule: the gradient passes an activation where its forward output is
 * inside the linear range (0 < y, and y < max for ReLU6) and, guided, the
 * incoming gradient is positive. Exact zeros on both sides (ties at the
 * boundary) must be blocked; a plain (Grad-CAM) backward keeps negative
 * gradients. Through guidedbp::onednn_conv_guided (convolution, residual
 * add, activation) and guidedbp::guided_relu, in each layout a convolution
 * may write, on one and two threads.
 */
#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include "gbp-conv-pack.h"
#include "kernel-test-util.h"
/* last: check.h's macros clash with the C++ library's names */
#include "kernel-tests.h"

namespace {

using guidedbp::ConvPack;
using tag = dnnl::memory::format_tag;

const tag layouts[] = {tag::nChw8c, tag::nChw16c, tag::nhwc};

/* Values on a coarse grid, so that activations and gradients hit exact
 * zeros (and ReLU6's 6) often. */
at::Tensor
coarse (at::IntArrayRef sizes, double step)
{
  return (at::randn (sizes) * 3.0).round () * step;
}

c10::intrusive_ptr<ConvPack>
make_pack (int64_t in, int64_t out)
{
  auto pack = c10::make_intrusive<ConvPack> ();
  pack->weight = coarse ({out, in, 3, 3}, 0.25);
  pack->bias = coarse ({out}, 0.5);
  pack->stride = {1, 1};
  pack->padding = {1, 1};
  pack->dilation = {1, 1};
  return pack;
}

/* The rule with aten ops: the gradient at the activation's input. */
at::Tensor
rule (const at::Tensor &y, const at::Tensor &grad, double max_val,
    bool guided)
{
  at::Tensor pass = y.gt (0).logical_and (y.lt (max_val));
  if (guided)
    pass = pass.logical_and (grad.gt (0));
  return grad * pass;
}

void
check_fused (tag layout, bool residual, double max_val, bool guided,
    int threads)
{
  const int64_t in = 19, out = 24;
  auto pack = make_pack (in, out);
  at::Tensor x = coarse ({2, in, 9, 11}, 0.5);
  at::Tensor r = coarse ({2, out, 9, 11}, 0.5);
  at::Tensor grad = coarse ({2, out, 9, 11}, 1.0);

  /* reference: aten's convolution, add, clamp; the rule; aten's backward */
  at::Tensor pre = at::conv2d (x, pack->weight, pack->bias, {1, 1}, {1, 1});
  if (residual)
    pre = pre + r;
  at::Tensor y_ref = pre.clamp (0, max_val);
  at::Tensor g_pre = rule (y_ref, grad, max_val, guided);
  at::Tensor gx_ref = std::get<0> (at::convolution_backward (g_pre, x,
          pack->weight, c10::nullopt, {1, 1}, {1, 1}, {1, 1}, false, {0, 0},
          1, {true, false, false}));

  static auto op = c10::Dispatcher::singleton ()
      .findSchemaOrThrow ("guidedbp::onednn_conv_guided", "")
      .typed<at::Tensor (const at::Tensor &, const c10::optional<at::Tensor> &,
      const c10::intrusive_ptr<ConvPack> &, double, const at::Tensor &)> ();
  at::Tensor xi = x.clone ().requires_grad_ (true);
  at::Tensor ri = r.clone ().requires_grad_ (true);
  at::Tensor switch_on = at::scalar_tensor (guided, at::kBool);
  c10::optional<at::Tensor> added;
  if (residual)
    added = gbp_test::to_layout (ri, layout);
  at::Tensor y = op.call (gbp_test::to_layout (xi, layout), added, pack,
      max_val, switch_on).to_dense ();
  (y * grad).sum ().backward ();

  std::string what = gbp_test::layout_name (layout) + (residual ?
      " +residual" : "") + (max_val < 1e9 ? " relu6" : " relu") + (guided ?
      " guided" : " plain") + " threads " + std::to_string (threads);
  double scale = gx_ref.abs ().max ().item<double> ();
  ck_assert_msg (gbp_test::max_difference (y, y_ref) <= 1e-5 * y_ref.abs ()
      .max ().item<double> (), "%s: forward differs", what.c_str ());
  ck_assert_msg (gbp_test::max_difference (xi.grad (), gx_ref) <= 1e-5 * scale,
      "%s: input gradient differs by %g of %g", what.c_str (),
      gbp_test::max_difference (xi.grad (), gx_ref), scale);
  if (residual)
    ck_assert_msg (gbp_test::max_difference (ri.grad (), g_pre) == 0.0,
        "%s: residual gradient differs", what.c_str ());
}

START_TEST (test_fused_rule_matches_aten)
{
  at::manual_seed (5);
  gbp_test::for_each_thread_count ([&] (int threads) {
    gbp_test::expect_no_exception ("fused guided rule", [&] {
      for (bool residual : {false, true})
        for (double max_val : {(double) INFINITY, 6.0})
          for (bool guided : {true, false})
            check_fused (layouts[_i], residual, max_val, guided, threads);
    });
  });
}
END_TEST

START_TEST (test_guided_relu_matches_aten)
{
  static auto op = c10::Dispatcher::singleton ()
      .findSchemaOrThrow ("guidedbp::guided_relu", "")
      .typed<at::Tensor (const at::Tensor &, const at::Tensor &)> ();

  at::manual_seed (9);
  gbp_test::for_each_thread_count ([&] (int threads) {
    gbp_test::expect_no_exception ("guided relu", [&] {
      for (bool guided : {true, false}) {
        at::Tensor x = coarse ({2, 21, 7, 5}, 0.5);
        at::Tensor grad = coarse ({2, 21, 7, 5}, 1.0);
        at::Tensor xi = x.clone ().requires_grad_ (true);
        at::Tensor y = op.call (gbp_test::to_layout (xi, layouts[_i]),
            at::scalar_tensor (guided, at::kBool));
        (y.to_dense () * grad).sum ().backward ();
        at::Tensor ref = rule (x.relu (), grad, INFINITY, guided);
        ck_assert_msg (gbp_test::max_difference (xi.grad (), ref) == 0.0,
            "%s %s threads %d: guided_relu's gradient differs",
            gbp_test::layout_name (layouts[_i]).c_str (),
            guided ? "guided" : "plain", threads);
      }
    });
  });
}
END_TEST

}  // namespace

Suite *
guided_suite (void)
{
  Suite *s = suite_create ("guided");
  TCase *tc = tcase_create ("guided");

  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_fused_rule_matches_aten, 0,
      G_N_ELEMENTS (layouts));
  tcase_add_loop_test (tc, test_guided_relu_matches_aten, 0,
      G_N_ELEMENTS (layouts));
  suite_add_tcase (s, tc);
  return s;
}
