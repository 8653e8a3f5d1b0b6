/* guidedbp — Guided Backpropagation saliency for GStreamer
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gstguidedbpobjects.h"

#include <guidedbp/gbp-error.h>
#include <guidedbp/gbp-region.h>

#include "gstguidedbpmessage.h"
#include "gstguidedbpsettings.h"

#define GST_CAT_DEFAULT gst_guided_bp_debug

gboolean
gst_guided_bp_check_objects_settings (gint inference_region, gboolean async,
    guint interval, guint max_objects, GError ** error)
{
  if (!gst_guided_bp_check_range ("max-objects", max_objects, 1,
          GST_GUIDED_BP_MAX_OBJECTS, error))
    return FALSE;
  if (inference_region != GST_GUIDED_BP_INFERENCE_REGION_ROI_LIST)
    return TRUE;
  /* Why refused rather than supported: a box belongs to its frame (a
   * detector finds new ones every frame), and a saliency computed on an
   * earlier frame's boxes would be drawn in boxes it does not explain. */
  if (async) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "Invalid combination of properties 'inference-region' and 'async': "
        "inference-region=roi-list explains each frame's own boxes and "
        "needs async=false");
    return FALSE;
  }
  if (interval != 1) {
    g_set_error (error, GBP_ERROR, GBP_ERROR_INVALID_ARGUMENT,
        "Invalid combination of properties 'inference-region' and "
        "'interval': inference-region=roi-list explains each frame's own "
        "boxes and needs interval=1 (it is %u)", interval);
    return FALSE;
  }
  return TRUE;
}

void
gst_guided_bp_objects_reset (GstGuidedBp * self)
{
  if (self->object_renderers != NULL)
    g_hash_table_remove_all (self->object_renderers);
}

void
gst_guided_bp_objects_clear (GstGuidedBp * self)
{
  g_clear_pointer (&self->object_renderers, g_hash_table_unref);
  g_clear_pointer (&self->object_scratch, gbp_renderer_free);
  self->warned_invalid_objects = FALSE;
}

/* One box to explain: its meta on the output buffer and its crop. */
typedef struct
{
  GstVideoRegionOfInterestMeta *meta;
  GbpRegion region;
} Box;

/* What the frame's boxes came to. */
typedef struct
{
  GArray *boxes;                /* of Box, at most max-objects */
  guint matching;               /* of the object-class types */
  guint skipped;                /* valid, beyond max-objects */
  guint invalid;                /* zero-sized or outside */
  gchar *first_invalid;         /* why the first invalid one is */
} Boxes;

static gboolean
type_wanted (GQuark roi_type, const GArray * types)
{
  if (types == NULL)
    return TRUE;
  for (guint i = 0; i < types->len; i++)
    if (g_array_index (types, GQuark, i) == roi_type)
      return TRUE;
  return FALSE;
}

GArray *
gst_guided_bp_parse_object_class (const gchar * text)
{
  g_auto (GStrv) parts = NULL;
  GArray *types;

  if (text == NULL || *text == '\0')
    return NULL;
  parts = g_strsplit (text, ",", -1);
  types = g_array_new (FALSE, FALSE, sizeof (GQuark));
  for (guint i = 0; parts[i] != NULL; i++) {
    gchar *part = g_strstrip (parts[i]);

    if (*part != '\0') {
      GQuark type = g_quark_from_string (part);

      g_array_append_val (types, type);
    }
  }
  if (types->len == 0)
    g_clear_pointer (&types, g_array_unref);
  return types;
}

