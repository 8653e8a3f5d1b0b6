/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Why: a guided pass on the CPU allocates and frees its activations and
 * gradients, up to tens of MiB each, on every frame. With glibc's default
 * thresholds much of that goes back to the kernel when freed (unmapped,
 * or trimmed from the heap's top) and the next frame page-faults it in
 * again, zeroed: VGG16 took 9,000 to 24,000 page faults a frame, about
 * 50 ms of a 600 ms pass (bench/README.md). Keeping freed blocks in the
 * heap makes that memory stay mapped at the process's peak, which a
 * running pipeline reaches on every frame anyway.
 */
#include "gbp-heap.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace guidedbp {

void
keep_freed_memory_for_reuse ()
{
#ifdef __GLIBC__
  static std::once_flag once;

  std::call_once (once, [] {
    const char *tunables = std::getenv ("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strstr (tunables, "glibc.malloc.") != nullptr)
      return;
    /* blocks below 32 MiB (glibc's largest threshold) come from the heap,
     * and the heap's top is trimmed only past 256 MiB free */
    mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  });
#endif
}

}  // namespace guidedbp
