/* guidedbp benchmark — the engine side of bench/bench.py
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: gbp-bench-server MODEL.pt THREADS [OPTION...]
 *   nofold   keep batch norms (the engine folds them by default)
 *   notune   take the kernels by fixed rules instead of timing them at load
 *   bf16     precision bf16
 * Loads one model and answers commands on stdin, one per line, so that the
 * Python driver can interleave our engine with PyTorch baselines in one run:
 *   guided N W H [FORMAT]
 *                   N engine runs on a W x H frame, RGBX (default) or NV12
 *                   (resize, conversion + guided forward/backward); prints
 *                   the N times in ms on one line
 *   regions N K W H N runs of K boxes of a W x H RGBX frame in one batch
 *                   (gbp_engine_run_regions: K crops resized, converted,
 *                   one guided forward/backward of batch K); prints the N
 *                   times in ms on one line
 *   forward N       N forward-only passes at the model's input size
 *   rss             peak resident memory of this process in MiB
 *   load            milliseconds the engine took to load, and of them those
 *                   spent timing candidate kernels
 *   kernels         the kernels each layer runs, then a line "end"
 *   isa             the instruction set oneDNN dispatches
 *   quit
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <guidedbp/guidedbp.h>
#include "gbp-torch.h"

static GbpImage
make_frame (guint width, guint height, gboolean nv12)
{
  GbpImage frame = { NULL, width, height, (gsize) width * 4,
    GBP_PIXEL_FORMAT_RGBX
  };
  gsize size;

  if (nv12) {
    frame.stride = width;
    frame.yuv_format = GBP_YUV_FORMAT_NV12;
    frame.chroma_stride[0] = 2 * (gsize) ((width + 1) / 2);
    size = frame.stride * height + frame.chroma_stride[0] * ((height + 1) / 2);
  } else {
    size = frame.stride * height;
  }
  frame.data = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    frame.data[i] = (guint8) ((i * 2654435761u) >> 24);
  if (nv12)
    frame.chroma[0] = frame.data + frame.stride * height;
  return frame;
}

static void
print_times (const gdouble * times, guint n)
{
  for (guint i = 0; i < n; i++)
    printf ("%s%.3f", i ? " " : "", times[i]);
  printf ("\n");
  fflush (stdout);
}

/* @n guided passes of a frame, timed: the whole frame when @k is 0, else
 * K boxes spread over it, overlapping, of about a third of its size each
 * (what a detector finds), in one batch. */
static gboolean
run_guided (GbpEngine * engine, guint n, guint k, guint width, guint height,
    gboolean nv12)
{
  GbpImage frame = make_frame (width, height, nv12);
  g_autofree gdouble *times = g_new (gdouble, n);
  g_autofree GbpRegion *regions = g_new (GbpRegion, MAX (k, 1));
  g_autofree GbpSaliency *saliencies = g_new (GbpSaliency, MAX (k, 1));
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < k; i++)
    regions[i] = (GbpRegion) {
    (gint) ((i % 4) * width / 5), (gint) ((i / 4) * height / 3),
          width / 3 + 7 * i, height / 3 + 5 * i};
  for (guint i = 0; i < n; i++) {
    gint64 start = g_get_monotonic_time ();
    gboolean ok = k == 0 ?
        gbp_engine_run (engine, &frame, NULL, saliencies, &error)
        : gbp_engine_run_regions (engine, &frame, regions, k, NULL, saliencies,
        &error);

    if (!ok) {
      fprintf (stderr, "run failed: %s\n", error->message);
      g_free (frame.data);
      return FALSE;
    }
    times[i] = (g_get_monotonic_time () - start) / 1000.0;
  }
  print_times (times, n);
  g_free (frame.data);
  return TRUE;
}

