/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internal: class labels files.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Reads @path: one UTF-8 label per line (LF or CRLF; the last line may lack
 * its newline; an empty line is an empty label). Fails with GBP_ERROR_LABELS
 * naming the file and the line when it cannot be read, a line is not UTF-8,
 * or the count differs from @expected_count. Returns a NULL-terminated
 * array of @expected_count labels, freed with g_strfreev(). */
gchar **gbp_labels_load (const gchar * path, guint expected_count,
    GError ** error);

/* The index of @label in @labels (exact, case-sensitive); else FALSE with
 * GBP_ERROR_INVALID_ARGUMENT naming @label and listing a few labels: those
 * that contain it or (three characters or more) are part of it, ignoring
 * case, or else the first ones. */
gboolean gbp_labels_find (gchar ** labels, const gchar * label,
    gint * index, GError ** error);

G_END_DECLS
