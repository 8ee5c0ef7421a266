#include "campaign/injection_point.h"

#include <algorithm>

#include "csnake/campaigndb/profile_queries.h"

namespace csnake {

bool parseInjectAt(const std::string &text, InjectAt &out) {
  if (text == "first")
    out = InjectAt::First;
  else if (text == "middle")
    out = InjectAt::Middle;
  else
    return false;
  return true;
}

const char *injectAtName(InjectAt at) { return at == InjectAt::First ? "first" : "middle"; }

double injectionPointFraction(InjectAt at, int index) {
  if (at == InjectAt::First) {
    if (index == 0) return 0.0;
    --index;
  }
  // Binary van der Corput: index 0 -> 1/2, 1 -> 1/4, 2 -> 3/4, 3 -> 1/8, ...
  unsigned n = static_cast<unsigned>(index) + 1;
  double f = 0, scale = 0.5;
  for (; n; n >>= 1, scale /= 2)
    if (n & 1u) f += scale;
  return f;
}

InjectionPoint injectionPoint(CampaignDb &db, const ExperimentPlan &p, InjectAt at) {
  InjectionPoint out;
  if (at == InjectAt::First || p.kind != ExperimentKind::Injection || !p.fault) return out;
  for (int64_t n : profileOpportunitiesPerRun(db, p.testId, p.fault, p.context, p.delayMs > 0)) {
    out.minReaches = out.profileRuns == 0 ? n : std::min(out.minReaches, n);
    ++out.profileRuns;
  }
  // Delay faults run in mode `always`: every iteration of every matching invocation is
  // slowed from the first one on, which is steady state already for the long-lived loops
  // (a server's handler or heartbeat threads) that matter most. Those loops are entered
  // once per thread at start-up, so skipping invocations would exempt threads, not start
  // later (measured on minidfs: skipping 1 of 3 RPC handler threads lost the retry
  // storm's first step). Delays therefore keep skip 0; only error faults, whose reaches
  // spread over the run, move to its middle.
  out.skip = p.delayMs > 0 ? 0 : out.minReaches / 2;
  return out;
}

void applyInjectionPoint(CampaignDb &db, ExperimentPlan &p, InjectAt at) {
  if (p.kind != ExperimentKind::Injection) return;
  InjectionPoint ip = injectionPoint(db, p, at);
  p.skip = ip.skip;
  if (at == InjectAt::First) return;
  std::string note = p.delayMs > 0 ? "delay from the first invocation (threads enter long-lived loops at start-up)"
                     : ip.profileRuns == 0 ? "inject at the first opportunity (no profile data)"
                                           : "inject after skipping " + std::to_string(ip.skip) + " (middle of min " +
                                                 std::to_string(ip.minReaches) + " reaches over " +
                                                 std::to_string(ip.profileRuns) + " profile runs)";
  p.reason = p.reason.empty() ? note : p.reason + "; " + note;
}

}  // namespace csnake
