/* guidedbp tests — guidedbp::onednn_linear's kernels per batch size against
 * aten::linear
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each batch size has its own plan, and a plan whose kernels take packed
 * weights releases the layer's plain weight. Kernels planned before for
 * another batch may read that plain weight: they must go on reading it,
 * whichever kernels the tuner gave either batch (the regions of a frame
 * run as a batch between single frames).
 */
#include <cmath>

#include <ATen/core/dispatch/Dispatcher.h>

#include "gbp-linear-pack.h"
#include "kernel-test-util.h"
/* last: check.h's macros clash with the C++ library's names */
#include "kernel-tests.h"

namespace {

const int64_t IN_FEATURES = 32, OUT_FEATURES = 10, BATCH = 8;

at::Tensor
onednn_linear (const at::Tensor &input,
    const c10::intrusive_ptr<guidedbp::LinearPack> &pack)
{
  static auto op = c10::Dispatcher::singleton ()
      .findSchemaOrThrow ("guidedbp::onednn_linear", "")
      .typed<at::Tensor (const at::Tensor &,
      const c10::intrusive_ptr<guidedbp::LinearPack> &)> ();
  return op.call (input, pack);
}

}  // namespace

/* For every pair of forward kernels, one for a single item and one for a
 * batch, planned in that order: the single item's result afterwards is
 * aten's, with whatever memory the released weight held overwritten. */
START_TEST (test_kernels_of_other_batches_keep_the_weight)
{
  at::manual_seed (5);
  const at::Tensor weight = at::randn ({OUT_FEATURES, IN_FEATURES});
  const at::Tensor bias = at::randn ({OUT_FEATURES});
  const at::Tensor one = at::randn ({1, IN_FEATURES});
  const at::Tensor expected = at::linear (one, weight, bias);
  guidedbp::LinearPack probe;
  probe.in_features = IN_FEATURES;
  probe.out_features = OUT_FEATURES;
  probe.bias = bias;
  const auto singles = guidedbp::linear_candidates (probe, 1, true);
  const auto batched = guidedbp::linear_candidates (probe, BATCH, true);
  const std::string single_backward =
      guidedbp::linear_candidates (probe, 1, false).at (0);
  const std::string batch_backward =
      guidedbp::linear_candidates (probe, BATCH, false).at (0);

  ck_assert (!singles.empty () && !batched.empty ());
  for (const std::string &single : singles)
    for (const std::string &batch : batched) {
      const std::string what = "batch 1 by " + single + ", then batch "
          + std::to_string (BATCH) + " by " + batch;
      gbp_test::expect_no_exception (what.c_str (), [&] {
        auto pack = c10::make_intrusive<guidedbp::LinearPack> ();
        pack->weight = weight.clone ();
        pack->bias = bias;
        pack->in_features = IN_FEATURES;
        pack->out_features = OUT_FEATURES;
        guidedbp::plan_linear_named (*pack, 1, single, single_backward);
        guidedbp::plan_linear_named (*pack, BATCH, batch, batch_backward);
        /* blocks of the released weight's size, taken and written */
        std::vector<at::Tensor> litter;
        for (int i = 0; i < 16; i++)
          litter.push_back (at::full ({OUT_FEATURES, IN_FEATURES}, NAN));
        at::NoGradGuard no_grad;
        const double d = gbp_test::max_difference (onednn_linear (one, pack),
            expected);
        ck_assert_msg (d <= 1e-5, "%s: batch 1 differs from aten by %g",
            what.c_str (), d);
      });
    }
  g_print ("linear: %zu single-item x %zu batch-%ld forward kernels, each "
      "pair planned in turn: batch 1 matches aten\n", singles.size (),
      batched.size (), (long) BATCH);
}
END_TEST

Suite *
linear_suite (void)
{
  Suite *s = suite_create ("linear");
  TCase *tc = tcase_create ("linear");

  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_kernels_of_other_batches_keep_the_weight);
  suite_add_tcase (s, tc);
  return s;
}
