/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The k most probable classes of a run, from its softmax probabilities.
 */
#include "guidedbp/gbp-engine.h"

#include <math.h>

/* TRUE when class @a ranks before class @b: more probable, or as probable
 * and a lower index; NaN ranks after every number. */
static gboolean
ranks_before (const gfloat * probabilities, gint a, gint b)
{
  const gfloat pa = probabilities[a], pb = probabilities[b];

  if (isnan (pa) || isnan (pb))
    return !isnan (pa) || (isnan (pb) && a < b);
  return pa > pb || (pa == pb && a < b);
}

guint
gbp_saliency_get_top_k (const GbpSaliency * saliency, guint k,
    gint * classes, gfloat * scores)
{
  g_autofree gint *top = NULL;
  guint n, count = 0;

  g_return_val_if_fail (saliency != NULL, 0);

  if (saliency->probabilities == NULL)
    return 0;
  n = MIN (k, saliency->num_classes);
  if (n == 0)
    return 0;

  /* Insertion into a sorted list of the n best so far: k is small (a few
   * to tens) against thousands of classes. */
  top = g_new (gint, n);
  for (guint c = 0; c < saliency->num_classes; c++) {
    guint at;

    if (count == n && !ranks_before (saliency->probabilities, c, top[n - 1]))
      continue;
    at = count < n ? count++ : n - 1;
    while (at > 0 && ranks_before (saliency->probabilities, c, top[at - 1])) {
      top[at] = top[at - 1];
      at--;
    }
    top[at] = c;
  }
  for (guint i = 0; i < n; i++) {
    if (classes != NULL)
      classes[i] = top[i];
    if (scores != NULL)
      scores[i] = saliency->probabilities[top[i]];
  }
  return n;
}
