/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: the engine's malloc policy.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Tells glibc's malloc, once per process, to keep freed memory of up to
 * 32 MiB blocks for reuse instead of returning it to the system, unless
 * GLIBC_TUNABLES already sets malloc tunables (the user's choice wins).
 * Does nothing with another C library. */
void gbp_heap_keep_freed_memory (void);

G_END_DECLS
