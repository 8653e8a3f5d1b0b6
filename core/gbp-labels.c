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

/* How many labels an unknown label's error lists. */
#define LABELS_LISTED 5

/* Appends up to LABELS_LISTED of @labels to @list, quoted: when @folded
 * is not NULL those whose case-folded text contains it or, if three
 * characters or longer, is contained in it; else the first ones. Returns
 * how many. */
static guint
list_labels (GString * list, gchar ** labels, const gchar * folded)
{
  guint listed = 0;

  for (guint i = 0; labels[i] != NULL && listed < LABELS_LISTED; i++) {
    if (folded != NULL) {
      g_autofree gchar *candidate = g_utf8_casefold (labels[i], -1);

      if (*candidate == '\0' || (strstr (candidate, folded) == NULL
              && (g_utf8_strlen (candidate, -1) < 3
                  || strstr (folded, candidate) == NULL)))
        continue;
    }
    g_string_append_printf (list, "%s'%s'", listed > 0 ? ", " : "",
        labels[i]);
    listed++;
  }
  return listed;
}

gboolean
gbp_labels_find (gchar ** labels, const gchar * label, gint * index,
    GError ** error)
{
  g_autoptr (GString) list = g_string_new (NULL);
  g_autofree gchar *folded = NULL;
  const gchar *which = "similar labels";
  guint count = g_strv_length (labels);

  for (guint i = 0; i < count; i++) {
    if (g_strcmp0 (labels[i], label) == 0) {
      *index = (gint) i;
      return TRUE;
    }
  }

  if (label != NULL && *label != '\0')
    folded = g_utf8_casefold (label, -1);
  if (folded == NULL || list_labels (list, labels, folded) == 0) {
    which = count > LABELS_LISTED ? "the first labels" : "the labels";
    list_labels (list, labels, NULL);
  }
  g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
      "no class is labelled '%s'; %s are %s (%u in all)",
      label ? label : "(null)", which, list->str, count);
  return FALSE;
}
