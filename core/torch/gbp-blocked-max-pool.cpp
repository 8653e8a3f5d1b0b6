/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 2-D max pooling of activations in oneDNN's layouts, forward and
 * backward: channel-blocked (nChw8c, nChw16c) and channels-last (nhwc,
 * what oneDNN's brgemm convolutions write on AVX-512 CPUs). Any other
 * oneDNN layout is reordered to channels-last first.
 *
 * Why: libtorch's MKLDNN max pooling runs oneDNN's training forward, which
 * writes a workspace, and oneDNN's backward, which zeroes and scatters
 * through it: 1.2 + 1.5 ms on ResNet18's 64x112x112 stem, 20 ms a frame on
 * VGG16. Its backward also fails on a traced graph's empty stride (which
 * means "the kernel size"). Here the forward keeps the winning input
 * position of each output and the backward adds each output gradient
 * there, one group of channels per thread, vectorised over the channels.
 *
 * Semantics are aten::max_pool2d's: windows clipped to the input, the
 * first maximum in scan order wins, NaN wins. Anything else (dilation, a
 * plain tensor, another data type) goes to aten::max_pool2d.
 */
#include "gbp-blocked-max-pool.h"
#include "gbp-guided-ops.h"
#include "gbp-mkldnn-bridge.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

#define BLOCKED_MAX_POOL "guidedbp::blocked_max_pool2d"

namespace guidedbp {

#ifdef GBP_HAVE_IDEEP
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

/* Channels a thread pools together in the channels-last layout. */
const int64_t LAST_CHUNK = 16;

/* Where a plane's values are: a plane is a group of channels of one image,
 * contiguous for each pixel; pixels of a plane are @pixel_stride floats
 * apart. Blocked layouts: one plane per block, the pixel stride is the
 * block. Channels-last: planes of LAST_CHUNK channels (the last one may
 * hold fewer), the pixel stride is the channel count. */
struct Planes {
  int64_t images, per_image;    /* planes */
  int64_t width;                /* channels in a plane; the last: tail */
  int64_t tail;
  int64_t pixel_stride;
  bool channels_last;

  int64_t count () const { return images * per_image; }

  /* channels of plane @p */
  int64_t width_of (int64_t p) const
  {
    return p % per_image == per_image - 1 ? tail : width;
  }

