#include "fca/profile_baseline.h"

namespace csnake::analyzer {

std::vector<int64_t> RunSelection::ids() const {
  std::vector<int64_t> out;
  for (const RunData *r : usable) out.push_back(r->id);
  return out;
}

RunSelection selectRuns(const ExperimentData &e, bool useTimedOut) {
  RunSelection s;
  for (const RunData &r : e.runs) {
    if (r.state == RunState::Done) {
      if (r.hasSummary)
        s.usable.push_back(&r);
      else
        ++s.noSummary;
    } else if (r.state == RunState::TimedOut) {
      ++s.timedOut;
      if (useTimedOut && r.hasSummary) s.usable.push_back(&r);
    } else if (r.state == RunState::NotFired) {
      ++s.notFired;
    } else if (r.state == RunState::Failed) {
      ++s.failed;
    } else {
      ++s.incomplete;  // planned / running: the campaign has not finished them
    }
  }
  return s;
}

ProfileBaseline::ProfileBaseline(const ExperimentData *experiment, RunSelection runs)
    : experiment_(experiment), runs_(std::move(runs)) {
  for (const RunData *r : runs_.usable) {
    for (const auto &[k, sigs] : r->paths)
      for (const auto &kv : sigs) signatures_[k].insert(kv.first);
    for (const auto &[k, ev] : r->events)
      if (ev.occurred > 0) events_.insert(k);
    for (const auto &[k, l] : r->loops) {
      stats::Histogram &h = histograms_[k];
      for (const auto &[v, c] : l.histogram) h[v] += c;
    }
  }
}

bool ProfileBaseline::hasSignature(const LoopKey &k, const SiteRef &sig) const {
  auto it = signatures_.find(k);
  return it != signatures_.end() && it->second.count(sig);
}

bool ProfileBaseline::ran(const LoopKey &k) const {
  for (const RunData *r : runs_.usable) {
    auto it = r->loops.find(k);
    if (it != r->loops.end() && (it->second.iterations > 0 || it->second.invocations > 0)) return true;
  }
  return false;
}

std::vector<double> ProfileBaseline::iterations(const LoopKey &k) const {
  std::vector<double> out;
  for (const RunData *r : runs_.usable) {
    auto it = r->loops.find(k);
    out.push_back(it == r->loops.end() ? 0.0 : static_cast<double>(it->second.iterations));
  }
  return out;
}

const stats::Histogram *ProfileBaseline::histogram(const LoopKey &k) const {
  auto it = histograms_.find(k);
  return it == histograms_.end() ? nullptr : &it->second;
}

}  // namespace csnake::analyzer
