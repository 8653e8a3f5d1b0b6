/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

namespace guidedbp {

/* Tells glibc's malloc, once per process, to keep freed memory of up to
 * 32 MiB blocks for reuse instead of returning it to the system, unless
 * GLIBC_TUNABLES already sets malloc tunables (the user's choice wins).
 * Does nothing with another C library. */
void keep_freed_memory_for_reuse ();

/* Has libtorch's CPU tensors and oneDNN's tensors made through ideep
 * (activations, gradients, packed weights, scratch memory) of 2 MiB and
 * more allocated in transparent huge pages where the system offers them,
 * once per process: libtorch's CPU allocator and ideep's are process-wide. */
void allocate_large_blocks_in_huge_pages ();

}  // namespace guidedbp