  /* the offset of plane @p's first value in an image of @pixels pixels */
  int64_t offset (int64_t p, int64_t pixels) const
  {
    int64_t image = p / per_image, group = p % per_image;
    int64_t image_floats = channels_last ? pixels * pixel_stride :
        per_image * pixels * width;
    return image * image_floats + (channels_last ? group * width :
        group * pixels * width);
  }
};

struct Pooling {
  Planes planes;
  int64_t height, width, out_height, out_width;
  int64_t kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
  ideep::dims src_dims, dst_dims;
  tag layout;
};

/* aten::max_pool2d's output size, or 0 where it would fail */
int64_t
pooled_size (int64_t size, int64_t kernel, int64_t stride, int64_t pad,
    bool ceil_mode)
{
  if (kernel < 1 || stride < 1 || pad < 0 || 2 * pad > kernel
      || size + 2 * pad < kernel)
    return 0;
  int64_t out = (size + 2 * pad - kernel + (ceil_mode ? stride - 1 : 0))
      / stride + 1;
  /* the last window must start inside the input or its left padding */
  if (ceil_mode && (out - 1) * stride >= size + pad)
    out--;
  return out;
}

/* The planes of a tensor of @dims in @layout. */
Planes
planes_of (const ideep::dims &dims, tag layout)
{
  Planes p;
  p.images = dims[0];
  p.channels_last = layout == tag::nhwc;
  if (p.channels_last) {
    p.width = std::min (LAST_CHUNK, dims[1]);
    p.per_image = (dims[1] + p.width - 1) / p.width;
    p.tail = dims[1] - (p.per_image - 1) * p.width;
    p.pixel_stride = dims[1];
  } else {
    /* blocked: channels are padded to whole blocks in memory */
    p.width = layout == tag::nChw8c ? 8 : 16;
    p.per_image = (dims[1] + p.width - 1) / p.width;
    p.tail = p.width;
    p.pixel_stride = p.width;
  }
  return p;
}

/* The shapes of @p: input @src_dims, output @dst_dims, in @layout. The
 * backward rebuilds them from what the forward saved. */
void
set_shapes (Pooling &p, const ideep::dims &src_dims,
    const ideep::dims &dst_dims, tag layout)
{
  p.layout = layout;
  p.planes = planes_of (src_dims, layout);
  p.height = src_dims[2];
  p.width = src_dims[3];
  p.out_height = dst_dims[2];
  p.out_width = dst_dims[3];
  p.src_dims = src_dims;
  p.dst_dims = dst_dims;
}

/* The layout of @desc among those this file pools, or tag::undef. */
tag
layout_of (const ideep::tensor::desc &desc)
{
  const ideep::dims dims = desc.get_dims ();
  for (tag t : {tag::nChw8c, tag::nChw16c, tag::nhwc})
    if (desc == ideep::tensor::desc (dims, dt::f32, t))
      return t;
  return tag::undef;
}

/* aten's int[2] arguments as two values; an empty one is @fallback
 * (an empty stride is the kernel size). */
std::vector<int64_t>
pair_of (at::IntArrayRef a, std::vector<int64_t> fallback)
{
  if (a.empty ())
    return fallback;
  return a.size () == 1 ? std::vector<int64_t> {a[0], a[0]} :
      std::vector<int64_t> (a.begin (), a.end ());
}

/* The pooling of a float tensor of @dims by this file's kernels, in
 * @layout; false when they do not apply (aten::max_pool2d then does it,
 * and reports what is wrong). */
bool
plan_pooling (const ideep::dims &dims, tag layout, at::IntArrayRef kernel,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
    bool ceil_mode, Pooling &p)
{
  std::vector<int64_t> k = pair_of (kernel, {0, 0});
  std::vector<int64_t> s = pair_of (stride, k);
  std::vector<int64_t> pad = pair_of (padding, {0, 0});
  std::vector<int64_t> d = pair_of (dilation, {1, 1});

  if (dims.size () != 4 || k.size () != 2 || s.size () != 2
      || pad.size () != 2 || d != std::vector<int64_t> {1, 1})
    return false;
  p.kernel_h = k[0];
  p.kernel_w = k[1];
  p.stride_h = s[0];
  p.stride_w = s[1];
  p.pad_h = pad[0];
  p.pad_w = pad[1];
  set_shapes (p, dims, {dims[0], dims[1],
        pooled_size (dims[2], k[0], s[0], pad[0], ceil_mode),
        pooled_size (dims[3], k[1], s[1], pad[1], ceil_mode)}, layout);
  return p.out_height > 0 && p.out_width > 0;
}

/* One output row of one plane: per output pixel and channel the maximum
 * of the window and its input position (y * width + x). B channels, or
 * with B = 0 @channels of them (a plane's tail). */
template <int B>
__attribute__ ((optimize ("tree-vectorize"))) void
pool_row (const Pooling &p, const float *plane, int64_t oy, int64_t channels,
    float *out, int32_t *where)
{
  const int64_t n = B > 0 ? B : channels;
  const int64_t in_stride = p.planes.pixel_stride;
  int64_t y0 = std::max<int64_t> (oy * p.stride_h - p.pad_h, 0);
  int64_t y1 = std::min (oy * p.stride_h - p.pad_h + p.kernel_h, p.height);

  for (int64_t ox = 0; ox < p.out_width; ox++) {
    int64_t x0 = std::max<int64_t> (ox * p.stride_w - p.pad_w, 0);
    int64_t x1 = std::min (ox * p.stride_w - p.pad_w + p.kernel_w, p.width);
    float best[B > 0 ? B : LAST_CHUNK];
    int32_t at[B > 0 ? B : LAST_CHUNK];

    for (int64_t c = 0; c < n; c++) {
      best[c] = -std::numeric_limits<float>::infinity ();
      at[c] = (int32_t) (y0 * p.width + x0);
    }
    for (int64_t y = y0; y < y1; y++)
      for (int64_t x = x0; x < x1; x++) {
        const float *v = plane + (y * p.width + x) * in_stride;
        int32_t position = (int32_t) (y * p.width + x);
        /* branch-free, so that it vectorises */
        for (int64_t c = 0; c < n; c++) {
          bool wins = (v[c] > best[c]) | (v[c] != v[c]);
          best[c] = wins ? v[c] : best[c];
          at[c] = wins ? position : at[c];
        }
      }
    for (int64_t c = 0; c < n; c++) {
      out[ox * in_stride + c] = best[c];
      where[ox * in_stride + c] = at[c];
    }
  }
}

void
pool (const Pooling &p, const float *src, float *dst, int32_t *where)
{
  const Planes &planes = p.planes;
  const int64_t pixels_in = p.height * p.width;
  const int64_t pixels_out = p.out_height * p.out_width;
  const int64_t row_out = p.out_width * planes.pixel_stride;

  at::parallel_for (0, planes.count () * p.out_height, 8,
      [&] (int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; r++) {
          int64_t plane = r / p.out_height, oy = r % p.out_height;
          int64_t channels = planes.width_of (plane);
          const float *in = src + planes.offset (plane, pixels_in);
          int64_t at_out = planes.offset (plane, pixels_out) + oy * row_out;
          if (channels == 16)
            pool_row<16> (p, in, oy, 16, dst + at_out, where + at_out);
          else if (channels == 8)
            pool_row<8> (p, in, oy, 8, dst + at_out, where + at_out);
          else
            pool_row<0> (p, in, oy, channels, dst + at_out, where + at_out);
        }
      });
}

