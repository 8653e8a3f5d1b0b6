/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The C ABI over libtorch. Every extern "C" function clears its message
 * slot on entry and catches everything: no exception crosses into C.
 */
#include "gbp-torch.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <torch/script.h>
#include <torch/cuda.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/jit/passes/inliner.h>
#include <torch/csrc/jit/passes/remove_mutation.h>

#include "gbp-conv-pass.h"
#include "gbp-cpu-isa.h"
#include "gbp-gradcam-pass.h"
#include "gbp-guided-pass.h"
#include "gbp-kernel-choice.h"
#include "gbp-linear-pass.h"
#include "gbp-ops.h"

struct _GbpTorchModel {
  torch::jit::Module module;    /* frozen private copy, rewritten */
  c10::Device device;
  at::Tensor guided_switch;     /* 0-d bool: the guided ops' backward rule */
  guint num_guided_nodes;
  guint num_onednn_convs;
  guint num_fused_activations;
  guint num_onednn_linears;
  int64_t num_classes;          /* of the first run: every run returns as many */
  bool has_cam;                 /* forward also returns the Grad-CAM layer */
  guint cam_width;
  guint cam_height;
};

namespace {

/* An error with the status it maps to. */
struct WrapperError {
  GbpTorchStatus status;
  std::string text;
};

/* TorchScript interpreter errors carry a TorchScript traceback before the
 * Python-style "SomethingError: cause" line; the cause is what users need. */
std::string
concise_message (std::string text)
{
  size_t pos = text.rfind ("Error: ");

  if (pos != std::string::npos) {
    size_t line_start = text.rfind ('\n', pos);
    text = text.substr (line_start == std::string::npos ? 0 : line_start + 1);
  }
  while (!text.empty () && (text.back () == '\n' || text.back () == ' '))
    text.pop_back ();
  return text;
}

std::string
concise_torch_message (const c10::Error &e)
{
  return concise_message (e.what_without_backtrace ());
}

/* Runs @body; turns any exception into a status and message. */
template <typename Body>
GbpTorchStatus
guard (gchar **message, GbpTorchStatus fallback, Body body)
{
  if (message != nullptr)
    *message = nullptr;
  std::string text;
  GbpTorchStatus status = fallback;
  try {
    body ();
    return GBP_TORCH_OK;
  } catch (const WrapperError &e) {
    status = e.status;
    text = e.text;
  } catch (const c10::Error &e) {
    text = concise_torch_message (e);
  } catch (const std::exception &e) {
    text = concise_message (e.what ());
  } catch (...) {
    text = "unknown C++ exception in libtorch";
  }
  if (message != nullptr)
    *message = g_strdup (text.c_str ());
  return status;
}

c10::Device
parse_device (const gchar *device_name)
{
  std::string name = device_name != nullptr ? device_name : "cpu";
  c10::optional<c10::Device> device;

  try {
    device = c10::Device (name);
  } catch (const c10::Error &) {
    throw WrapperError{GBP_TORCH_ERROR_DEVICE,
        "unknown device '" + name + "' (use cpu, cuda or cuda:N)"};
  }
  if (device->is_cpu ())
    return *device;
  if (!device->is_cuda ())
    throw WrapperError{GBP_TORCH_ERROR_DEVICE,
        "unsupported device '" + name + "' (use cpu, cuda or cuda:N)"};
  if (!torch::cuda::is_available ())
    throw WrapperError{GBP_TORCH_ERROR_DEVICE,
        "device '" + name + "' requested but CUDA is not available (this "
        "libtorch has no CUDA support, or no GPU is visible)"};
  int index = device->has_index () ? device->index () : 0;
  if (index >= (int) torch::cuda::device_count ())
    throw WrapperError{GBP_TORCH_ERROR_DEVICE,
        "device '" + name + "' does not exist: " +
        std::to_string (torch::cuda::device_count ()) + " CUDA device(s)"};
  return *device;
}

/* Freezes a private copy of @module (weights become constants: nothing is
 * shared with other users of the file), rewrites its activations into
 * guided ops and, with a @cam_layer, makes the graph also return that
 * layer's output. */
void
prepare_guided_model (_GbpTorchModel &model, torch::jit::Module module,
    const GbpTorchLoadOptions &options)
{
  const gchar *cam_layer = options.cam_layer;
  guidedbp::KernelPolicy policy;
  policy.tune = options.tune_kernels;
  policy.precision = options.precision == GBP_TORCH_PRECISION_BF16 ?
      guidedbp::Precision::BF16 : guidedbp::Precision::F32;

  module.eval ();
  for (at::Tensor parameter : module.parameters ())
    parameter.set_requires_grad (false);

  /* Inline before freezing. torch::jit::freeze inlines the forward of its
   * own clone of the module, then deletes the clone's other methods (the
   * submodules' forwards); the inlined nodes' call stacks keep raw pointers
   * to them, which libtorch 1.13's interpreter follows to name the frames
   * when a forward fails (a shape error): a use after free, a SEGV under
   * AddressSanitizer. Inlined here, the call stacks point to this module's
   * methods, which live in the compilation unit the frozen copy shares. */
  torch::jit::Inline (*module.get_method ("forward").graph ());

  /* Numerics optimisation (conv-BN folding, the engine's default) moves
   * activations by float rounding, which can flip ReLU masks near zero:
   * the caller may turn it off. */
  model.module = torch::jit::freeze (module, c10::nullopt,
      options.fold_batch_norm);
  /* the frozen module is ours alone: rewrite its forward in place */
  std::shared_ptr<torch::jit::Graph> graph =
      model.module.get_method ("forward").graph ();

  torch::jit::InplaceToFunctionalActivation (graph);
  torch::jit::RemoveTensorMutation (graph);
  model.guided_switch = torch::ones ({}, at::kBool);
  model.num_guided_nodes = guidedbp::rewrite_relus_to_guided (graph,
      model.guided_switch);
  if (model.device.is_cpu ())
    model.num_onednn_linears = guidedbp::rewrite_linears_to_onednn (graph,
        policy);

  if (cam_layer != nullptr) {
    torch::jit::Value *layer = guidedbp::find_layer_output (graph, cam_layer);
    /* "" asks for the last convolution if there is one: no error */
    if (layer == nullptr && *cam_layer != '\0')
      throw WrapperError{GBP_TORCH_ERROR_INVALID_ARGUMENT,
          "the model has no module named '" + std::string (cam_layer) +
          "' for Grad-CAM (module paths look like 'layer4' or 'features.28')"};
    if (layer != nullptr) {
      /* a function returns one value: (logits, layer output) */
      torch::jit::WithInsertPoint at_end (graph->return_node ());
      torch::jit::Node *pair = graph->insertNode (graph->createTuple (
              {graph->outputs ()[0], layer}));
      graph->eraseOutput (0);
      graph->registerOutput (pair->output ());
      model.has_cam = true;
    }
  }
  /* After the Grad-CAM tuple: its layer may stay blocked inside it. On the
   * CPU only: a CUDA model keeps libtorch's convolutions. */
  if (model.device.is_cpu ()) {
    guidedbp::ConvRewrite rewrite = guidedbp::rewrite_convs_to_onednn (graph,
        policy);
    model.num_onednn_convs = rewrite.convs;
    model.num_fused_activations = rewrite.fused;
  }
}

std::string
type_description (const c10::IValue &value)
{
  if (value.isTensor ()) {
    const at::Tensor &t = value.toTensor ();
    std::string shape = "[";
    for (int64_t d = 0; d < t.dim (); d++)
      shape += (d ? ", " : "") + std::to_string (t.size (d));
    return std::string (c10::toString (t.scalar_type ())) + " tensor of shape "
        + shape + "]";
  }
  return value.tagKind ();
}

at::Tensor
check_logits (_GbpTorchModel &model, const c10::IValue &output, guint batch)
{
  if (!output.isTensor () || output.toTensor ().dim () != 2
      || !output.toTensor ().is_floating_point ()
      || output.toTensor ().size (0) != (int64_t) batch
      || output.toTensor ().size (1) < 1)
    throw WrapperError{GBP_TORCH_ERROR_NOT_CLASSIFIER,
        "the model returned " + type_description (output) + " for a batch of "
        + std::to_string (batch) + " images; a classifier must return a "
        "float tensor of shape [" + std::to_string (batch) + ", classes]"};
  /* the callers' buffers are sized by the first run's classes */
  int64_t classes = output.toTensor ().size (1);
  if (model.num_classes == 0)
    model.num_classes = classes;
  if (classes != model.num_classes)
    throw WrapperError{GBP_TORCH_ERROR_NOT_CLASSIFIER,
        "the model returned " + std::to_string (classes) + " classes, after "
        + std::to_string (model.num_classes) + " in its first run"};
  return output.toTensor ();
}

WrapperError
forward_failure (const at::Tensor &input, const std::string &cause)
{
  std::string shape;
  for (int64_t d = 0; d < input.dim (); d++)
    shape += (d ? ", " : "") + std::to_string (input.size (d));
  return WrapperError{GBP_TORCH_ERROR_RUN, "the model's forward failed on a "
      "float input of shape [" + shape + "]: " + cause};
}

/* Returns the logits, and with Grad-CAM the layer output after them. */
std::vector<c10::IValue>
run_forward (GbpTorchModel *model, const at::Tensor &input)
{
  try {
    c10::IValue output = model->module.forward ({input});
    if (!model->has_cam)
      return {output};
    return output.toTupleRef ().elements ().vec ();
  } catch (const c10::Error &e) {
    throw forward_failure (input, concise_torch_message (e));
  } catch (const std::exception &e) {
    /* the interpreter's own errors carry the TorchScript traceback */
    throw forward_failure (input, concise_message (e.what ()));
  }
}

at::Tensor
pick_targets (const at::Tensor &logits, const gint *targets, guint batch)
{
  at::Tensor top = logits.argmax (1);
  if (targets == nullptr)
    return top;

  std::vector<int64_t> chosen (batch);
  at::Tensor top_cpu = top.to (at::kCPU);
  int64_t num_classes = logits.size (1);
  for (guint i = 0; i < batch; i++) {
    if (targets[i] < 0) {
      chosen[i] = top_cpu[i].item<int64_t> ();
    } else if (targets[i] >= num_classes) {
      throw WrapperError{GBP_TORCH_ERROR_INVALID_ARGUMENT,
          "target class " + std::to_string (targets[i]) + " is out of range: "
          "the model has " + std::to_string (num_classes) + " classes"};
    } else {
      chosen[i] = targets[i];
    }
  }
  return torch::tensor (chosen, at::kLong).to (logits.device ());
}

void
copy_to_host (const at::Tensor &tensor, gfloat *dest)
{
  at::Tensor host = tensor.detach ().to (at::kCPU, at::kFloat).contiguous ();
  std::memcpy (dest, host.data_ptr<float> (), host.numel () * sizeof (float));
}

/* Fills the optional outputs describing which class each item explains. */
void
report_choice (const at::Tensor &logits, const at::Tensor &chosen, guint batch,
    guint *num_classes, gint *classes, gfloat *scores, gfloat *probabilities)
{
  if (num_classes != nullptr)
    *num_classes = (guint) logits.size (1);
  if (classes != nullptr) {
    at::Tensor c = chosen.to (at::kCPU, at::kInt).contiguous ();
    std::memcpy (classes, c.data_ptr<int32_t> (), batch * sizeof (gint));
  }
  if (scores != nullptr)
    copy_to_host (logits.detach ().softmax (1).gather (1,
            chosen.unsqueeze (1)), scores);
  if (probabilities != nullptr)
    copy_to_host (logits.detach ().softmax (1), probabilities);
}

/* Grad-CAM (Selvaraju et al.): ReLU of the layer's channels weighted by
 * their spatially averaged plain gradients. The plain gradient shares the
 * guided pass's forward; its cost is one extra backward through the
 * layers above the Grad-CAM layer (for the last convolution: the head). */
void
record_cam (_GbpTorchModel &model, const c10::IValue &layer_value,
    const at::Tensor &objective, gfloat *cam)
{
  if (!layer_value.isTensor () || layer_value.toTensor ().dim () != 4)
    throw WrapperError{GBP_TORCH_ERROR_NOT_CLASSIFIER,
        "the Grad-CAM layer's output is " + type_description (layer_value) +
        ", not a [N, channels, height, width] tensor"};
  const at::Tensor &layer = layer_value.toTensor ();
  model.cam_height = (guint) layer.size (2);
  model.cam_width = (guint) layer.size (3);
  if (cam == nullptr)
    return;

  model.guided_switch.fill_ (false);
  std::vector<at::Tensor> grads;
  try {
    grads = torch::autograd::grad ({objective}, {layer}, {}, true, false, true);
  } catch (...) {
    model.guided_switch.fill_ (true);
    throw;
  }
  model.guided_switch.fill_ (true);

  /* the layer may be in oneDNN's blocked layout (ops/gbp-conv-op.cpp) */
  at::Tensor activation = layer.is_mkldnn () ? layer.to_dense () : layer;
  at::Tensor gradient = grads[0].defined () && grads[0].is_mkldnn () ?
      grads[0].to_dense () : grads[0];
  at::Tensor weights = gradient.defined () ?
      gradient.mean ({2, 3}, true) : at::zeros_like (activation);
  copy_to_host ((weights * activation.detach ()).sum (1).relu_ (), cam);
}

/* What the model's convolutions and linear layers chose and packed. */
guidedbp::KernelStats
kernel_stats (const _GbpTorchModel &model)
{
  guidedbp::KernelStats stats;
  /* the frozen module's graph: const methods are not offered */
  std::shared_ptr<torch::jit::Graph> graph = const_cast<torch::jit::Module &> (
      model.module).get_method ("forward").graph ();
  guidedbp::add_conv_stats (graph, stats);
  guidedbp::add_linear_stats (graph, stats);
  return stats;
}

}  // namespace

