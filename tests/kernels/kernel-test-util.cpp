/* guidedbp tests — helpers for the kernel tests
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "kernel-test-util.h"
#include "gbp-mkldnn-bridge.h"

#include <cmath>

#include <torch/csrc/autograd/custom_function.h>

/* last: check.h's macros clash with the C++ library's names */
#include <check.h>

namespace gbp_test {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct ToLayout : public torch::autograd::Function<ToLayout> {
  static at::Tensor forward (AutogradContext *, const at::Tensor &dense,
      int64_t layout)
  {
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    at::Tensor contiguous = dense.contiguous ();
    ideep::tensor plain = at::native::itensor_view_from_dense (contiguous);
    ideep::tensor blocked (ideep::tensor::desc (plain.get_desc ().get_dims (),
            dnnl::memory::data_type::f32,
            (dnnl::memory::format_tag) layout));
    plain.reorder_to (blocked);
    return at::native::new_with_itensor_mkldnn (std::move (blocked),
        at::kFloat, dense.device ());
  }

  static tensor_list backward (AutogradContext *, tensor_list grads)
  {
    at::Tensor g = grads[0].is_mkldnn () ? grads[0].to_dense () : grads[0];
    return {g, at::Tensor ()};
  }
};

}  // namespace

at::Tensor
to_layout (const at::Tensor &dense, dnnl::memory::format_tag layout)
{
  return ToLayout::apply (dense, (int64_t) layout);
}

std::string
layout_name (dnnl::memory::format_tag layout)
{
  using tag = dnnl::memory::format_tag;
  switch (layout) {
    case tag::nchw:
      return "nchw";
    case tag::nhwc:
      return "nhwc";
    case tag::nChw4c:
      return "nChw4c";
    case tag::nChw8c:
      return "nChw8c";
    case tag::nChw16c:
      return "nChw16c";
    default:
      return "layout " + std::to_string ((int) layout);
  }
}

double
max_difference (const at::Tensor &a, const at::Tensor &b)
{
  auto plain = [] (const at::Tensor &t) {
    return (t.is_mkldnn () ? t.to_dense () : t).detach ().contiguous ()
        .to (at::kDouble);
  };
  at::Tensor x = plain (a), y = plain (b);
  if (x.sizes () != y.sizes ())
    return INFINITY;
  const double *p = x.data_ptr<double> ();
  const double *q = y.data_ptr<double> ();
  double worst = 0;
  for (int64_t i = 0; i < x.numel (); i++) {
    if (std::isfinite (p[i]) && std::isfinite (q[i]))
      worst = std::max (worst, std::fabs (p[i] - q[i]));
    else if (!(std::isnan (p[i]) && std::isnan (q[i])) && p[i] != q[i])
      return INFINITY;
  }
  return worst;
}

void
fail_test (const std::string &message)
{
  /* the first line: a c10::Error's message goes on with a backtrace */
  ck_abort_msg ("%s", message.substr (0, message.find ('\n')).c_str ());
}

}  // namespace gbp_test
