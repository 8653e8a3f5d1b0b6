/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-kernel-choice.h"
#include "gbp-cpu-isa.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace guidedbp {
namespace {

const int TIMED_RUNS = 3;
/* a run this long is timed twice only */
const double LONG_RUN_MS = 5.0;
/* a candidate this much slower than the best so far is dropped */
const double DROP_FACTOR = 3.0;
/* the warm-up run, which may touch memory for the first time, is judged
 * more leniently */
const double WARM_UP_DROP_FACTOR = 5.0;

std::mutex memory_lock;
std::map<std::string, std::string> &
memory ()
{
  static std::map<std::string, std::string> choices;
  return choices;
}
double spent_ms = 0;

#if defined (__x86_64__) || defined (__i386__)
/* CLFLUSHOPT flushes lines in parallel; CLFLUSH one after the other, and
 * took half of the tuning time on VGG16. */
__attribute__ ((target ("clflushopt"))) void
evict_lines_in_parallel (const char *begin, size_t bytes)
{
  for (size_t offset = 0; offset < bytes; offset += 64)
    __builtin_ia32_clflushopt (begin + offset);
}
#endif

/* Writes @bytes at @p back to memory and out of every cache level. */
void
evict (const void *p, size_t bytes)
{
#if defined (__x86_64__) || defined (__i386__)
  static const bool parallel = (__builtin_cpu_init (),
      __builtin_cpu_supports ("clflushopt"));
  const char *begin = static_cast<const char *> (p);
  if (parallel) {
    evict_lines_in_parallel (begin, bytes);
  } else {
    for (size_t offset = 0; offset < bytes; offset += 64)
      __builtin_ia32_clflush (begin + offset);
  }
  __builtin_ia32_mfence ();
#else
  (void) p;
  (void) bytes;
#endif
}

double
ms_since (std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double, std::milli> (
      std::chrono::steady_clock::now () - start).count ();
}

}  // namespace

size_t
choose_fastest (const std::vector<Candidate> &candidates,
    std::vector<double> *ms)
{
  const auto start = std::chrono::steady_clock::now ();
  const double none = std::numeric_limits<double>::infinity ();
  std::vector<double> best (candidates.size (), none);
  double fastest = none;
  size_t chosen = candidates.size ();

  for (size_t i = 0; i < candidates.size (); i++) {
    try {
      Trial trial = candidates[i].prepare ();
      const auto warm_up = std::chrono::steady_clock::now ();
      trial.run ();             /* warm-up: first touch, code */
      const double warm_up_ms = ms_since (warm_up);
      const int runs = warm_up_ms > LONG_RUN_MS ? TIMED_RUNS - 1 : TIMED_RUNS;
      for (int r = 0; r < runs && warm_up_ms <= WARM_UP_DROP_FACTOR * fastest;
          r++) {
        for (const auto &weights : trial.weights)
          evict (weights.first, weights.second);
        const auto t0 = std::chrono::steady_clock::now ();
        trial.run ();
        best[i] = std::min (best[i], ms_since (t0));
        if (r == 0 && best[i] > DROP_FACTOR * fastest)
          break;
      }
    } catch (const std::exception &) {
      /* a kernel that cannot run this shape is no candidate */
      best[i] = none;
    }
    if (best[i] < fastest) {
      fastest = best[i];
      chosen = i;
    }
  }
  {
    std::lock_guard<std::mutex> locked (memory_lock);
    spent_ms += ms_since (start);
  }
  if (ms != nullptr)
    *ms = best;
  if (chosen == candidates.size ())
    throw std::runtime_error ("no kernel could run this layer");
  return chosen;
}

bool
recall_choice (const std::string &key, std::string &choice)
{
  std::lock_guard<std::mutex> locked (memory_lock);
  auto it = memory ().find (key);
  if (it == memory ().end ())
    return false;
  choice = it->second;
  return true;
}

void
remember_choice (const std::string &key, const std::string &choice)
{
  std::lock_guard<std::mutex> locked (memory_lock);
  memory ()[key] = choice;
}

std::string
choice_context ()
{
#ifdef _OPENMP
  const int threads = omp_get_max_threads ();
#else
  const int threads = 1;
#endif
  return onednn_isa_name () + " threads " + std::to_string (threads);
}

double
tuning_milliseconds ()
{
  std::lock_guard<std::mutex> locked (memory_lock);
  return spent_ms;
}

}  // namespace guidedbp
