/* guidedbp tests — guidedbp::blocked_max_pool2d against aten::max_pool2d
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Forward values and the input gradient, in every oneDNN layout the
 * pooling meets (8- and 16-channel blocks, channels-last as the brgemm
 * convolutions of AVX-512 CPUs write it, and another one it must reorder),
 * on odd sizes and channel counts, with ties, NaN and infinities, and the
 * empty stride of traced graphs, on one and two threads.
 */
#include <ATen/core/dispatch/Dispatcher.h>

#include "kernel-test-util.h"
/* last: check.h's macros clash with the C++ library's names */
#include "kernel-tests.h"

namespace {

using tag = dnnl::memory::format_tag;

struct PoolCase {
  int64_t channels, height, width;
  std::vector<int64_t> kernel, stride, padding;
  bool ceil_mode;
};

at::Tensor
blocked_max_pool2d (const at::Tensor &input, const PoolCase &c)
{
  static auto op = c10::Dispatcher::singleton ()
      .findSchemaOrThrow ("guidedbp::blocked_max_pool2d", "")
      .typed<at::Tensor (const at::Tensor &, at::IntArrayRef, at::IntArrayRef,
      at::IntArrayRef, at::IntArrayRef, bool)> ();
  return op.call (input, c.kernel, c.stride, c.padding, {1, 1}, c.ceil_mode);
}

/* Values with ties (few distinct levels, as flat image areas give) or
 * spread, optionally with NaN and infinities sprinkled in. */
at::Tensor
make_input (const PoolCase &c, bool ties, bool non_finite)
{
  at::Tensor x = ties ? at::randint (0, 3, {2, c.channels, c.height, c.width})
      .to (at::kFloat) : at::randn ({2, c.channels, c.height, c.width});
  if (non_finite) {
    float *p = x.data_ptr<float> ();
    for (int64_t i = 0; i < x.numel (); i += 37)
      p[i] = i % 3 == 0 ? NAN : (i % 3 == 1 ? INFINITY : -INFINITY);
  }
  return x;
}

void
check_case (const PoolCase &c, tag layout, bool ties, bool non_finite,
    int threads)
{
  at::Tensor x = make_input (c, ties, non_finite);
  at::Tensor grad_out;

  /* the reference: aten on the plain tensor */
  at::Tensor ref_in = x.clone ().requires_grad_ (true);
  at::Tensor ref = at::max_pool2d (ref_in, c.kernel,
      c.stride.empty () ? c.kernel : c.stride, c.padding, {1, 1}, c.ceil_mode);
  grad_out = at::randn (ref.sizes ());
  ref.backward (grad_out);

  at::Tensor in = x.clone ().requires_grad_ (true);
  at::Tensor out = blocked_max_pool2d (gbp_test::to_layout (in, layout), c);
  ck_assert_msg (out.is_mkldnn (), "the pooling of a %s tensor left the "
      "oneDNN layout", gbp_test::layout_name (layout).c_str ());
  at::Tensor dense = out.to_dense ();
  (dense * grad_out).sum ().backward ();

  std::string what = gbp_test::layout_name (layout) + " "
      + std::to_string (c.channels) + "x" + std::to_string (c.height) + "x"
      + std::to_string (c.width) + (c.stride.empty () ? " stride []" : "")
      + (ties ? " ties" : "") + (non_finite ? " nan/inf" : "")
      + " threads " + std::to_string (threads);
  /* the maximum is a value of the input: exact */
  ck_assert_msg (gbp_test::max_difference (dense, ref) == 0.0,
      "%s: forward differs from aten", what.c_str ());
  /* gradients of overlapping windows add in another order: rounding */
  double worst = gbp_test::max_difference (in.grad (), ref_in.grad ());
  ck_assert_msg (worst <= 1e-5, "%s: input gradient differs from aten by %g",
      what.c_str (), worst);
}

const PoolCase cases[] = {
  /* first: what failed on AVX-512 CPUs (channels-last, traced stride []) */
  {66, 12, 10, {2, 2}, {}, {0, 0}, false},
  {16, 8, 8, {2, 2}, {2, 2}, {0, 0}, false},
  {3, 7, 9, {3, 3}, {2, 2}, {1, 1}, false},
  {19, 13, 11, {3, 3}, {2, 2}, {0, 0}, true},
  {24, 9, 9, {3, 3}, {}, {1, 1}, true},
  {40, 5, 11, {3, 2}, {1, 2}, {1, 0}, false},
  {8, 1, 1, {1, 1}, {1, 1}, {0, 0}, false},
  {33, 6, 6, {6, 6}, {}, {0, 0}, false},       /* one window */
};

const tag layouts[] = {tag::nChw8c, tag::nChw16c, tag::nhwc, tag::nChw4c};

START_TEST (test_pooling_matches_aten)
{
  const tag layout = layouts[_i];

  at::manual_seed (7);
  gbp_test::for_each_thread_count ([&] (int threads) {
    for (const PoolCase &c : cases)
      for (bool ties : {false, true})
        for (bool non_finite : {false, true})
          gbp_test::expect_no_exception ("pooling", [&] {
            check_case (c, layout, ties, non_finite, threads);
          });
  });
}
END_TEST

/* What the pooling does with what its kernels do not take: aten does it,
 * with a traced graph's empty stride spelled out (libtorch's own MKLDNN
 * max pooling backward fails on it). */
START_TEST (test_pooling_plain_input_goes_to_aten)
{
  PoolCase c = {5, 9, 7, {2, 2}, {}, {0, 0}, true};
  at::Tensor x = make_input (c, false, false).requires_grad_ (true);
  at::Tensor out = blocked_max_pool2d (x, c);

  ck_assert (!out.is_mkldnn ());
  out.sum ().backward ();
  ck_assert_double_eq (gbp_test::max_difference (out,
          at::max_pool2d (x, c.kernel, c.kernel, c.padding, {1, 1},
              c.ceil_mode)), 0.0);
}
END_TEST

}  // namespace

Suite *
pooling_suite (void)
{
  Suite *s = suite_create ("pooling");
  TCase *tc = tcase_create ("pooling");

  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_pooling_matches_aten, 0,
      G_N_ELEMENTS (layouts));
  tcase_add_test (tc, test_pooling_plain_input_goes_to_aten);
  suite_add_tcase (s, tc);
  return s;
}