static void
collect_boxes (GstBuffer * buffer, const GbpImage * image,
    const GstGuidedBpFrameSettings * settings, Boxes * out)
{
  const GArray *types = settings->object_types;
  gpointer state = NULL;
  GstMeta *meta;

  *out = (Boxes) {
  .boxes = g_array_new (FALSE, FALSE, sizeof (Box))};
  while ((meta = gst_buffer_iterate_meta_filtered (buffer, &state,
              GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE)) != NULL) {
    GstVideoRegionOfInterestMeta *roi = (GstVideoRegionOfInterestMeta *) meta;
    GbpRegion region = { (gint) MIN (roi->x, (guint) G_MAXINT),
      (gint) MIN (roi->y, (guint) G_MAXINT), roi->w, roi->h
    };
    g_autoptr (GError) error = NULL;
    Box box = { roi };

    if (!type_wanted (roi->roi_type, types))
      continue;
    out->matching++;
    if (!gbp_region_clamp (&region, image, &box.region, &error)) {
      GST_LOG ("box %d (%s): %s", roi->id, g_quark_to_string (roi->roi_type),
          error->message);
      if (out->invalid++ == 0)
        out->first_invalid = g_strdup_printf ("box %d (%s): %s", roi->id,
            GST_STR_NULL (g_quark_to_string (roi->roi_type)), error->message);
      continue;
    }
    if (out->boxes->len >= settings->max_objects) {
      out->skipped++;
      continue;
    }
    g_array_append_val (out->boxes, box);
  }
}

static void
boxes_clear (Boxes * boxes)
{
  g_array_free (boxes->boxes, TRUE);
  g_free (boxes->first_invalid);
}

/* The per-buffer fields: roi-ids, rois-skipped, rois-invalid (objects
 * comes with the results: add_objects). */
static GstStructure *
boxes_structure (const Boxes * boxes)
{
  GstStructure *s = gst_structure_new_empty (GST_GUIDED_BP_MESSAGE_NAME);
  GValue ids = G_VALUE_INIT;

  gst_value_array_init (&ids, boxes->boxes->len);
  for (guint i = 0; i < boxes->boxes->len; i++) {
    GValue id = G_VALUE_INIT;

    g_value_init (&id, G_TYPE_INT);
    g_value_set_int (&id, g_array_index (boxes->boxes, Box, i).meta->id);
    gst_value_array_append_and_take_value (&ids, &id);
  }
  gst_structure_take_value (s, "roi-ids", &ids);
  gst_structure_set (s, "rois-skipped", G_TYPE_UINT, boxes->skipped,
      "rois-invalid", G_TYPE_UINT, boxes->invalid, NULL);
  return s;
}

/* Replaces @meta's guidedbp param (an earlier guidedbp's) by @param. */
static void
set_param (GstVideoRegionOfInterestMeta * meta, GstStructure * param)
{
  GList *l = meta->params;

  while (l != NULL) {
    GList *next = l->next;

    if (gst_structure_has_name (l->data, GST_GUIDED_BP_ROI_PARAM_NAME)) {
      gst_structure_free (l->data);
      meta->params = g_list_delete_link (meta->params, l);
    }
    l = next;
  }
  gst_video_region_of_interest_meta_add_param (meta, param);
}

static GbpRenderer *
new_renderer (GstGuidedBp * self)
{
  GbpRenderer *renderer = gbp_renderer_new ();

  gbp_renderer_set_num_threads (renderer,
      gbp_engine_get_num_threads (self->engine));
  return renderer;
}

/* The renderer of the box with @id, whose smoothing history is that id's:
 * moved from @previous (the last frame's) into @seen, or new. A second box
 * with an id already seen this frame has no history. */
static GbpRenderer *
renderer_for (GstGuidedBp * self, gint id, GHashTable * previous,
    GHashTable * seen)
{
  gpointer key = GINT_TO_POINTER (id);
  gpointer renderer = NULL;

  if (g_hash_table_contains (seen, key)) {
    if (self->object_scratch == NULL)
      self->object_scratch = new_renderer (self);
    gbp_renderer_reset (self->object_scratch);
    return self->object_scratch;
  }
  if (!g_hash_table_steal_extended (previous, key, NULL, &renderer)) {
    GST_DEBUG_OBJECT (self, "box id %d is new: its smoothing starts", id);
    renderer = new_renderer (self);
  }
  g_hash_table_insert (seen, key, renderer);
  return renderer;
}

static GHashTable *
renderer_table_new (void)
{
  return g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
      (GDestroyNotify) gbp_renderer_free);
}

