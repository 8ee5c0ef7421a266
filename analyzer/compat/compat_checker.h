// The local compatibility check of a junction (DESIGN.md §3.7) with Z3. The two sides of
// a junction at loop J are the recorded iterations of J in
//   A: the incoming edge's injection runs (for a new-path E effect at J, only its new
//      paths: the state the effect puts J in), and
//   B: the outgoing fault's injection runs (only the iterations where its guard was
//      decided, when there are such).
// Each side is a disjunction over its paths of the conjunction of the path's decisions
// (one Bool per branch site; events are not conditions and are left out). Branches whose
// detail names the compared value add `b_site == (value pred k)` over a shared Int.
// The outgoing fault's own guard and the incoming fault's forced guard are free: for a
// THROW junction the throwing side is the only decision allowed to differ. SAT =
// compatible. UNSAT = rejected, with the unsat core of the most frequent path pair
// rendered as source conditions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "csnake/campaigndb/campaign_data.h"
#include "fca/causal_edge.h"

namespace csnake::analyzer {

struct CompatOptions {
  bool enabled = true;
  size_t maxPathsPerSide = 64;
  // Supports taken on each side of a junction; 0 = every one (the default: a verdict must not
  // depend on which other experiments a campaign happened to run).
  size_t maxSupportsPerSide = 0;
  unsigned timeoutMs = 5000;
};

struct JunctionSide {
  std::string label;  // "A" / "B"
  int64_t experiment = 0;
  std::string test;
  std::vector<int64_t> runs;
  std::vector<PathData> paths;
  // Side A of a new-path effect: the call site (two-frame signature) the new paths are at;
  // "" when the side stands for every call site.
  SiteRef callsig;
  // Side B: its paths per call site, so that it is compared at side A's call site.
  std::map<SiteRef, std::vector<PathData>> pathsByCallsig;
  // Decisions that never vary at J in this side's runs nor in the profile runs of its test
  // (a configuration flag, a mode): facts of the whole run, not of one iteration. The two
  // sides must agree on them, whichever of their paths is chosen.
  std::map<SiteRef, uint32_t> invariants;
};

struct CoreLiteral {
  std::string side;  // A / B / both
  SiteRef site;
  uint32_t value = 0;
  std::string rendered;
};

enum class CompatVerdict { Compatible, Incompatible, Unconstrained, Unknown, Unchecked };
const char *compatVerdictName(CompatVerdict v);  // compatible, incompatible, unconstrained, unknown, unchecked

struct JunctionResult {
  CompatVerdict verdict = CompatVerdict::Unchecked;
  SiteRef loop;
  std::vector<std::string> core;  // rendered conditions (UNSAT)
  nlohmann::json sides;           // the experiments and runs compared
  nlohmann::json toJson() const;
  bool accepted() const { return verdict != CompatVerdict::Incompatible; }
};

// Pure solver part: one pair of sides at loop J. `free` sites are left unconstrained by the
// recorded paths. `required`: decisions that must hold (the next fault's guard on its
// fault side: the chain continues only if J's state lets it throw).
JunctionResult checkSides(const SiteRef &loop, const JunctionSide &a, const JunctionSide &b,
                          const std::set<SiteRef> &free, const std::map<SiteRef, SiteInfo> &sites, unsigned timeoutMs,
                          const std::vector<Decision> &required = {});

// Renders one decision as "file:line `condition` (function)".
std::string renderSite(const SiteRef &site, const std::map<SiteRef, SiteInfo> &sites);

class CompatChecker {
 public:
  CompatChecker(const CampaignData &data, const std::vector<Effect> &effects, const std::vector<CausalEdge> &edges,
                CompatOptions opts);
  // The junction between `in` (into junction loop J) and `out` (out of the next fault,
  // injected in J). Memoised.
  JunctionResult check(size_t inEdge, size_t outEdge, const SiteRef &junction);

 private:
  // The edge's supporting effects in an order given by what they are (test, fault plan,
  // loop, call site), not by experiment ids: the pair whose result is shown (the first
  // satisfiable one, or the first one when none is) must not depend on the order in which a
  // campaign ran its experiments.
  std::vector<size_t> supportOrder(const CausalEdge &e) const;
  // incomingSides / outgoingSides, memoised per (edge, junction).
  const std::vector<JunctionSide> &sidesOf(size_t edge, const SiteRef &junction, bool incoming);
  std::vector<JunctionSide> incomingSides(const CausalEdge &e, const SiteRef &junction) const;
  std::vector<JunctionSide> outgoingSides(const CausalEdge &e, const SiteRef &junction) const;
  std::map<SiteRef, uint32_t> invariantsAt(const ExperimentData &x, const std::vector<int64_t> &runs,
                                           const SiteRef &junction) const;

  const CampaignData &data_;
  const std::vector<Effect> &effects_;
  const std::vector<CausalEdge> &edges_;
  CompatOptions opts_;
  std::map<int64_t, const ExperimentData *> experiments_;
  std::map<std::tuple<size_t, size_t, SiteRef>, JunctionResult> memo_;
  std::map<std::tuple<size_t, SiteRef, bool>, std::vector<JunctionSide>> sides_;
};

}  // namespace csnake::analyzer
