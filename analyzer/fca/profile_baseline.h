// The profile of one test: what its usable profile repeats did, folded into the sets and
// samples the effect rules compare against (built once per test, shared by every
// injection experiment of that test).
#pragma once

#include <map>
#include <set>
#include <vector>

#include "csnake/campaigndb/campaign_data.h"
#include "stats/statistics.h"

namespace csnake::analyzer {

struct RunSelection {
  std::vector<const RunData *> usable;
  int notFired = 0, failed = 0, timedOut = 0, incomplete = 0, noSummary = 0;
  std::vector<int64_t> ids() const;
};

// Usable = state 'done' with an ingested summary (plus 'timed_out' with a summary when
// `useTimedOut`); everything else is counted by state.
RunSelection selectRuns(const ExperimentData &e, bool useTimedOut);

class ProfileBaseline {
 public:
  ProfileBaseline() = default;
  ProfileBaseline(const ExperimentData *experiment, RunSelection runs);

  const ExperimentData *experiment() const { return experiment_; }
  const RunSelection &runs() const { return runs_; }
  size_t repeats() const { return runs_.usable.size(); }

  // Signatures seen in any repeat at (loop, callsig).
  bool hasSignature(const LoopKey &k, const SiteRef &sig) const;
  // (site, context) occurred in any repeat.
  bool hadEvent(const EventKey &k) const { return events_.count(k) != 0; }
  // Whether (loop, callsig) ran in any repeat, and its per-repeat total iterations (0 when absent).
  bool ran(const LoopKey &k) const;
  std::vector<double> iterations(const LoopKey &k) const;
  // Per-invocation iteration counts pooled over the repeats.
  const stats::Histogram *histogram(const LoopKey &k) const;

 private:
  const ExperimentData *experiment_ = nullptr;
  RunSelection runs_;
  std::map<LoopKey, std::set<SiteRef>> signatures_;
  std::set<EventKey> events_;
  std::map<LoopKey, stats::Histogram> histograms_;
};

}  // namespace csnake::analyzer
