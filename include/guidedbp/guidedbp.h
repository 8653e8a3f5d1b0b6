/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Umbrella header: the engine turns 8-bit RGB-family frames into Guided
 * Backpropagation saliency (Springenberg et al. 2014) of a TorchScript image
 * classifier, and renders it into images. No GStreamer is needed.
 */
#pragma once

#include <guidedbp/gbp-error.h>
#include <guidedbp/gbp-image.h>
#include <guidedbp/gbp-region.h>
#include <guidedbp/gbp-engine.h>
#include <guidedbp/gbp-render.h>
#include <guidedbp/gbp-version.h>
