/* guidedbp — Guided Backpropagation saliency engine
 * Copyright (C) 2026 guidedbp developers
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The graph pass that puts guidedbp's oneDNN linear layers
 * (ops/gbp-linear-op.cpp) in place of a frozen model's aten::linear nodes.
 */
#include "gbp-linear-pass.h"
#include "gbp-graph.h"
#include "gbp-linear-pack.h"
#include "gbp-op-names.h"
#include "gbp-ops.h"

#include <vector>

#include <torch/csrc/jit/passes/dead_code_elimination.h>

namespace guidedbp {
namespace {

/* A pack for aten::linear @node with a constant float CPU weight (and
 * bias), or a null pointer. */
c10::intrusive_ptr<LinearPack>
pack_of (torch::jit::Node *node)
{
  if (node->kind () != c10::Symbol::fromQualString ("aten::linear")
      || node->inputs ().size () != 3)
    return {};
  c10::optional<c10::IValue> weight = torch::jit::toIValue (node->input (1));
  c10::optional<c10::IValue> bias = torch::jit::toIValue (node->input (2));
  auto is_float_cpu = [] (const at::Tensor &t, int64_t dim) {
    return t.scalar_type () == at::kFloat && t.device ().is_cpu ()
        && t.layout () == at::kStrided && t.dim () == dim;
  };
  if (!weight || !weight->isTensor () || !is_float_cpu (weight->toTensor (), 2)
      || !bias || !(bias->isNone () || (bias->isTensor ()
              && is_float_cpu (bias->toTensor (), 1))))
    return {};
  auto pack = c10::make_intrusive<LinearPack> ();
  pack->weight = weight->toTensor ().contiguous ();
  pack->out_features = pack->weight.size (0);
  pack->in_features = pack->weight.size (1);
  if (bias->isTensor ())
    pack->bias = bias->toTensor ().contiguous ();
  return pack;
}

c10::intrusive_ptr<LinearPack>
pack_in (torch::jit::Node *node)
{
  return torch::jit::toIValue (node->input (1))->toCustomClass<LinearPack> ();
}

}  // namespace

unsigned
rewrite_linears_to_onednn (const std::shared_ptr<torch::jit::Graph> &graph,
    const KernelPolicy &policy)
{
  unsigned rewritten;

  if (!onednn_available ())
    return 0;
  rewritten = rewrite_to_packed_ops (*graph, pack_of, policy,
      op_names::ONEDNN_LINEAR);
  /* the plain weights' constants: the packs hold what they need */
  torch::jit::EliminateDeadCode (graph);
  return rewritten;
}

void
add_linear_stats (const std::shared_ptr<torch::jit::Graph> &graph,
    KernelStats &stats)
{
  std::vector<torch::jit::Node *> nodes;

  collect_nodes (graph->block (), nodes);
  for (torch::jit::Node *node : nodes) {
    if (!is_kind (node, op_names::ONEDNN_LINEAR))
      continue;
    c10::intrusive_ptr<LinearPack> pack = pack_in (node);
    stats.linears++;
    stats.weight_reorders += pack->weight_reorders;
    for (const std::string &line : describe_linear_plans (*pack))
      stats.choices.push_back (line);
  }
}

}  // namespace guidedbp
