/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GBP_API marks the functions libguidedbp exports. The library is built
 * with hidden visibility, so a function without it stays internal, however
 * it is named; only the declarations in these installed headers carry it.
 */
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define GBP_API __attribute__ ((visibility ("default")))
#else
#define GBP_API
#endif
