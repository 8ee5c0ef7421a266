// Causal edges: effects folded by (cause fault, cause context, effect loop, type). One
// edge is supported by one or more experiments (several tests, or one test's several
// call sites); its evidence lists every supporting effect.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "fca/effect.h"

namespace csnake::analyzer {

struct CausalEdge {
  int64_t id = 0;               // 1..n, the order of buildEdges; the stored edges.id
  SiteRef cause, causeContext;  // a delay fault is (L, L)
  bool causeIsDelay = false;
  SiteRef effect;  // the loop
  // parent_delay: the effect loop's parents (the loops a hop continues at). A set: a child
  // loop called from several loops has one parent per call site, and keeping only the
  // first effect's would make the stitching depend on the order of the experiments.
  std::set<SiteRef> parents;
  EffectType type = EffectType::E;
  std::vector<size_t> effects;  // indices into the effect list
  std::set<int64_t> experiments, tests;
  // E edges: the union of the supporting effects' `reached` / `failed` sites (effect.h).
  std::set<SiteRef> reached, failed;
  nlohmann::json evidence(const std::vector<Effect> &all, const CampaignData &data) const;
};

// Deterministic: edges ordered by (cause, context, effect, type).
std::vector<CausalEdge> buildEdges(const std::vector<Effect> &effects);

}  // namespace csnake::analyzer
