/* guidedbp tests — the kernel suites
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <check.h>
#include <glib.h>

Suite *pooling_suite (void);
Suite *convolution_suite (void);
Suite *guided_suite (void);
Suite *linear_suite (void);
