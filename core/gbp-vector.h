/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: the pixel loops of preprocessing and rendering are plain C that
 * GCC vectorizes (core/meson.build asks for its cost model of -O3). Marked
 * GBP_VECTOR_CLONES, a function is also compiled for AVX2 (x86-64-v3) and
 * AVX-512 (x86-64-v4), and the CPU picks its copy when the library loads:
 * the baseline x86-64 has SSE2 only, whose integer multiply is 4 lanes
 * emulated in several instructions.
 */
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) \
    && __GNUC__ >= 12 && !defined(__SANITIZE_ADDRESS__)
#define GBP_VECTOR_CLONES \
  __attribute__ ((target_clones ("default", "arch=x86-64-v3", \
              "arch=x86-64-v4")))
#else
#define GBP_VECTOR_CLONES
#endif
