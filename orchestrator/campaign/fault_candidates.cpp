#include "campaign/fault_candidates.h"

#include <algorithm>
#include <set>

namespace csnake {

namespace {

std::vector<int64_t> greedyCover(const std::map<int64_t, FaultCoverage> &reaching,
                                 const std::map<int64_t, std::set<uint64_t>> *signatures) {
  std::vector<int64_t> order;
  std::set<int64_t> left;
  for (const auto &[test, cov] : reaching) left.insert(test);
  std::set<uint64_t> covered;
  while (!left.empty()) {
    int64_t best = -1;
    size_t bestGain = 0;
    FaultCoverage bestCov;
    for (int64_t test : left) {
      size_t gain = 0;
      if (signatures) {
        auto it = signatures->find(test);
        if (it != signatures->end())
          for (uint64_t sig : it->second) gain += covered.count(sig) ? 0 : 1;
      }
      const FaultCoverage &c = reaching.at(test);
      bool better = best < 0 || gain > bestGain ||
                    (gain == bestGain && (c.repeatsReached > bestCov.repeatsReached ||
                                          (c.repeatsReached == bestCov.repeatsReached && c.reachCount > bestCov.reachCount)));
      if (better) best = test, bestGain = gain, bestCov = c;
    }
    order.push_back(best);
    left.erase(best);
    if (signatures) {
      auto it = signatures->find(best);
      if (it != signatures->end()) covered.insert(it->second.begin(), it->second.end());
    }
  }
  return order;
}

}  // namespace

std::vector<FaultCandidate> faultCandidates(const AllocationContext &ctx) {
  std::vector<FaultCandidate> out;
  for (const auto &[fault, reaching] : ctx.profile.faults) {
    const FaultSite *site = ctx.sites.find(fault.first);
    if (!site || !site->injectable() || site->kind == SiteKind::Loop) continue;
    if (!ctx.options.faultFilter.empty() && !ctx.options.faultFilter.count(fault.first)) continue;
    auto sigs = ctx.profile.loopSignatures.find(fault.second);
    FaultCandidate c{fault, false, site,
                     greedyCover(reaching, sigs == ctx.profile.loopSignatures.end() ? nullptr : &sigs->second)};
    out.push_back(std::move(c));
  }
  for (const auto &[loop, running] : ctx.profile.loops) {
    const FaultSite *site = ctx.sites.find(loop);
    if (!site || !site->delayCandidate()) continue;
    if (!ctx.options.faultFilter.empty() && !ctx.options.faultFilter.count(loop)) continue;
    auto sigs = ctx.profile.loopSignatures.find(loop);
    FaultCandidate c{{loop, loop}, true, site,
                     greedyCover(running, sigs == ctx.profile.loopSignatures.end() ? nullptr : &sigs->second)};
    out.push_back(std::move(c));
  }
  return out;
}

ExperimentPlan planFor(const AllocationContext &ctx, const FaultCandidate &c, int64_t test, int delayMs,
                       const std::string &allocator, const std::string &phase, const std::string &reason,
                       double score) {
  ExperimentPlan p;
  p.testId = test;
  p.fault = c.fault.first;
  p.context = c.fault.second;
  if (c.delay) {
    p.mode = "always";
    p.delayMs = delayMs;
  } else {
    p.mode = "once";
    if (c.site->kind == SiteKind::Libcall) p.errnoName = defaultErrnoFor(c.site->detail);
  }
  p.allocator = allocator;
  p.phase = phase;
  p.reason = reason;
  p.score = score;
  return p;
}

}  // namespace csnake
