/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpmodel.h"

/* Where meson says the bundled demo model is installed and where it lies
 * in the source tree. */
#ifndef GUIDEDBP_INSTALLED_MODEL
#define GUIDEDBP_INSTALLED_MODEL "shapes-demo.pt"
#define GUIDEDBP_INSTALLED_LABELS "shapes-demo.labels"
#endif
#ifndef GUIDEDBP_SOURCE_MODEL
#define GUIDEDBP_SOURCE_MODEL GUIDEDBP_INSTALLED_MODEL
#define GUIDEDBP_SOURCE_LABELS GUIDEDBP_INSTALLED_LABELS
#endif

const gchar *
gst_guided_bp_default_model (void)
{
  static const gchar *path;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized)) {
    path = g_file_test (GUIDEDBP_INSTALLED_MODEL, G_FILE_TEST_IS_REGULAR) ?
        GUIDEDBP_INSTALLED_MODEL : GUIDEDBP_SOURCE_MODEL;
    g_once_init_leave (&initialized, 1);
  }
  return path;
}

gchar *
gst_guided_bp_resolve_labels (const gchar * model, const gchar * labels)
{
  const gchar *demo_labels = NULL;

  if (labels != NULL && *labels != '\0')
    return g_strdup (labels);

  if (g_strcmp0 (model, GUIDEDBP_INSTALLED_MODEL) == 0)
    demo_labels = GUIDEDBP_INSTALLED_LABELS;
  else if (g_strcmp0 (model, GUIDEDBP_SOURCE_MODEL) == 0)
    demo_labels = GUIDEDBP_SOURCE_LABELS;

  if (demo_labels != NULL && g_file_test (demo_labels, G_FILE_TEST_EXISTS))
    return g_strdup (demo_labels);
  return NULL;
}
