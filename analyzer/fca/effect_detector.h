// Fault causality analysis (DESIGN.md §3.5): one injection experiment against the profile
// of its test. The exact rules are in docs/analyzer.md §2 and at the top of the .cpp.
#pragma once

#include <string>
#include <vector>

#include "analysis_monitor.h"
#include "fca/effect.h"
#include "fca/profile_baseline.h"

namespace csnake::analyzer {

struct FcaOptions {
  double pValue = 0.1;       // S+: one-sided Welch p below this
  double tvd = 0.05;         // parent delay: total-variation distance at least this
  int minRepeats = 2;        // usable repeats needed on each side
  bool useTimedOut = false;  // count timed-out runs with a summary as usable repeats
  // S+ of a clock-paced loop must also hold per second of the run's wall time.
  bool clockPacedPerSecond = true;
};

struct ExperimentVerdict {
  int64_t experimentId = 0;
  bool analysed = false;
  std::string skipReason;  // why not analysed
  int usable = 0, profileUsable = 0, notFired = 0, failed = 0, timedOut = 0, incomplete = 0;
  int effects = 0;
};

class EffectDetector {
 public:
  EffectDetector(const CampaignData &data, FcaOptions opts) : data_(data), opts_(opts) {}
  // Effects of one injection experiment; `verdict` says what was used and excluded.
  std::vector<Effect> detect(const ExperimentData &injection, const ProfileBaseline &profile,
                             ExperimentVerdict &verdict) const;
  // All injection experiments of the campaign (`monitor`: progress and cancellation).
  std::vector<Effect> detectAll(std::vector<ExperimentVerdict> &verdicts, AnalysisMonitor *monitor = nullptr) const;

  // The context an injection experiment's fault fired in: the plan's, else the context of
  // the injected events when every usable run agrees on one, else "".
  static SiteRef resolveContext(const ExperimentData &e, const std::vector<const RunData *> &runs);
  bool isDelayFault(const ExperimentData &e) const;

 private:
  bool clockPaced(const SiteRef &loop) const;
  static bool ratesOf(const std::vector<const RunData *> &runs, const LoopKey &k, std::vector<double> &out);
  const CampaignData &data_;
  FcaOptions opts_;
};

}  // namespace csnake::analyzer