static gboolean
render_boxes (GstGuidedBp * self, const Boxes * boxes,
    const GbpSaliency * saliencies, const GbpImage * in_image,
    GbpImage * out_image, const GstGuidedBpFrameSettings * settings,
    GError ** error)
{
  GHashTable *previous = self->object_renderers;
  GHashTable *seen = renderer_table_new ();
  gboolean ok = TRUE;

  if (previous == NULL)
    previous = renderer_table_new ();
  for (guint i = 0; i < boxes->boxes->len && ok; i++) {
    const Box *box = &g_array_index (boxes->boxes, Box, i);
    GbpImage in_crop, out_crop;
    GbpRenderer *renderer;

    ok = gbp_image_crop (in_image, &box->region, &in_crop, error)
        && gbp_image_crop (out_image, &box->region, &out_crop, error);
    if (!ok)
      break;
    renderer = renderer_for (self, box->meta->id, previous, seen);
    ok = gbp_renderer_render (renderer, &settings->options, &saliencies[i],
        &in_crop, &out_crop, error);
  }
  /* Ids not seen in this frame are forgotten. */
  g_hash_table_unref (previous);
  self->object_renderers = seen;
  return ok;
}

static void
annotate_boxes (GstGuidedBp * self, const Boxes * boxes,
    const GbpSaliency * saliencies, GbpImage * out_image,
    const GstGuidedBpFrameSettings * settings)
{
  for (guint i = 0; i < boxes->boxes->len; i++) {
    const Box *box = &g_array_index (boxes->boxes, Box, i);
    GbpImage crop;

    if (gbp_image_crop (out_image, &box->region, &crop, NULL))
      gst_guided_bp_annotate (self, settings, &saliencies[i], &crop);
  }
}

/* Adds to @fields "objects": each box's guidedbp param with its box
 * (roi-id, x, y, w, h as upstream gave them), in the order of roi-ids.
 * Applications read every box here; looked up by id, boxes that share an
 * id (facedetect's are all 0) would give the first one's. */
static void
add_objects (GstStructure * fields, const Boxes * boxes)
{
  GValue objects = G_VALUE_INIT;

  gst_value_array_init (&objects, boxes->boxes->len);
  for (guint i = 0; i < boxes->boxes->len; i++) {
    GstVideoRegionOfInterestMeta *meta =
        g_array_index (boxes->boxes, Box, i).meta;
    GstStructure *object = gst_structure_copy
        (gst_video_region_of_interest_meta_get_param (meta,
            GST_GUIDED_BP_ROI_PARAM_NAME));
    GValue item = G_VALUE_INIT;

    gst_structure_set (object, "roi-id", G_TYPE_INT, meta->id,
        "x", G_TYPE_UINT, meta->x, "y", G_TYPE_UINT, meta->y,
        "w", G_TYPE_UINT, meta->w, "h", G_TYPE_UINT, meta->h, NULL);
    g_value_init (&item, GST_TYPE_STRUCTURE);
    g_value_take_boxed (&item, object);
    gst_value_array_append_and_take_value (&objects, &item);
  }
  gst_structure_take_value (fields, "objects", &objects);
}

static void
post_message (GstGuidedBp * self, const GstStructure * fields,
    const GstGuidedBpTiming * timing)
{
  GstStructure *s = gst_structure_copy (fields);

  gst_guided_bp_result_fill_timing (s, timing);
  gst_element_post_message (GST_ELEMENT_CAST (self),
      gst_message_new_element (GST_OBJECT_CAST (self), s));
}

