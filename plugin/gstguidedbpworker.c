/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpworker.h"

#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (gst_guided_bp_debug);
#define GST_CAT_DEFAULT gst_guided_bp_debug

/* A frame to explain: a packed copy of its pixels and what came with it. */
typedef struct
{
  GbpImage image;               /* image.data is pixels */
  guint8 *pixels;
  gsize capacity;
  GstGuidedBpRequest request;
  guint generation;             /* the worker's generation at submission */
} Job;

struct _GstGuidedBpWorker
{
  GstElement *element;
  GbpEngine *engine;
  const gchar *model;           /* the element's engine_model */
  GThread *thread;

  /* Worker thread only. */
  Job working;
  GstGuidedBpSaliency *back;    /* filled from the engine, then published */

  /* Under lock. */
  GMutex lock;
  GCond cond;
  gboolean stopping;
  gboolean failed;
  guint generation;             /* bumped by flushes */
  Job pending;
  gboolean has_pending;
  GstGuidedBpSaliency *front;   /* the latest published result */
  gboolean front_fresh;         /* not yet taken by the streaming thread */
};

static void
job_clear (Job * job)
{
  g_free (job->pixels);
  memset (job, 0, sizeof (*job));
}

/* Bytes per row and rows of plane @p of @frame (0 past its last plane). */
static void
plane_size (const GbpImage * frame, guint p, gsize * row_bytes, guint * rows)
{
  const gsize chroma_width = (frame->width + 1) / 2;
  const guint chroma_height = (frame->height + 1) / 2;

  *row_bytes = 0;
  *rows = 0;
  switch (frame->yuv_format) {
    case GBP_YUV_FORMAT_NONE:
      if (p == 0) {
        *row_bytes = (gsize) frame->width *
            gbp_pixel_format_get_layout (frame->format)->bytes_per_pixel;
        *rows = frame->height;
      }
      break;
    case GBP_YUV_FORMAT_YUY2:
      if (p == 0) {
        *row_bytes = 4 * chroma_width;
        *rows = frame->height;
      }
      break;
    case GBP_YUV_FORMAT_NV12:
    case GBP_YUV_FORMAT_I420:
    default:
      if (p == 0) {
        *row_bytes = frame->width;
        *rows = frame->height;
      } else if (p == 1 || frame->yuv_format == GBP_YUV_FORMAT_I420) {
        *row_bytes = frame->yuv_format == GBP_YUV_FORMAT_NV12 && p == 1 ?
            2 * chroma_width : chroma_width;
        *rows = chroma_height;
      }
      break;
  }
}

/* Copies @frame's planes, their rows packed, into @job; allocates only
 * when a larger frame comes. */
static void
job_set_frame (Job * job, const GbpImage * frame)
{
  const guint8 *planes[3] = { frame->data, frame->chroma[0],
    frame->chroma[1]
  };
  const gsize strides[3] = { frame->stride, frame->chroma_stride[0],
    frame->chroma_stride[1]
  };
  gsize row_bytes[3], size = 0, offset = 0;
  guint rows[3];

  for (guint p = 0; p < 3; p++) {
    plane_size (frame, p, &row_bytes[p], &rows[p]);
    size += row_bytes[p] * rows[p];
  }
  if (size > job->capacity) {
    g_free (job->pixels);
    job->pixels = g_malloc (size);
    job->capacity = size;
  }

  job->image = *frame;
  for (guint p = 0; p < 3 && rows[p] > 0; p++) {
    guint8 *dest = job->pixels + offset;

    for (guint y = 0; y < rows[p]; y++)
      memcpy (dest + y * row_bytes[p], planes[p] + y * strides[p],
          row_bytes[p]);
    if (p == 0) {
      job->image.data = dest;
      job->image.stride = row_bytes[0];
    } else {
      job->image.chroma[p - 1] = dest;
      job->image.chroma_stride[p - 1] = row_bytes[p];
    }
    offset += row_bytes[p] * rows[p];
  }
}

