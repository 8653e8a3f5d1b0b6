/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "gbp-gradcam-pass.h"

#include <string>

namespace guidedbp {
namespace {

/* "features.0": the chain of module instances @node was inlined from. */
std::string
module_path_of (torch::jit::Node *node)
{
  std::string path;

  if (!node->callstack ())
    return path;
  for (const torch::jit::InlinedCallStackEntry &entry :
      (*node->callstack ())->vec ()) {
    const c10::optional<torch::jit::ModuleInstanceInfo> &info =
        std::get<2> (entry);
    if (!info || info->instance_name ().empty ())
      continue;
    path += (path.empty () ? "" : ".") + info->instance_name ();
  }
  return path;
}

bool
is_convolution (torch::jit::Node *node)
{
  static const char *const kinds[] = { "aten::conv1d", "aten::conv2d",
    "aten::conv3d", "aten::_convolution", "aten::convolution"
  };
  std::string kind = node->kind ().toQualString ();

  for (const char *k : kinds)
    if (kind == k)
      return true;
  return false;
}

}  // namespace

torch::jit::Value *
find_layer_output (const std::shared_ptr<torch::jit::Graph> &graph,
    const std::string &module_path)
{
  torch::jit::Value *found = nullptr;

  /* a module's value is what its last node computes */
  for (torch::jit::Node *node : graph->block ()->nodes ()) {
    bool inside;

    if (node->outputs ().size () != 1
        || !node->output ()->type ()->isSubtypeOf (*c10::TensorType::get ()))
      continue;
    if (module_path.empty ()) {
      inside = is_convolution (node);
    } else {
      std::string path = module_path_of (node);
      inside = path == module_path
          || path.compare (0, module_path.size () + 1, module_path + ".") == 0;
    }
    if (inside)
      found = node->output ();
  }
  return found;
}

}  // namespace guidedbp
