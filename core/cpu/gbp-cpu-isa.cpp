/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-cpu-isa.h"

#ifdef GBP_HAVE_IDEEP
#include <oneapi/dnnl/dnnl.h>
#endif

namespace guidedbp {

#ifdef GBP_HAVE_IDEEP
namespace {

/* oneDNN's ISAs are bit sets: a higher one includes the lower ones' bits. */
bool
includes (dnnl_cpu_isa_t isa, dnnl_cpu_isa_t lower)
{
  return (isa & lower) == lower;
}

}  // namespace

std::string
onednn_isa_name ()
{
  static const struct {
    dnnl_cpu_isa_t isa;
    const char *name;
  } names[] = {
    {dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"},
    {dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"},
    {dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"},
    {dnnl_cpu_isa_avx512_core, "avx512_core"},
    {dnnl_cpu_isa_avx2_vnni, "avx2_vnni"},
    {dnnl_cpu_isa_avx2, "avx2"},
    {dnnl_cpu_isa_avx, "avx"},
    {dnnl_cpu_isa_sse41, "sse41"},
  };
  dnnl_cpu_isa_t isa = dnnl_get_effective_cpu_isa ();

  for (const auto &n : names)
    if (includes (isa, n.isa))
      return n.name;
  return "generic";
}

bool
isa_allows_avx ()
{
  return includes (dnnl_get_effective_cpu_isa (), dnnl_cpu_isa_avx);
}

std::string
native_bf16_missing ()
{
  __builtin_cpu_init ();
  if (!__builtin_cpu_supports ("avx512bf16")
      && !__builtin_cpu_supports ("amx-bf16"))
    return "this CPU computes bfloat16 only by emulation (it has neither "
        "AVX512_BF16 nor AMX-BF16)";
  if (!includes (dnnl_get_effective_cpu_isa (), dnnl_cpu_isa_avx512_core_bf16))
    return "oneDNN is capped below native bfloat16 (its effective ISA is "
        + onednn_isa_name () + ": see ONEDNN_MAX_CPU_ISA)";
  return "";
}

#else

std::string
onednn_isa_name ()
{
  return "none";
}

bool
isa_allows_avx ()
{
  return false;
}

std::string
native_bf16_missing ()
{
  return "this build has no oneDNN path (-Donednn_conv)";
}
#endif

}  // namespace guidedbp