static gpointer
worker_loop (gpointer data)
{
  GstGuidedBpWorker *worker = data;

  g_mutex_lock (&worker->lock);
  while (!worker->stopping) {
    const GstGuidedBpRequest *request = &worker->working.request;
    GbpSaliency saliency;
    GstGuidedBpTiming timing;
    GstClockTime started, elapsed;
    GstMessage *error_message = NULL;
    gboolean ok, publish = FALSE;
    Job swap;

    if (!worker->has_pending || worker->failed) {
      g_cond_wait (&worker->cond, &worker->lock);
      continue;
    }

    /* Take the newest frame; the old working buffers become the slot. */
    swap = worker->working;
    worker->working = worker->pending;
    worker->pending = swap;
    worker->has_pending = FALSE;
    g_mutex_unlock (&worker->lock);

    started = gst_util_get_timestamp ();
    ok = gst_guided_bp_explain (worker->element, worker->engine,
        worker->model, &request->options, &worker->working.image, NULL, 0,
        &saliency, &error_message);
    elapsed = gst_util_get_timestamp () - started;
    if (ok) {
      gst_guided_bp_request_timing (request, elapsed, &timing);
      gst_guided_bp_saliency_copy (worker->back, &saliency, &timing);
    }

    g_mutex_lock (&worker->lock);
    if (!ok) {
      /* Failed before the error is posted: no frame passes after it. */
      worker->failed = TRUE;
      g_mutex_unlock (&worker->lock);
      gst_element_post_message (worker->element, error_message);
      g_mutex_lock (&worker->lock);
      continue;
    }
    if (worker->working.generation == worker->generation) {
      GstGuidedBpSaliency *published = worker->back;

      worker->back = worker->front;
      worker->front = published;
      worker->front_fresh = TRUE;
      publish = TRUE;
    }
    g_mutex_unlock (&worker->lock);

    /* The message describes the published result; `saliency` is still
     * valid (the engine runs only here). */
    if (publish)
      gst_guided_bp_publish (worker->element, worker->engine, &saliency,
          request, &timing);
    else
      GST_LOG_OBJECT (worker->element, "frame %" GST_TIME_FORMAT " was "
          "flushed while the model ran: its result is dropped",
          GST_TIME_ARGS (request->pts));

    g_mutex_lock (&worker->lock);
  }
  g_mutex_unlock (&worker->lock);
  return NULL;
}

GstGuidedBpWorker *
gst_guided_bp_worker_new (GstElement * element, GbpEngine * engine,
    const gchar * model, GError ** error)
{
  GstGuidedBpWorker *worker = g_new0 (GstGuidedBpWorker, 1);

  worker->element = element;
  worker->engine = engine;
  worker->model = model;
  worker->back = gst_guided_bp_saliency_new ();
  worker->front = gst_guided_bp_saliency_new ();
  g_mutex_init (&worker->lock);
  g_cond_init (&worker->cond);

  worker->thread = g_thread_try_new ("guidedbp-worker", worker_loop, worker,
      error);
  if (worker->thread == NULL) {
    gst_guided_bp_worker_free (worker);
    return NULL;
  }
  return worker;
}

void
gst_guided_bp_worker_free (GstGuidedBpWorker * worker)
{
  if (worker == NULL)
    return;

  if (worker->thread != NULL) {
    g_mutex_lock (&worker->lock);
    worker->stopping = TRUE;
    g_cond_signal (&worker->cond);
    g_mutex_unlock (&worker->lock);
    g_thread_join (worker->thread);
  }

  job_clear (&worker->working);
  job_clear (&worker->pending);
  gst_guided_bp_saliency_free (worker->back);
  gst_guided_bp_saliency_free (worker->front);
  g_mutex_clear (&worker->lock);
  g_cond_clear (&worker->cond);
  g_free (worker);
}

gboolean
gst_guided_bp_worker_submit (GstGuidedBpWorker * worker,
    const GbpImage * frame, const GstGuidedBpRequest * request)
{
  g_mutex_lock (&worker->lock);
  if (worker->failed) {
    g_mutex_unlock (&worker->lock);
    return FALSE;
  }
  if (worker->has_pending)
    GST_LOG_OBJECT (worker->element, "frame %" GST_TIME_FORMAT
        " replaces %" GST_TIME_FORMAT " before the model took it",
        GST_TIME_ARGS (request->pts),
        GST_TIME_ARGS (worker->pending.request.pts));

  job_set_frame (&worker->pending, frame);
  worker->pending.request = *request;
  worker->pending.generation = worker->generation;
  worker->has_pending = TRUE;
  g_cond_signal (&worker->cond);
  g_mutex_unlock (&worker->lock);
  return TRUE;
}

gboolean
gst_guided_bp_worker_take_result (GstGuidedBpWorker * worker,
    GstGuidedBpSaliency ** saliency)
{
  gboolean taken = FALSE;

  g_mutex_lock (&worker->lock);
  if (worker->front_fresh) {
    GstGuidedBpSaliency *mine = *saliency;

    *saliency = worker->front;
    worker->front = mine;
    worker->front_fresh = FALSE;
    taken = TRUE;
  }
  g_mutex_unlock (&worker->lock);
  return taken;
}

void
gst_guided_bp_worker_flush (GstGuidedBpWorker * worker)
{
  g_mutex_lock (&worker->lock);
  worker->has_pending = FALSE;
  worker->front_fresh = FALSE;
  worker->generation++;
  g_mutex_unlock (&worker->lock);
}

gboolean
gst_guided_bp_worker_has_failed (GstGuidedBpWorker * worker)
{
  gboolean failed;

  g_mutex_lock (&worker->lock);
  failed = worker->failed;
  g_mutex_unlock (&worker->lock);
  return failed;
}
