/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "guidedbp/gbp-error.h"

G_DEFINE_QUARK (gbp-error-quark, gbp_error);
