/* guidedbp tests — reading the committed fixtures in tests/data/
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <guidedbp/gbp-image.h>

G_BEGIN_DECLS

/* Absolute path of @relative under tests/data/ (GBP_TEST_DATA_DIR). */
gchar *gbp_test_data_path (const gchar * relative);

/* tests/data/fixtures.ini, loaded once; never NULL (aborts the test). */
GKeyFile *gbp_test_fixtures (void);

/* Group names of fixtures.ini that start with @prefix ("model ", ...). */
GStrv gbp_test_fixture_groups (const gchar * prefix);

/* The same of any @key_file. */
GStrv gbp_test_key_file_groups (GKeyFile * key_file, const gchar * prefix);

/* Key @key of @group; aborts when missing. */
gchar *gbp_test_fixture_string (const gchar * group, const gchar * key);
gint gbp_test_fixture_int (const gchar * group, const gchar * key);
gdouble gbp_test_fixture_double (const gchar * group, const gchar * key);

/* Contents of tests/data/@relative; checks its size equals @expected_size
 * bytes. Free with g_free(). */
guint8 *gbp_test_read_data (const gchar * relative, gsize expected_size);

/* Contents of the data file named by @key of @group; checks its size
 * equals @expected_size bytes. */
guint8 *gbp_test_fixture_file (const gchar * group, const gchar * key,
    gsize expected_size);

/* Agreement of @actual with @reference, both @n floats. */
typedef struct {
  gdouble max_abs_ref;          /* max |reference| */
  gdouble max_abs_diff;         /* max |actual - reference| */
  gdouble fraction_close;       /* share within 1e-3 * max_abs_ref */
  gdouble correlation;          /* Pearson correlation */
} GbpAgreement;

GbpAgreement gbp_test_agreement (const gfloat * actual,
    const gfloat * reference, gsize n);


/* A @format copy of packed RGB @rgb (@width x @height) with @padding
 * extra bytes at the end of each row (filled with 0xAB) and 0x5A in
 * alpha/padding bytes. Free image.data with g_free(). */
GbpImage gbp_test_image_from_rgb (const guint8 * rgb, guint width,
    guint height, GbpPixelFormat format, gsize padding);

/* Reads the RGB of @image back into a new packed RGB buffer. */
guint8 *gbp_test_image_to_rgb (const GbpImage * image);

G_END_DECLS
