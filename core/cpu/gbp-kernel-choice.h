/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++, no libtorch type): choosing a layer's
 * kernels by timing them on its real shape, and remembering the choice.
 *
 * Why by measurement: which kernel is fastest depends on the CPU, not
 * only on its ISA. On AMD Zen 4 (512-bit operations run as two 256-bit
 * halves) oneDNN's AVX2 kernels plus guidedbp's Winograd beat its AVX-512
 * ones; on Intel CPUs with two 512-bit FMA units it is the other way
 * (bench/README.md). A rule by ISA is wrong on one of them.
 */
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace guidedbp {

/* The arithmetic convolutions and linear layers run in. */
enum class Precision {
  F32,
  /* bfloat16 inputs and weights, float32 accumulation and outputs */
  BF16,
};

/* How a convolution or linear layer picks its kernels for each shape. */
struct KernelPolicy {
  /* time the candidates on the shape (at its first run) and keep the
   * fastest; false: oneDNN's own first choice, and guidedbp's kernels by
   * the fixed rules measured on an AVX2 CPU */
  bool tune = true;
  Precision precision = Precision::F32;
};

/* What a model's convolutions and linear layers chose, per planned
 * shape, and what packing their weights cost. */
struct KernelStats {
  unsigned linears = 0;         /* linear layers on oneDNN */
  unsigned winograd_convs = 0;  /* with Winograd (either way) for a shape */
  unsigned weight_reorders = 0; /* since the load, tuning included */
  std::vector<std::string> choices;     /* a line per layer and shape */
};

/* A candidate ready to run: what runs it once, and the memory of its
 * weights. */
struct Trial {
  std::function<void ()> run;
  std::vector<std::pair<const void *, size_t>> weights;
};

/* One way to run a step of a layer. prepare() builds it (primitives,
 * packed weights, buffers); what it returns is destroyed before the next
 * candidate is prepared. */
struct Candidate {
  std::string name;
  std::function<Trial ()> prepare;
};

/* The index of the fastest of @candidates: each is run once to warm up,
 * then timed 3 times (twice if a run takes over 5 ms) and judged by its
 * fastest run (the least disturbed by other work on the machine); one
 * whose warm-up takes over 5 times, or whose first timed run over 3 times,
 * the best so far is dropped there. Before each run its
 * weights are evicted from the caches: in a model each layer's weights
 * were last read a whole pass ago, and a kernel that reads more of them
 * (Winograd's transformed weights are 1.8 to 4 times larger) must not win
 * by a cache it will not find warm. @ms (optional) receives each
 * candidate's figure in milliseconds (infinite where dropped). A candidate
 * that throws is skipped; at least one must run. */
size_t choose_fastest (const std::vector<Candidate> &candidates,
    std::vector<double> *ms = nullptr);

/* A process-wide memory of choices by key: a layer with the same key (in
 * another model, or the same model loaded again) takes the same kernels
 * without timing them again. */
bool recall_choice (const std::string &key, std::string &choice);
void remember_choice (const std::string &key, const std::string &choice);

/* What a key must hold besides the layer: oneDNN's effective ISA and the
 * calling thread's OpenMP team size (libtorch's thread count), on which
 * the timings depend. */
std::string choice_context ();

/* Milliseconds spent timing candidates in this process so far. */
double tuning_milliseconds ();

}  // namespace guidedbp
