// Where in a run an injection experiment injects its fault: the plan's `skip` (matching
// opportunities the runtime lets pass first). A fault injected at its first opportunity
// lands at start-up, when the system holds no state and the consequences are small; the
// `middle` point injects in steady state, half-way through what the profile runs did.
//
//   first:  skip = 0.
//   middle: skip = floor(m / 2), m = the minimum over the test's usable (state 'done')
//           profile runs of
//           - error faults (THROW / ERROR_RETURN / LIBCALL): the most reaches of (fault,
//             context) in one process of the run (run_events.reached_in_one_process,
//             schema 6: the runtime counts the skip per process, and a test that forks a
//             child per case spreads its reaches over many), summed over call-site
//             signatures (context 0 = every context), the largest over nodes;
//           - delay faults (delay_ms > 0, a LOOP): the run's `invocations` of the loop in
//             run_loops, summed over call-site signatures (run_loops has no node) —
//             reported, but a delay fault (mode always) keeps skip 0: long-lived loops
//             are entered once per thread at start-up, so skipping invocations would
//             exempt threads, not start later.
//           No profile run: skip 0. A run that never reached the fault counts as 0.
// A skip beyond a run's reaches leaves the fault unfired (state not_fired); runs stored
// before schema 6 have no per-process count and use the run's reaches per node.
//
// Applied centrally by the campaign to every allocator's plans before they are stored,
// so allocators stay unaware of it; the skip is part of the experiment's identity.
//
// Further points (campaign/injection_point_rounds.h): when the policy has nothing new and
// budget is left, an error fault already tried on a test is tried again at the next point
// of its sequence. Point k of `middle` is the k-th fraction of 1/2, 1/4, 3/4, 1/8, 5/8,
// 3/8, 7/8, 1/16, ... (binary van der Corput order: each new point falls in one of the
// largest gaps left), skip = floor(m * fraction); `first` puts 0 before that sequence.
#pragma once

#include <cstdint>
#include <string>

#include "csnake/campaigndb/campaign_store.h"

namespace csnake {

enum class InjectAt { First, Middle };

// "first" / "middle"; false for anything else.
bool parseInjectAt(const std::string &text, InjectAt &out);
const char *injectAtName(InjectAt at);

struct InjectionPoint {
  int64_t skip = 0;
  int64_t minReaches = 0;  // m (0 without profile data)
  int profileRuns = 0;     // usable profile runs m was taken over
};

// The injection point of an injection plan on its test, from the profile runs in `db`.
InjectionPoint injectionPoint(CampaignDb &db, const ExperimentPlan &plan, InjectAt at);

// Sets plan.skip (injection plans only) and notes it in plan.reason.
void applyInjectionPoint(CampaignDb &db, ExperimentPlan &plan, InjectAt at);

// The fraction of the reaches skipped at point `index` (0 = the point --inject-at names).
double injectionPointFraction(InjectAt at, int index);

}  // namespace csnake
