// Fault cycles that are one cascade slowed at different depths (docs/analyzer.md §3,
// "Nesting variants"). A loop that runs inside another one (a handler's loop inside the
// server's handler loop) makes its enclosing loop slow when it is slow, so a fault cycle
// through a delay of the inner loop and one through a delay of the outer loop, with the
// same other faults, describe the same cascade; the analyzer reports the better ranked
// one and lists the other as its variant.
//
// Nesting is what the runs observed (the runtime's loop stack: a loop's enclosing loop on
// its thread, across function calls), not the source's lexical nesting, so a loop reached
// through a callback or an RPC handler counts as nested in the loop that called it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "csnake/campaigndb/campaign_data.h"

namespace csnake::analyzer {

class LoopNesting {
 public:
  // Every (loop, enclosing loop) pair of every run of the campaign, closed transitively.
  static LoopNesting observed(const CampaignData &data);
  void add(const SiteRef &loop, const SiteRef &enclosing);
  // `outer` encloses `inner` at some depth (a loop never encloses itself).
  bool encloses(const SiteRef &outer, const SiteRef &inner) const;

 private:
  std::map<SiteRef, std::set<SiteRef>> parents_;
};

// `a` and `b` are fault lists in cycle order ({"site", "context", "kind", "delay"}, as a
// stored fault cycle has them): the same length, and in some rotation every pair of faults
// is the same fault, or two delay faults one of whose loops encloses the other.
bool sameUpToDelayNesting(const nlohmann::json &a, const nlohmann::json &b, const LoopNesting &nesting);

}  // namespace csnake::analyzer
