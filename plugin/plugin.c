/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbp.h"

#ifndef PACKAGE
#define PACKAGE "guidedbp"
#endif
#ifndef VERSION
#define VERSION "0.0.0"
#endif
#define GST_GUIDED_BP_LICENSE "LGPL"
#define GST_GUIDED_BP_ORIGIN "guidedbp"

static gboolean
plugin_init (GstPlugin * plugin)
{
  return GST_ELEMENT_REGISTER (guidedbp, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, guidedbp,
    "Guided Backpropagation saliency maps of video frames (libtorch)",
    plugin_init, VERSION, GST_GUIDED_BP_LICENSE, PACKAGE,
    GST_GUIDED_BP_ORIGIN)
