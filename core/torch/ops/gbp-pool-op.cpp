/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 2-D max pooling of activations in oneDNN's layouts as an autograd op,
 * forward and backward (the kernels: cpu/gbp-max-pool.cpp):
 * channel-blocked (nChw8c, nChw16c) and channels-last (nhwc, what oneDNN's
 * brgemm convolutions write on AVX-512 CPUs). Any other oneDNN layout is
 * reordered to channels-last first.
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
#include <vector>

#include <ATen/ATen.h>
#include <torch/library.h>
#include <torch/csrc/autograd/custom_function.h>

#ifdef GBP_HAVE_IDEEP
#include "gbp-max-pool.h"
#include "gbp-mkldnn-bridge.h"
#endif

namespace guidedbp {

#ifdef GBP_HAVE_IDEEP
namespace {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

/* A pooling and the oneDNN layout it runs in. */
struct Pooling {
  PoolGeometry g;
  ideep::dims src_dims, dst_dims;
  tag layout;
};

PoolLayout
pool_layout (tag layout)
{
  return layout == tag::nChw8c ? PoolLayout::BLOCKED_8 :
      layout == tag::nChw16c ? PoolLayout::BLOCKED_16 :
      PoolLayout::CHANNELS_LAST;
}

/* The shapes of @p: input @src_dims, output @dst_dims, in @layout. The
 * backward rebuilds them from what the forward saved. */
void
set_shapes (Pooling &p, const ideep::dims &src_dims,
    const ideep::dims &dst_dims, tag layout)
{
  p.layout = layout;
  p.g.planes = planes_of (src_dims[0], src_dims[1], pool_layout (layout));
  p.g.height = src_dims[2];
  p.g.width = src_dims[3];
  p.g.out_height = dst_dims[2];
  p.g.out_width = dst_dims[3];
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
  p.g.kernel_h = k[0];
  p.g.kernel_w = k[1];
  p.g.stride_h = s[0];
  p.g.stride_w = s[1];
  p.g.pad_h = pad[0];
  p.g.pad_w = pad[1];
  set_shapes (p, dims, {dims[0], dims[1],
        pooled_size (dims[2], k[0], s[0], pad[0], ceil_mode),
        pooled_size (dims[3], k[1], s[1], pad[1], ceil_mode)}, layout);
  return p.g.out_height > 0 && p.g.out_width > 0;
}

/* The pooled tensor (in @p's layout) and where each output's maximum was. */
at::Tensor
pool_forward (const Pooling &p, const ideep::tensor &src, at::Tensor &where,
    c10::Device device)
{
  ideep::tensor dst (ideep::tensor::desc (p.dst_dims, dt::f32, p.layout));
  int64_t padded = (int64_t) (dst.get_desc ().get_size () / sizeof (float));

  where = at::empty ({padded}, at::kInt);
  max_pool (p.g, static_cast<const float *> (src.get_data_handle ()),
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

    max_pool_gradient (p.g, static_cast<const float *> (grad.get_data_handle ()),
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

}  // namespace guidedbp

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
