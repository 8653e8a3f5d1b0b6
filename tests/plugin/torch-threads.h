/* guidedbp tests — libtorch's intra-op thread count, as libtorch reports it
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* at::get_num_threads() in the calling thread: libtorch's process-wide
 * setting, applied to each thread on its first parallel work. */
int gbp_test_torch_num_threads (void);

#ifdef __cplusplus
}
#endif
