/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpprecision.h"

GType
gst_guided_bp_precision_get_type (void)
{
  static const GEnumValue values[] = {
    {GBP_PRECISION_FP32, "float32 throughout", "fp32"},
    {GBP_PRECISION_BF16,
        "Convolutions and linear layers in bfloat16 with float32 "
          "accumulation (the guided rule, pooling, scores and the saliency "
          "stay float32): about twice as fast; needs a CPU with native "
          "bfloat16 (AVX512_BF16 or AMX), else starting fails", "bf16"},
    {0, NULL, NULL},
  };
  static gsize id = 0;

  if (g_once_init_enter (&id)) {
    GType type = g_enum_register_static ("GstGuidedBpPrecision", values);

    g_once_init_leave (&id, type);
  }
  return (GType) id;
}
