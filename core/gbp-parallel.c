/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include "gbp-parallel.h"

#include <sched.h>
#ifdef _OPENMP
#include <omp.h>
#endif

guint
gbp_cpu_count (void)
{
#ifdef CPU_COUNT
  cpu_set_t set;

  /* fails only past CPU_SETSIZE (1024) CPUs */
  if (sched_getaffinity (0, sizeof (set), &set) == 0 && CPU_COUNT (&set) > 0)
    return CPU_COUNT (&set);
#endif
  return MAX (g_get_num_processors (), 1);
}

static void
run_part (guint n, guint parts, guint part, GbpParallelFunc func,
    gpointer data)
{
  /* parts of equal size, the remainder spread over the first ones */
  guint size = n / parts, extra = n % parts;
  guint begin = part * size + MIN (part, extra);

  func (begin, begin + size + (part < extra ? 1 : 0), part, data);
}

void
gbp_parallel_for (guint num_threads, guint n, guint grain,
    GbpParallelFunc func, gpointer data)
{
  guint parts;

  if (n == 0)
    return;
  grain = MAX (grain, 1);
  parts = MIN (MAX (num_threads, 1), (n + grain - 1) / grain);
  if (parts <= 1) {
    func (0, n, 0, data);
    return;
  }
#ifdef _OPENMP
  /* The whole team even when there are fewer parts: libgomp keeps one
   * team per thread, and a region of another size would resize it. */
#pragma omp parallel num_threads (num_threads)
  {
    guint team = omp_get_num_threads ();

    for (guint part = omp_get_thread_num (); part < parts; part += team)
      run_part (n, parts, part, func, data);
  }
#else
  for (guint part = 0; part < parts; part++)
    run_part (n, parts, part, func, data);
#endif
}
