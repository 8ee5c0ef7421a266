#include "campaign/injection_point.h"

#include <algorithm>

namespace csnake {

bool parseInjectAt(const std::string &text, InjectAt &out) {
  if (text == "first") out = InjectAt::First;
  else if (text == "middle") out = InjectAt::Middle;
  else return false;
  return true;
}

const char *injectAtName(InjectAt at) { return at == InjectAt::First ? "first" : "middle"; }

InjectionPoint injectionPoint(Database &db, const ExperimentPlan &p, InjectAt at) {
  InjectionPoint out;
  if (at == InjectAt::First || p.kind != "injection" || !p.fault) return out;
  std::string fault = formatSiteId(p.fault);
  // One row per usable profile run of the test: its opportunity count (0 if none).
  std::string perRun =
      p.delayMs > 0
          ? "(SELECT SUM(l.invocations) FROM run_loops l WHERE l.run_id = r.id AND l.loop = ?1)"
          : "(SELECT MAX(n) FROM (SELECT SUM(ev.reached) AS n FROM run_events ev WHERE ev.run_id = r.id AND "
            "ev.site = ?1 AND (?2 = '' OR ev.context = ?2) GROUP BY ev.node))";
  Statement q = db.prepare("SELECT COALESCE(" + perRun +
                           ", 0) FROM runs r JOIN experiments e ON e.id = r.experiment_id "
                           "WHERE e.kind = 'profile' AND e.test_id = ?3 AND r.state = 'done'");
  q.bind(1, fault).bind(2, p.context ? formatSiteId(p.context) : "").bind(3, p.testId);
  while (q.step()) {
    int64_t n = q.getInt(0);
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

void applyInjectionPoint(Database &db, ExperimentPlan &p, InjectAt at) {
  if (p.kind != "injection") return;
  InjectionPoint ip = injectionPoint(db, p, at);
  p.skip = ip.skip;
  if (at == InjectAt::First) return;
  std::string note = p.delayMs > 0        ? "delay from the first invocation (threads enter long-lived loops at start-up)"
                     : ip.profileRuns == 0 ? "inject at the first opportunity (no profile data)"
                                           : "inject after skipping " + std::to_string(ip.skip) + " (middle of min " +
                                                 std::to_string(ip.minReaches) + " reaches over " +
                                                 std::to_string(ip.profileRuns) + " profile runs)";
  p.reason = p.reason.empty() ? note : p.reason + "; " + note;
}

}  // namespace csnake
