/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: the CPUs the process may use, and loops split over threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How many CPUs this process may run on: its CPU affinity mask (taskset,
 * cgroup cpusets), not the machine's count; at least 1. */
guint gbp_cpu_count (void);

/* Items [@begin, @end) of a loop, as part @part of the parts
 * gbp_parallel_for() made. */
typedef void (*GbpParallelFunc) (guint begin, guint end, guint part,
    gpointer data);

/* Splits [0, @n) into contiguous parts of about equal size, at most
 * @num_threads of them and no more than one per @grain items (rounded up),
 * and calls @func on each, at once
 * on @num_threads threads, and returns when all are done. Part numbers are
 * below @num_threads, so per-part scratch can be sized by it. With 1
 * thread (or one part) @func runs in the calling thread alone.
 *
 * Why OpenMP: libtorch (Debian's) runs its own loops on OpenMP, and a
 * thread's OpenMP team is reused by every parallel loop that thread
 * starts. Preprocessing and rendering thus run on the very threads that
 * run the model, which are spinning right then, instead of waking another
 * pool that would compete with them for the cores (bench/README.md). */
void gbp_parallel_for (guint num_threads, guint n, guint grain,
    GbpParallelFunc func, gpointer data);

G_END_DECLS