static gboolean
run_forward (GbpTorchModel * model, guint n, guint width, guint height)
{
  g_autofree gfloat *input = g_new0 (gfloat, (gsize) 3 * width * height);
  g_autofree gdouble *times = g_new (gdouble, n);

  for (guint i = 0; i < n; i++) {
    g_autofree gchar *message = NULL;
    gint64 start = g_get_monotonic_time ();

    if (gbp_torch_model_run (model, input, 1, 3, height, width, NULL, NULL,
            NULL, NULL, NULL, NULL, NULL, &message) != GBP_TORCH_OK) {
      fprintf (stderr, "forward failed: %s\n", message);
      return FALSE;
    }
    times[i] = (g_get_monotonic_time () - start) / 1000.0;
  }
  print_times (times, n);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *message = NULL;
  GbpTorchModel *model = NULL;
  GbpTorchLoadOptions options;
  GbpEngineConfig config;
  GbpEngine *engine;
  gint64 load_start;
  gdouble load_ms, tuning_ms;
  char line[256];

  if (argc < 3) {
    fprintf (stderr, "usage: %s MODEL.pt THREADS [nofold] [notune] [bf16]\n",
        argv[0]);
    return 2;
  }
  gbp_engine_config_init (&config);
  config.model_path = argv[1];
  config.num_threads = atoi (argv[2]);
  for (int i = 3; i < argc; i++) {
    if (g_str_equal (argv[i], "nofold"))
      config.fold_batch_norm = FALSE;
    else if (g_str_equal (argv[i], "notune"))
      config.tune_kernels = FALSE;
    else if (g_str_equal (argv[i], "bf16"))
      config.precision = GBP_PRECISION_BF16;
    else {
      fprintf (stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  load_start = g_get_monotonic_time ();
  engine = gbp_engine_new (&config, &error);
  load_ms = (g_get_monotonic_time () - load_start) / 1000.0;
  tuning_ms = gbp_torch_tuning_milliseconds ();
  if (engine == NULL) {
    fprintf (stderr, "%s\n", error->message);
    return 1;
  }
  /* forward-only floor: a second copy of the model, outside the engine */
  gbp_torch_load_options_init (&options);
  options.fold_batch_norm = config.fold_batch_norm;
  options.tune_kernels = config.tune_kernels;
  options.precision = config.precision == GBP_PRECISION_BF16 ?
      GBP_TORCH_PRECISION_BF16 : GBP_TORCH_PRECISION_FP32;
  if (gbp_torch_model_load (argv[1], &options, &model,
          &message) != GBP_TORCH_OK) {
    fprintf (stderr, "%s\n", message);
    return 1;
  }
  printf ("ready\n");
  fflush (stdout);

  while (fgets (line, sizeof line, stdin) != NULL) {
    guint n = 0, w = 0, h = 0, k = 0;
    char format[16] = "RGBX";
    gboolean ok = TRUE;

    if (sscanf (line, "guided %u %u %u %15s", &n, &w, &h, format) >= 3)
      ok = run_guided (engine, n, 0, w, h, g_str_equal (format, "NV12"));
    else if (sscanf (line, "regions %u %u %u %u", &n, &k, &w, &h) == 4)
      ok = run_guided (engine, n, k, w, h, FALSE);
    else if (sscanf (line, "forward %u", &n) == 1)
      ok = run_forward (model, n, config.input_width, config.input_height);
    else if (strncmp (line, "rss", 3) == 0) {
      struct rusage usage;

      getrusage (RUSAGE_SELF, &usage);
      printf ("%.1f\n", usage.ru_maxrss / 1024.0);
      fflush (stdout);
    } else if (strncmp (line, "load", 4) == 0) {
      printf ("%.1f %.1f\n", load_ms, tuning_ms);
      fflush (stdout);
    } else if (strncmp (line, "isa", 3) == 0) {
      printf ("%s\n", gbp_torch_onednn_isa ());
      fflush (stdout);
    } else if (strncmp (line, "kernels", 7) == 0) {
      g_autofree gchar *kernels = gbp_engine_describe_kernels (engine);

      printf ("%send\n", kernels);
      fflush (stdout);
    } else if (strncmp (line, "quit", 4) == 0)
      break;
    else {
      fprintf (stderr, "unknown command: %s", line);
      ok = FALSE;
    }
    if (!ok)
      break;
  }
  gbp_torch_model_free (model);
  gbp_engine_free (engine);
  return 0;
}
