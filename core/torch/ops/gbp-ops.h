/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal to the libtorch wrapper (C++).
 */
#pragma once

namespace guidedbp {

/* Whether the oneDNN ops can run here: this build has the oneDNN path
 * (ideep and oneDNN headers matching the system libtorch) and libtorch
 * was built with MKLDNN. */
bool onednn_available ();

}  // namespace guidedbp
