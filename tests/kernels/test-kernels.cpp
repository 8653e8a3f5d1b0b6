/* guidedbp tests — guidedbp's own kernels against the matching at:: ops
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Links the wrapper's internals (not libguidedbp). Run under each oneDNN
 * ISA cap (ONEDNN_MAX_CPU_ISA) the host supports: see meson.build.
 */
#include <cstdio>
#include <cstdlib>

#include <oneapi/dnnl/dnnl.hpp>

#include "kernel-tests.h"

int
main (void)
{
  const char *cap = std::getenv ("ONEDNN_MAX_CPU_ISA");
  SRunner *runner = srunner_create (pooling_suite ());
  int failed;

  std::printf ("oneDNN ISA cap %s: dispatching %d\n", cap ? cap : "(none)",
      (int) dnnl::get_effective_cpu_isa ());
  srunner_run_all (runner, CK_NORMAL);
  failed = srunner_ntests_failed (runner);
  srunner_free (runner);
  return failed == 0 ? 0 : 1;
}
