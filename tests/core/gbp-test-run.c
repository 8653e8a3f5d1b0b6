/* guidedbp tests — a Check suite as a test program
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-test-run.h"

TCase *
gbp_test_tcase_add (Suite * s, const char *name, int timeout)
{
  TCase *tc = tcase_create (name);

  tcase_set_timeout (tc, timeout);
  suite_add_tcase (s, tc);
  return tc;
}

int
gbp_test_run_suite (Suite * suite)
{
  SRunner *runner = srunner_create (suite);
  int failed;

  srunner_run_all (runner, CK_NORMAL);
  failed = srunner_ntests_failed (runner);
  srunner_free (runner);
  return failed == 0 ? 0 : 1;
}
