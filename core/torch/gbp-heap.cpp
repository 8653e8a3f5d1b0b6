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
 *
 * Why huge pages: each layer's weights and activations are read once a
 * pass, from memory the caches no longer hold, in 4 KiB pages: a page walk
 * and a stop of the hardware prefetchers every 4 KiB. Blocks of 2 MiB and
 * more in transparent huge pages made ResNet18's guided pass about 10 %
 * faster on an AVX-512 CPU (bench/README.md).
 */
#include "gbp-heap.h"

#include <cstdlib>
#include <cstring>
#include <mutex>

#ifdef __GLIBC__
#include <malloc.h>
#endif
#ifdef __linux__
#include <sys/mman.h>
#endif
#include <c10/core/CPUAllocator.h>
#ifdef GBP_HAVE_IDEEP
#include <ideep.hpp>
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

namespace {

const size_t HUGE_PAGE = 2 * 1024 * 1024;

/* Blocks of a huge page or more aligned to huge pages and advised to use
 * them (only advice: without transparent huge pages it does nothing);
 * smaller ones aligned to @alignment. Freed by free(). */
void *
malloc_in_huge_pages (size_t size, size_t alignment)
{
  void *p = nullptr;
#ifdef __linux__
  if (size >= HUGE_PAGE) {
    size_t rounded = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (posix_memalign (&p, HUGE_PAGE, rounded) != 0)
      return nullptr;
    madvise (p, rounded, MADV_HUGEPAGE);
    return p;
  }
#endif
  return posix_memalign (&p, alignment, size ? size : 1) == 0 ? p : nullptr;
}

void
free_block (void *p)
{
  std::free (p);
}

/* libtorch's CPU allocator (64-byte alignment), in huge pages from 2 MiB */
struct HugePageAllocator final : public c10::Allocator {
  c10::DataPtr allocate (size_t n) const override
  {
    void *p = malloc_in_huge_pages (n, 64);
    TORCH_CHECK (p != nullptr || n == 0, "out of memory allocating ", n,
        " bytes");
    return {p, p, &free_block, c10::Device (c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter () const override
  {
    return &free_block;
  }
};

}  // namespace

void
allocate_large_blocks_in_huge_pages ()
{
  static std::once_flag once;

  std::call_once (once, [] {
    static HugePageAllocator allocator;
    /* above the default allocator's priority 0 */
    c10::SetCPUAllocator (&allocator, 1);
#ifdef GBP_HAVE_IDEEP
    ideep::engine::cpu_engine ().set_allocator ([] (size_t size) {
      return static_cast<char *> (malloc_in_huge_pages (size, 4096));
    }, free_block);
#endif
  });
}

}  // namespace guidedbp
