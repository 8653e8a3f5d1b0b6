/* guidedbp tests — reading the committed fixtures in tests/data/
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-test-data.h"

#include <math.h>
#include <string.h>
#include <check.h>

gchar *
gbp_test_data_path (const gchar * relative)
{
  const gchar *dir = g_getenv ("GBP_TEST_DATA_DIR");

  return g_build_filename (dir ? dir : GBP_TEST_DATA_DIR, relative, NULL);
}

GKeyFile *
gbp_test_fixtures (void)
{
  static GKeyFile *fixtures;

  if (fixtures == NULL) {
    g_autofree gchar *path = gbp_test_data_path ("fixtures.ini");
    g_autoptr (GError) error = NULL;
    GKeyFile *file = g_key_file_new ();

    if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error))
      ck_abort_msg ("cannot read %s: %s", path, error->message);
    fixtures = file;
  }
  return fixtures;
}

GStrv
gbp_test_fixture_groups (const gchar * prefix)
{
  return gbp_test_key_file_groups (gbp_test_fixtures (), prefix);
}

GStrv
gbp_test_key_file_groups (GKeyFile * key_file, const gchar * prefix)
{
  g_auto (GStrv) groups = g_key_file_get_groups (key_file, NULL);
  GPtrArray *matching = g_ptr_array_new ();

  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], prefix))
      g_ptr_array_add (matching, g_strdup (groups[i]));
  g_ptr_array_add (matching, NULL);
  return (GStrv) g_ptr_array_free (matching, FALSE);
}

gchar *
gbp_test_fixture_string (const gchar * group, const gchar * key)
{
  g_autoptr (GError) error = NULL;
  gchar *value = g_key_file_get_string (gbp_test_fixtures (), group, key,
      &error);

  ck_assert_msg (value != NULL, "fixtures.ini [%s] %s: %s", group, key,
      error ? error->message : "missing");
  return value;
}

gint
gbp_test_fixture_int (const gchar * group, const gchar * key)
{
  g_autofree gchar *text = gbp_test_fixture_string (group, key);

  return (gint) g_ascii_strtoll (text, NULL, 10);
}

gdouble
gbp_test_fixture_double (const gchar * group, const gchar * key)
{
  g_autofree gchar *text = gbp_test_fixture_string (group, key);

  return g_ascii_strtod (text, NULL);
}

guint8 *
gbp_test_fixture_file (const gchar * group, const gchar * key,
    gsize expected_size)
{
  g_autofree gchar *relative = gbp_test_fixture_string (group, key);

  return gbp_test_read_data (relative, expected_size);
}

guint8 *
gbp_test_read_data (const gchar * relative, gsize expected_size)
{
  g_autofree gchar *path = gbp_test_data_path (relative);
  g_autoptr (GError) error = NULL;
  gchar *contents = NULL;
  gsize size = 0;

  if (!g_file_get_contents (path, &contents, &size, &error))
    ck_abort_msg ("cannot read %s: %s", path, error->message);
  ck_assert_msg (size == expected_size, "%s has %" G_GSIZE_FORMAT
      " bytes, expected %" G_GSIZE_FORMAT, path, size, expected_size);
  return (guint8 *) contents;
}

GbpAgreement
gbp_test_agreement (const gfloat * actual, const gfloat * reference, gsize n)
{
  GbpAgreement a = { 0 };
  gdouble mean_a = 0, mean_r = 0, cov = 0, var_a = 0, var_r = 0;
  gsize close = 0;

  for (gsize i = 0; i < n; i++) {
    a.max_abs_ref = MAX (a.max_abs_ref, fabs (reference[i]));
    a.max_abs_diff = MAX (a.max_abs_diff, fabs (actual[i] - reference[i]));
    mean_a += actual[i];
    mean_r += reference[i];
  }
  mean_a /= n;
  mean_r /= n;
  for (gsize i = 0; i < n; i++) {
    gdouble da = actual[i] - mean_a, dr = reference[i] - mean_r;

    cov += da * dr;
    var_a += da * da;
    var_r += dr * dr;
    if (fabs (actual[i] - reference[i]) <= 1e-3 * a.max_abs_ref)
      close++;
  }
  a.fraction_close = (gdouble) close / n;
  a.correlation = var_a > 0 && var_r > 0 ? cov / sqrt (var_a * var_r) : 0.0;
  return a;
}

GbpImage
gbp_test_image_from_rgb (const guint8 * rgb, guint width, guint height,
    GbpPixelFormat format, gsize padding)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (format);
  GbpImage image = {
    .width = width,
    .height = height,
    .stride = (gsize) width * layout->bytes_per_pixel + padding,
    .format = format,
  };

  image.data = g_malloc (image.stride * height);
  memset (image.data, 0xAB, image.stride * height);
  for (guint y = 0; y < height; y++) {
    for (guint x = 0; x < width; x++) {
      guint8 *p = image.data + y * image.stride + x * layout->bytes_per_pixel;
      const guint8 *s = rgb + ((gsize) y * width + x) * 3;

      p[layout->red] = s[0];
      p[layout->green] = s[1];
      p[layout->blue] = s[2];
      if (layout->pad >= 0)
        p[layout->pad] = 0x5A;
    }
  }
  return image;
}

guint8 *
gbp_test_image_to_rgb (const GbpImage * image)
{
  const GbpPixelLayout *layout = gbp_pixel_format_get_layout (image->format);
  guint8 *rgb = g_malloc ((gsize) image->width * image->height * 3);

  for (guint y = 0; y < image->height; y++) {
    for (guint x = 0; x < image->width; x++) {
      const guint8 *p = image->data + y * image->stride
          + x * layout->bytes_per_pixel;
      guint8 *d = rgb + ((gsize) y * image->width + x) * 3;

      d[0] = p[layout->red];
      d[1] = p[layout->green];
      d[2] = p[layout->blue];
    }
  }
  return rgb;
}