GstFlowReturn
gst_guided_bp_process_objects (GstGuidedBp * self, GstVideoFrame * inframe,
    GstVideoFrame * outframe, const GbpImage * in_image, GbpImage * out_image,
    const GstGuidedBpRequest * request,
    const GstGuidedBpFrameSettings * settings)
{
  gboolean draws = settings->render_mode != GST_GUIDED_BP_RENDER_NONE;
  g_autofree GbpRegion *regions = NULL;
  g_autofree GbpSaliency *saliencies = NULL;
  GstStructure *fields = NULL;
  GstGuidedBpTiming timing;
  GstMessage *error_message = NULL;
  GError *error = NULL;
  GstClockTime started, elapsed;
  Boxes boxes;
  guint n;

  if (!gst_guided_bp_check_objects_settings (settings->inference_region,
          self->worker != NULL, settings->interval, settings->max_objects,
          &error))
    goto settings_failed;

  /* Outside the boxes the output is the input; so is a frame without
   * any box to explain. */
  if (draws && outframe != inframe)
    gst_video_frame_copy (outframe, inframe);

  collect_boxes (outframe->buffer, in_image, settings, &boxes);
  n = boxes.boxes->len;
  GST_LOG_OBJECT (self, "%u boxes of the wanted types: %u explained, %u "
      "skipped (max-objects %u), %u invalid", boxes.matching, n,
      boxes.skipped, settings->max_objects, boxes.invalid);
  fields = boxes_structure (&boxes);

  if (n == 0) {
    if (boxes.invalid > 0 && !self->warned_invalid_objects) {
      GST_ELEMENT_WARNING (self, STREAM, FAILED,
          ("Every region of interest of a frame is zero-sized or outside "
              "the frame: it passes unchanged (warned once)"),
          ("%u invalid boxes, the first %s", boxes.invalid,
              boxes.first_invalid));
      self->warned_invalid_objects = TRUE;
    }
    gst_guided_bp_request_timing (request, 0, &timing);
    add_objects (fields, &boxes);
    gst_guided_bp_meta_add_objects (outframe->buffer, fields, &timing);
    goto done;
  }

  regions = g_new (GbpRegion, n);
  saliencies = g_new (GbpSaliency, n);
  for (guint i = 0; i < n; i++)
    regions[i] = g_array_index (boxes.boxes, Box, i).region;

  started = gst_util_get_timestamp ();
  /* The single-frame saliency no longer is the engine's last run. */
  gst_guided_bp_saliency_invalidate (self->result);
  if (!gst_guided_bp_explain (GST_ELEMENT_CAST (self), self->engine,
          self->engine_model, &request->options, in_image, regions, n,
          saliencies, &error_message))
    goto run_failed;
  elapsed = gst_util_get_timestamp () - started;
  gst_guided_bp_request_timing (request, elapsed, &timing);
  gst_guided_bp_add_latency (self, elapsed);

  if (draws && !render_boxes (self, &boxes, saliencies, in_image, out_image,
          settings, &error))
    goto render_failed;
  if (settings->annotate)
    annotate_boxes (self, &boxes, saliencies, out_image, settings);

  for (guint i = 0; i < n; i++) {
    GstStructure *param = gst_structure_new_empty
        (GST_GUIDED_BP_ROI_PARAM_NAME);

    gst_guided_bp_result_fill_object (param, self->engine, &saliencies[i],
        settings->top_k);
    set_param (g_array_index (boxes.boxes, Box, i).meta, param);
  }
  add_objects (fields, &boxes);
  gst_guided_bp_meta_add_objects (outframe->buffer, fields, &timing);
  if (request->post_messages)
    post_message (self, fields, &timing);

done:
  gst_structure_free (fields);
  boxes_clear (&boxes);
  return GST_FLOW_OK;

  /* ERRORS */
settings_failed:
  {
    gst_guided_bp_post_settings_error (GST_ELEMENT_CAST (self), &error);
    return GST_FLOW_ERROR;
  }
run_failed:
  {
    gst_element_post_message (GST_ELEMENT_CAST (self), error_message);
    gst_structure_free (fields);
    boxes_clear (&boxes);
    return GST_FLOW_ERROR;
  }
render_failed:
  {
    GST_ELEMENT_ERROR (self, LIBRARY, FAILED,
        ("Could not render the saliency of the regions of interest with "
            "model '%s'", self->engine_model), ("%s", error->message));
    g_clear_error (&error);
    gst_structure_free (fields);
    boxes_clear (&boxes);
    return GST_FLOW_ERROR;
  }
}