/* Each output gradient added at its window's maximum. Windows overlap, so
 * a thread owns whole planes. */
void
unpool_gradient (const Pooling &p, const float *grad, const int32_t *where,
    float *diff_src, size_t diff_src_floats)
{
  const Planes &planes = p.planes;
  const int64_t pixels_in = p.height * p.width;
  const int64_t pixels_out = p.out_height * p.out_width;
  const int64_t stride = planes.pixel_stride;

  at::parallel_for (0, (int64_t) diff_src_floats, 65536,
      [&] (int64_t begin, int64_t end) {
        std::memset (diff_src + begin, 0, (end - begin) * sizeof (float));
      });
  at::parallel_for (0, planes.count (), 1, [&] (int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; plane++) {
      const int64_t channels = planes.width_of (plane);
      const int64_t out_at = planes.offset (plane, pixels_out);
      float *d = diff_src + planes.offset (plane, pixels_in);
      const float *g = grad + out_at;
      const int32_t *w = where + out_at;
      for (int64_t i = 0; i < pixels_out * stride; i += stride)
        for (int64_t c = 0; c < channels; c++)
          d[(int64_t) w[i + c] * stride + c] += g[i + c];
    }
  });
}

/* The pooled tensor (in @p's layout) and where each output's maximum was. */
at::Tensor
pool_forward (const Pooling &p, const ideep::tensor &src, at::Tensor &where,
    c10::Device device)
{
  ideep::tensor dst (ideep::tensor::desc (p.dst_dims, dt::f32, p.layout));
  int64_t padded = (int64_t) (dst.get_desc ().get_size () / sizeof (float));

  where = at::empty ({padded}, at::kInt);
  pool (p, static_cast<const float *> (src.get_data_handle ()),
      static_cast<float *> (dst.get_data_handle ()), where.data_ptr<int32_t> ());
  return at::native::new_with_itensor_mkldnn (std::move (dst), at::kFloat,
      device);
}

/* @input's oneDNN tensor in a layout this file pools (reordered to
 * channels-last if it is in another), and the plan; false where the
 * kernels do not apply. MKLDNN tensors are read below autograd. */
bool
plannable (const at::Tensor &input, at::IntArrayRef kernel,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
    bool ceil_mode, ideep::tensor &src, Pooling &p)
{
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  if (!input.is_mkldnn ())
    return false;
  src = at::native::itensor_from_mkldnn (input);
  if (src.get_data_type () != dt::f32)
    return false;
  const ideep::dims dims = src.get_desc ().get_dims ();
  tag layout = dims.size () == 4 ? layout_of (src.get_desc ()) : tag::undef;
  if (layout == tag::undef && dims.size () == 4) {
    layout = tag::nhwc;
    src = src.reorder_if_differ_in (ideep::tensor::desc (dims, dt::f32,
            layout));
  }
  return plan_pooling (dims, layout, kernel, stride, padding, dilation,
      ceil_mode, p);
}

/* aten::max_pool2d, for what the kernels here do not take; an empty
 * stride spelled out, which libtorch's MKLDNN backward cannot take. */
at::Tensor
aten_max_pool2d (const at::Tensor &input, at::IntArrayRef kernel,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
    bool ceil_mode)
{
  return at::max_pool2d (input, kernel, stride.empty () ? kernel : stride,
      padding, dilation, ceil_mode);
}

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

