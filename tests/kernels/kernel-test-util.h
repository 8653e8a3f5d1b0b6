/* guidedbp tests — helpers for the kernel tests (C++, links the wrapper's
 * internals)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstdint>
#include <string>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ideep.hpp>

namespace gbp_test {

/* @dense (a float NCHW tensor) as a MKLDNN tensor in oneDNN layout @layout,
 * differentiably: the gradient goes back to @dense as a plain tensor. */
at::Tensor to_layout (const at::Tensor &dense, dnnl::memory::format_tag layout);

/* The layout name for messages ("nChw16c"). */
std::string layout_name (dnnl::memory::format_tag layout);

/* The largest |a - b| where both are finite; where either is not, both
 * must be the same non-finite value (NaN, +inf or -inf): else +inf. */
double max_difference (const at::Tensor &a, const at::Tensor &b);

/* Runs @body with libtorch's intra-op thread count at 1 and then 2. */
template <typename Body>
void
for_each_thread_count (Body body)
{
  for (int threads : {1, 2}) {
    at::set_num_threads (threads);
    body (threads);
  }
  at::set_num_threads (2);
}

/* Runs @body; an exception fails the test with its message (check.h is
 * C: an exception would abort the test process without one). */
void fail_test (const std::string &message);

template <typename Body>
void
expect_no_exception (const char *what, Body body)
{
  try {
    body ();
  } catch (const std::exception &e) {
    fail_test (std::string (what) + ": " + e.what ());
  }
}

}  // namespace gbp_test
