/* guidedbp tests — guidedbp's own kernels against the matching at:: ops
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Links the wrapper's internals (not libguidedbp). Run under each oneDNN
 * ISA cap (ONEDNN_MAX_CPU_ISA) the host supports: see meson.build.
 */
#include <cstdio>
#include <cstdlib>

#include "gbp-cpu-isa.h"
#include "kernel-tests.h"

int
main (void)
{
  const char *cap = std::getenv ("ONEDNN_MAX_CPU_ISA");
  SRunner *runner = srunner_create (pooling_suite ());
  int failed;

  srunner_add_suite (runner, convolution_suite ());
  srunner_add_suite (runner, guided_suite ());
  srunner_add_suite (runner, linear_suite ());
  std::printf ("oneDNN ISA cap %s: oneDNN dispatches %s\n",
      cap ? cap : "(none)", guidedbp::onednn_isa_name ().c_str ());
  srunner_run_all (runner, CK_NORMAL);
  failed = srunner_ntests_failed (runner);
  srunner_free (runner);
  return failed == 0 ? 0 : 1;
}
