/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++): a loop split over threads.
 */
#pragma once

#include <algorithm>
#include <cstdint>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace guidedbp {

/* Calls @body (begin, end) on contiguous parts of [@begin, @end), at most
 * one per thread of the calling thread's OpenMP team and no smaller than
 * @grain items, and returns when all are done; inside a parallel region,
 * or without OpenMP, all of it in the calling thread. @body must not
 * throw.
 *
 * Why OpenMP: libtorch (Debian's) runs its own loops on it, and the team
 * size is the calling thread's setting, which the engine sets to its
 * thread count in the thread that runs the model (at::parallel_for, which
 * the kernels used before, does the same on this libtorch). */
template <typename Body>
void
parallel_for (int64_t begin, int64_t end, int64_t grain, const Body &body)
{
  if (begin >= end)
    return;
  const int64_t n = end - begin;
  int64_t parts = 1;
#ifdef _OPENMP
  if (!omp_in_parallel ())
    parts = std::min<int64_t> (omp_get_max_threads (),
        (n + std::max<int64_t> (grain, 1) - 1) / std::max<int64_t> (grain, 1));
#endif
  if (parts <= 1) {
    body (begin, end);
    return;
  }
  const int64_t per_part = (n + parts - 1) / parts;
  /* every part runs, however many threads OpenMP grants */
#pragma omp parallel for num_threads (parts) schedule (static, 1)
  for (int64_t part = 0; part < parts; part++) {
    const int64_t first = begin + part * per_part;
    const int64_t last = std::min (end, first + per_part);
    if (first < last)
      body (first, last);
  }
}

}  // namespace guidedbp
