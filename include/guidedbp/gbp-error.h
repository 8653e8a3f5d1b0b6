/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-api.h>

G_BEGIN_DECLS

#define GBP_ERROR (gbp_error_quark ())
GBP_API
GQuark gbp_error_quark (void);

/**
 * GbpError:
 * @GBP_ERROR_INVALID_ARGUMENT: a configuration value or image is unusable
 * @GBP_ERROR_MODEL_LOAD: the model file is missing, unreadable or not TorchScript
 * @GBP_ERROR_MODEL_NOT_CLASSIFIER: the model loads but is not an image
 *   classifier taking [N,3,H,W] floats and returning [N,classes] floats
 * @GBP_ERROR_MODEL_UNSUPPORTED: the model has no ReLU-family activation, so
 *   guided backpropagation is undefined for it
 * @GBP_ERROR_DEVICE: the device string is unknown or the device is unavailable
 * @GBP_ERROR_LABELS: the labels file is unreadable or does not match the model
 * @GBP_ERROR_RUN: running the model failed
 */
typedef enum {
  GBP_ERROR_INVALID_ARGUMENT,
  GBP_ERROR_MODEL_LOAD,
  GBP_ERROR_MODEL_NOT_CLASSIFIER,
  GBP_ERROR_MODEL_UNSUPPORTED,
  GBP_ERROR_DEVICE,
  GBP_ERROR_LABELS,
  GBP_ERROR_RUN,
} GbpError;

G_END_DECLS
