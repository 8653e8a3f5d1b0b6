/* guidedbp tests — libtorch's intra-op thread count, as libtorch reports it
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For test-settings.c's num-threads test: the test process shares the
 * plugin's libtorch, so this is the count the element's runs use.
 */
#include <ATen/Parallel.h>

#include "torch-threads.h"

extern "C" int
gbp_test_torch_num_threads (void)
{
  return at::get_num_threads ();
}