extern "C" {

GbpTorchStatus
gbp_torch_set_num_threads (guint num_threads, gchar **message)
{
  return guard (message, GBP_TORCH_ERROR_INVALID_ARGUMENT, [&] {
    if (num_threads == 0)
      throw WrapperError{GBP_TORCH_ERROR_INVALID_ARGUMENT,
          "the thread count must be at least 1"};
    at::set_num_threads ((int) num_threads);
  });
}

guint
gbp_torch_get_num_threads (void)
{
  try {
    return (guint) std::max (at::get_num_threads (), 0);
  } catch (...) {
    return 0;
  }
}

void
gbp_torch_load_options_init (GbpTorchLoadOptions *options)
{
  *options = GbpTorchLoadOptions {"cpu", nullptr, TRUE, TRUE,
    GBP_TORCH_PRECISION_FP32};
}

GbpTorchStatus
gbp_torch_model_load (const gchar *path, const GbpTorchLoadOptions *options,
    GbpTorchModel **model, gchar **message)
{
  if (model != nullptr)
    *model = nullptr;
  return guard (message, GBP_TORCH_ERROR_LOAD, [&] {
    if (path == nullptr || options == nullptr || model == nullptr)
      throw WrapperError{GBP_TORCH_ERROR_INVALID_ARGUMENT,
          "no model path or options given"};
    c10::Device device = parse_device (options->device);
    if (options->precision == GBP_TORCH_PRECISION_BF16) {
      /* no silent float32 and no slow emulation */
      std::string missing = device.is_cpu () ?
          guidedbp::native_bf16_missing () :
          "precision bf16 is implemented for the CPU only";
      if (!missing.empty ())
        throw WrapperError{GBP_TORCH_ERROR_INVALID_ARGUMENT,
            "precision bf16 needs native bfloat16 arithmetic, but " + missing
            + "; use precision fp32"};
    }
    torch::jit::Module module;
    try {
      module = torch::jit::load (path, device);
    } catch (const c10::Error &e) {
      throw WrapperError{GBP_TORCH_ERROR_LOAD,
          "not a readable TorchScript file: " + concise_torch_message (e)};
    }
    if (!module.find_method ("forward"))
      throw WrapperError{GBP_TORCH_ERROR_NOT_CLASSIFIER,
          "the TorchScript module has no forward method"};

    auto loaded = std::make_unique<_GbpTorchModel> (_GbpTorchModel{
        torch::jit::Module (), device, at::Tensor (), 0, 0, 0, 0, 0, false,
        0, 0});
    prepare_guided_model (*loaded, module, *options);
    *model = loaded.release ();
  });
}

void
gbp_torch_model_free (GbpTorchModel *model)
{
  /* destructors are noexcept: nothing to catch */
  delete model;
}

void
gbp_torch_model_get_stats (const GbpTorchModel *model, GbpEngineStats *stats)
{
  *stats = GbpEngineStats {};
  if (model == nullptr)
    return;
  stats->guided_nodes = model->num_guided_nodes;
  stats->onednn_convs = model->num_onednn_convs;
  stats->fused_activations = model->num_fused_activations;
  stats->onednn_linears = model->num_onednn_linears;
  try {
    guidedbp::KernelStats kernels = kernel_stats (*model);
    stats->winograd_convs = kernels.winograd_convs;
    stats->weight_reorders = kernels.weight_reorders;
  } catch (...) {
    /* diagnostics only: the counts stay 0 */
  }
}

gchar *
gbp_torch_model_describe_kernels (const GbpTorchModel *model)
{
  std::string text;
  try {
    if (model != nullptr)
      for (const std::string &line : kernel_stats (*model).choices)
        text += line + "\n";
  } catch (...) {
    /* diagnostics only */
  }
  return g_strdup (text.c_str ());
}

const gchar *
gbp_torch_onednn_isa (void)
{
  static const std::string name = guidedbp::onednn_isa_name ();
  return name.c_str ();
}

gdouble
gbp_torch_tuning_milliseconds (void)
{
  return guidedbp::tuning_milliseconds ();
}

gboolean
gbp_torch_onednn_convs_available (void)
{
  return guidedbp::onednn_available ();
}

gboolean
gbp_torch_model_get_cam_size (const GbpTorchModel *model, guint *width,
    guint *height)
{
  if (model == nullptr || !model->has_cam || model->cam_width == 0)
    return FALSE;
  *width = model->cam_width;
  *height = model->cam_height;
  return TRUE;
}

GbpTorchStatus
gbp_torch_model_run (GbpTorchModel *model, const gfloat *input, guint batch,
    guint channels, guint height, guint width, const gint *targets,
    guint *num_classes, gint *classes, gfloat *scores, gfloat *probabilities,
    gfloat *gradient, gfloat *cam, gchar **message)
{
  return guard (message, GBP_TORCH_ERROR_RUN, [&] {
    if (model == nullptr || input == nullptr || batch == 0 || channels == 0
        || height == 0 || width == 0)
      throw WrapperError{GBP_TORCH_ERROR_INVALID_ARGUMENT,
          "no model, no input or an empty input shape"};
    if (cam != nullptr && (!model->has_cam || gradient == nullptr))
      throw WrapperError{GBP_TORCH_ERROR_INVALID_ARGUMENT,
          "Grad-CAM needs a model loaded with a Grad-CAM layer and a gradient"};

    /* from_blob borrows the caller's buffer; nothing writes to it */
    at::Tensor input_tensor = torch::from_blob (const_cast<gfloat *> (input),
        {(int64_t) batch, (int64_t) channels, (int64_t) height,
          (int64_t) width}, at::kFloat).to (model->device);

    if (gradient == nullptr) {
      torch::NoGradGuard forward_only;
      at::Tensor logits = check_logits (*model, run_forward (model,
              input_tensor)[0], batch);
      report_choice (logits, pick_targets (logits, targets, batch), batch,
          num_classes, classes, scores, probabilities);
      return;
    }

    /* Autograd must be on whatever the calling thread set before. */
    torch::AutoGradMode enable_grad (true);
    input_tensor = input_tensor.detach ().requires_grad_ (true);
    std::vector<c10::IValue> outputs = run_forward (model, input_tensor);
    at::Tensor logits = check_logits (*model, outputs[0], batch);
    at::Tensor chosen = pick_targets (logits, targets, batch);
    /* Items of a batch are independent: the gradient of the sum is each
     * item's own gradient. */
    at::Tensor objective = logits.gather (1, chosen.unsqueeze (1)).sum ();

    if (model->has_cam)
      record_cam (*model, outputs[1], objective, cam);

    std::vector<at::Tensor> grads = torch::autograd::grad ({objective},
        {input_tensor}, {}, false, false, true);
    if (!grads[0].defined ())
      throw WrapperError{GBP_TORCH_ERROR_NOT_CLASSIFIER,
          "the model's output does not depend on its input"};

    report_choice (logits, chosen, batch, num_classes, classes, scores,
        probabilities);
    copy_to_host (grads[0], gradient);
  });
}

}  /* extern "C" */
