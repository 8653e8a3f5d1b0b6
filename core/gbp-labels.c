/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-labels.h"

#include <string.h>

#include "guidedbp/gbp-error.h"

gchar **
gbp_labels_load (const gchar * path, guint expected_count, GError ** error)
{
  g_autofree gchar *contents = NULL;
  g_autoptr (GError) read_error = NULL;
  g_auto (GStrv) lines = NULL;
  gsize length = 0;
  guint count;

  if (!g_file_get_contents (path, &contents, &length, &read_error)) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_LABELS,
        "cannot read labels file: %s", read_error->message);
    return NULL;
  }
  if (memchr (contents, '\0', length) != NULL) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_LABELS,
        "labels file %s contains a NUL byte: not a text file", path);
    return NULL;
  }
  /* a final newline ends the last line rather than starting an empty one */
  if (length > 0 && contents[length - 1] == '\n')
    contents[--length] = '\0';
  lines = length > 0 ? g_strsplit (contents, "\n", -1) : g_new0 (gchar *, 1);
  count = g_strv_length (lines);

  for (guint i = 0; i < count; i++) {
    gsize len = strlen (lines[i]);

    if (len > 0 && lines[i][len - 1] == '\r')
      lines[i][len - 1] = '\0';
    if (!g_utf8_validate (lines[i], -1, NULL)) {
      g_set_error (error, GBP_ERROR, GBP_ERROR_LABELS,
          "labels file %s: line %u is not valid UTF-8", path, i + 1);
      return NULL;
    }
  }
  if (count != expected_count) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_LABELS,
        "labels file %s has %u lines but the model has %u classes "
        "(one label per line expected)", path, count, expected_count);
    return NULL;
  }
  return g_steal_pointer (&lines);
}