struct BlockedMaxPool : public torch::autograd::Function<BlockedMaxPool> {
  static at::Tensor forward (AutogradContext *ctx, const at::Tensor &input,
      const ideep::tensor &src, const Pooling &p)
  {
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    at::Tensor where;
    at::Tensor out = pool_forward (p, src, where, input.device ());
    ctx->saved_data["where"] = where;
    ctx->saved_data["layout"] = (int64_t) p.layout;
    ctx->saved_data["src"] = c10::IntArrayRef (p.src_dims);
    ctx->saved_data["dst"] = c10::IntArrayRef (p.dst_dims);
    return out;
  }

  static tensor_list backward (AutogradContext *ctx, tensor_list grads)
  {
    at::AutoDispatchBelowADInplaceOrView below_autograd;
    Pooling p = {};
    set_shapes (p, ctx->saved_data["src"].toIntVector (),
        ctx->saved_data["dst"].toIntVector (),
        (tag) ctx->saved_data["layout"].toInt ());
    at::Tensor keep;
    ideep::tensor grad = as_ideep (grads[0], keep).reorder_if_differ_in (
        ideep::tensor::desc (p.dst_dims, dt::f32, p.layout));
    ideep::tensor diff_src (ideep::tensor::desc (p.src_dims, dt::f32,
            p.layout));

    unpool_gradient (p, static_cast<const float *> (grad.get_data_handle ()),
        ctx->saved_data["where"].toTensor ().data_ptr<int32_t> (),
        static_cast<float *> (diff_src.get_data_handle ()),
        diff_src.get_desc ().get_size () / sizeof (float));
    /* in the layout pooled, which is the input's unless plannable()
     * reordered it: readers of MKLDNN gradients reorder what they need */
    return {at::native::new_with_itensor_mkldnn (std::move (diff_src),
            at::kFloat, grads[0].device ()), at::Tensor (), at::Tensor ()};
  }
};

at::Tensor
blocked_max_pool2d_autograd (const at::Tensor &input, at::IntArrayRef kernel,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
    bool ceil_mode)
{
  Pooling p;
  ideep::tensor src;
  if (!plannable (input, kernel, stride, padding, dilation, ceil_mode, src,
          p))
    return aten_max_pool2d (input, kernel, stride, padding, dilation,
        ceil_mode);
  return BlockedMaxPool::apply (input, src, p);
}

/* Below autograd (inference tensors): the forward alone. */
at::Tensor
blocked_max_pool2d_plain (const at::Tensor &input, at::IntArrayRef kernel,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
    bool ceil_mode)
{
  Pooling p;
  ideep::tensor src;
  at::Tensor where;
  if (!plannable (input, kernel, stride, padding, dilation, ceil_mode, src,
          p))
    return aten_max_pool2d (input, kernel, stride, padding, dilation,
        ceil_mode);
  at::AutoDispatchBelowADInplaceOrView below_autograd;
  return pool_forward (p, src, where, input.device ());
}

}  // namespace
#endif

void
use_blocked_max_pool (torch::jit::Node *node)
{
#ifdef GBP_HAVE_IDEEP
  torch::jit::Graph *graph = node->owningGraph ();
  torch::jit::WithInsertPoint insert_point (node);
  torch::jit::Value *replacement = graph->insert (
      c10::Symbol::fromQualString (BLOCKED_MAX_POOL),
      std::vector<torch::jit::NamedValue> (node->inputs ().begin (),
          node->inputs ().end ()));
  replace_node (node, replacement);
#else
  (void) node;
#endif
}

}  // namespace guidedbp

TORCH_LIBRARY_FRAGMENT (guidedbp, m)
{
  m.def ("blocked_max_pool2d(Tensor self, int[2] kernel_size, int[2] stride, "
      "int[2] padding, int[2] dilation, bool ceil_mode) -> Tensor");
}

#ifdef GBP_HAVE_IDEEP
TORCH_LIBRARY_IMPL (guidedbp, Autograd, m)
{
  m.impl ("blocked_max_pool2d", guidedbp::blocked_max_pool2d_autograd);
}

TORCH_LIBRARY_IMPL (guidedbp, CompositeExplicitAutograd, m)
{
  m.impl ("blocked_max_pool2d", guidedbp::blocked_max_pool2d_plain);
}
#endif
