/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "guidedbp/gbp-version.h"

guint
gbp_version (void)
{
  return GBP_VERSION;
}

const gchar *
gbp_version_string (void)
{
  return GBP_VERSION_STRING;
}
