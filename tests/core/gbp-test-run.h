/* guidedbp tests — a Check suite as a test program
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <check.h>

/* A test case of @s named @name, with @timeout seconds per test. */
TCase *gbp_test_tcase_add (Suite * s, const char *name, int timeout);

/* Runs every test of @suite (taken) and returns the program's exit
 * status: 0 when all passed, else 1. */
int gbp_test_run_suite (Suite * suite);
