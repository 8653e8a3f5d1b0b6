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

#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

void
gbp_heap_keep_freed_memory (void)
{
#ifdef __GLIBC__
  static gsize once = 0;

  if (g_once_init_enter (&once)) {
    const gchar *tunables = g_getenv ("GLIBC_TUNABLES");

    if (tunables == NULL || strstr (tunables, "glibc.malloc.") == NULL) {
      /* blocks below 32 MiB (glibc's largest threshold) come from the
       * heap, and the heap's top is trimmed only past 256 MiB free */
      mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
      mallopt (M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    }
    g_once_init_leave (&once, 1);
  }
#endif
}
