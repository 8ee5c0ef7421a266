#include "campaign/injection_point_rounds.h"

#include <cmath>
#include <map>
#include <string>
#include <tuple>

#include "csnake/campaigndb/experiment_queries.h"

namespace csnake {

namespace {

struct PointGroup {
  InjectionExperimentRow first;  // the policy's experiment: its test, fault and mode
  std::set<int64_t> skips;       // points tried
};

std::string fractionText(double f) {
  if (f == 0) return "0";
  // The sequence's fractions are dyadic: print them as k/2^n.
  int64_t den = 1;
  while (std::floor(f * static_cast<double>(den)) != f * static_cast<double>(den) && den < (int64_t{1} << 40)) den *= 2;
  return std::to_string(static_cast<int64_t>(f * static_cast<double>(den))) + "/" + std::to_string(den);
}

}  // namespace

std::vector<ExperimentPlan> nextInjectionPointRound(CampaignDb &db, const std::set<int64_t> &tests,
                                                    const std::set<uint64_t> &faults, InjectAt at, int maxPoints) {
  using Key = std::tuple<int64_t, uint64_t, uint64_t, std::string, std::string>;
  std::map<Key, size_t> index;
  std::vector<PointGroup> groups;
  for (const InjectionExperimentRow &r : injectionExperiments(db)) {
    if (r.delayMs > 0 || !tests.count(r.testId) || (!faults.empty() && !faults.count(r.fault))) continue;
    Key k{r.testId, r.fault, r.context, r.mode, r.errnoName};
    auto [it, added] = index.emplace(k, groups.size());
    if (added) groups.push_back({r, {}});
    groups[it->second].skips.insert(r.skip);
  }
  std::vector<ExperimentPlan> out;
  for (const PointGroup &g : groups) {
    if (static_cast<int>(g.skips.size()) >= maxPoints) continue;
    ExperimentPlan p;
    p.kind = ExperimentKind::Injection;
    p.testId = g.first.testId;
    p.fault = g.first.fault;
    p.context = g.first.context;
    p.mode = g.first.mode;
    p.errnoName = g.first.errnoName;
    InjectionPoint base = injectionPoint(db, p, InjectAt::Middle);  // m and the runs it came from
    for (int k = 0; k < maxPoints; ++k) {
      double f = injectionPointFraction(at, k);
      auto skip = static_cast<int64_t>(std::floor(static_cast<double>(base.minReaches) * f));
      if (g.skips.count(skip)) continue;
      p.skip = skip;
      p.allocator = g.first.allocator;
      p.phase = "points";
      p.reason = "injection point " + std::to_string(k + 1) + " of at most " + std::to_string(maxPoints) +
                 " (the policy had nothing new): skip " + std::to_string(skip) + " = " + fractionText(f) +
                 " of min " + std::to_string(base.minReaches) + " reaches over " + std::to_string(base.profileRuns) +
                 " profile runs";
      out.push_back(p);
      break;
    }
  }
  return out;
}

}  // namespace csnake
