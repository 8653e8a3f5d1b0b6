/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the CPU kernels (C++, no libtorch type): which instruction
 * sets this process may use. oneDNN's effective ISA is the CPU's best,
 * lowered by ONEDNN_MAX_CPU_ISA (DNNL_MAX_CPU_ISA): guidedbp's own kernels
 * follow it too, so that one host can test every tier below its own.
 */
#pragma once

#include <string>

namespace guidedbp {

/* oneDNN's effective ISA by name ("avx2", "avx512_core_amx", ...); without
 * the oneDNN path, "none". */
std::string onednn_isa_name ();

/* Whether oneDNN's effective ISA includes AVX (and so may the kernels). */
bool isa_allows_avx ();

/* Whether bfloat16 arithmetic runs natively: the CPU has AVX512_BF16 or
 * AMX-BF16 and oneDNN's effective ISA allows it (avx512_core_bf16 or
 * higher). Empty when it does; else why not, for an error message. */
std::string native_bf16_missing ();

}  // namespace guidedbp
