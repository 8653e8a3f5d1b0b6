/* guidedbp tests — the thread count a run really uses (no GStreamer)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * num_threads 0 is one thread per CPU of the process's affinity mask, and
 * every run, from whichever thread, uses its engine's count: libtorch's
 * count is process-wide, but with OpenMP each thread's team has its own
 * size (gbp-engine.h).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <check.h>
#include <guidedbp/guidedbp.h>

#include "gbp-test-data.h"
#include "gbp-test-run.h"

#define GROUP "model alexnet_inplace"

static guint
affinity_count (void)
{
  cpu_set_t set;

  ck_assert_int_eq (sched_getaffinity (0, sizeof (set), &set), 0);
  return CPU_COUNT (&set);
}

static GbpEngine *
new_engine (guint num_threads)
{
  g_autofree gchar *file = gbp_test_fixture_string (GROUP, "file");
  g_autofree gchar *path = gbp_test_data_path (file);
  g_autoptr (GError) error = NULL;
  GbpEngineConfig config;
  GbpEngine *engine;

  gbp_engine_config_init (&config);
  ck_assert_uint_eq (config.num_threads, 0);
  config.model_path = path;
  config.input_width = gbp_test_fixture_int (GROUP, "input_width");
  config.input_height = gbp_test_fixture_int (GROUP, "input_height");
  config.num_threads = num_threads;
  engine = gbp_engine_new (&config, &error);
  ck_assert_msg (engine != NULL, "%s", error ? error->message : "");
  return engine;
}

static void
run_once (GbpEngine * engine)
{
  g_autofree guint8 *rgb = gbp_test_fixture_file (GROUP, "image",
      (gsize) 64 * 64 * 3);
  GbpImage image = gbp_test_image_from_rgb (rgb, 64, 64,
      GBP_PIXEL_FORMAT_RGBX, 0);
  g_autoptr (GError) error = NULL;
  GbpSaliency saliency;

  ck_assert_msg (gbp_engine_run (engine, &image, NULL, &saliency, &error), "%s",
      error ? error->message : "");
  g_free (image.data);
}

/* Runs @engine in a thread of its own; returns the count it ran with. */
static gpointer
run_in_thread_func (gpointer data)
{
  run_once (data);
  return GUINT_TO_POINTER (gbp_engine_get_num_threads (data));
}

static guint
run_in_new_thread (GbpEngine * engine)
{
  return GPOINTER_TO_UINT (g_thread_join (g_thread_new ("run",
              run_in_thread_func, engine)));
}

START_TEST (test_default_is_affinity)
{
  GbpEngine *engine = new_engine (0);
  guint cpus = affinity_count ();

  g_print ("%u CPUs in the affinity mask: %u threads\n", cpus,
      gbp_engine_get_num_threads (engine));
  ck_assert_uint_eq (gbp_engine_get_num_threads (engine), cpus);
  run_once (engine);
  ck_assert_uint_eq (gbp_engine_get_num_threads (engine), cpus);
  ck_assert_uint_eq (run_in_new_thread (engine), cpus);
  gbp_engine_free (engine);
}
END_TEST

/* The process (this thread, and the threads it starts) limited to one CPU:
 * the default follows. */
START_TEST (test_default_follows_a_narrower_mask)
{
  cpu_set_t saved, one;
  GbpEngine *engine;

  ck_assert_int_eq (sched_getaffinity (0, sizeof (saved), &saved), 0);
  CPU_ZERO (&one);
  for (guint cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (CPU_ISSET (cpu, &saved)) {
      CPU_SET (cpu, &one);
      break;
    }
  }
  ck_assert_int_eq (sched_setaffinity (0, sizeof (one), &one), 0);

  engine = new_engine (0);
  run_once (engine);
  ck_assert_uint_eq (gbp_engine_get_num_threads (engine), 1);
  ck_assert_uint_eq (run_in_new_thread (engine), 1);
  gbp_engine_free (engine);

  ck_assert_int_eq (sched_setaffinity (0, sizeof (saved), &saved), 0);
}
END_TEST

/* Explicit counts hold whatever the CPUs, in the thread that runs. */
START_TEST (test_explicit_count)
{
  GbpEngine *engine = new_engine (3);

  run_once (engine);
  ck_assert_uint_eq (gbp_engine_get_num_threads (engine), 3);
  ck_assert_uint_eq (run_in_new_thread (engine), 3);
  gbp_engine_free (engine);
}
END_TEST

/* Two engines with other counts in one process: creating the second sets
 * libtorch's count for everything, and each run sets its own back in the
 * thread that runs it. */
START_TEST (test_each_run_uses_its_engine_count)
{
  GbpEngine *two = new_engine (2);
  GbpEngine *one;

  run_once (two);
  ck_assert_uint_eq (gbp_engine_get_num_threads (two), 2);
  one = new_engine (1);
  ck_assert_uint_eq (run_in_new_thread (one), 1);
  ck_assert_uint_eq (run_in_new_thread (two), 2);
  run_once (one);
  ck_assert_uint_eq (gbp_engine_get_num_threads (one), 1);
  run_once (two);
  ck_assert_uint_eq (gbp_engine_get_num_threads (two), 2);
  gbp_engine_free (one);
  gbp_engine_free (two);
}
END_TEST

static Suite *
threads_suite (void)
{
  Suite *s = suite_create ("threads");
  TCase *tc = gbp_test_tcase_add (s, "general", 300);

  tcase_add_test (tc, test_default_is_affinity);
  tcase_add_test (tc, test_default_follows_a_narrower_mask);
  tcase_add_test (tc, test_explicit_count);
  tcase_add_test (tc, test_each_run_uses_its_engine_count);
  return s;
}

int
main (void)
{
  return gbp_test_run_suite (threads_suite ());
}
