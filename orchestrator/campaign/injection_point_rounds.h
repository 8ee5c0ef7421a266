// Budget left when the allocation policy has nothing new goes to other injection points
// of the error faults it tried. A one-time fault's consequences depend on when it lands
// relative to the target's periodic work (heartbeats, monitors, scans): measured on the
// bundled target, a DataNode falsely declared dead made the NameNode re-replicate and
// delete replicas at 4 of 12 heartbeat checks of one test and at none of the others, so a
// single point per (fault, test) decides an edge by the phase it happens to hit.
//
// One round adds, for every (test, fault, context, mode, errno) of an error-fault
// injection experiment in the database (first experiment first), one experiment at the
// first point of injectionPointFraction's sequence whose skip that group has not tried,
// among its first `maxPoints` points (distinct skips only: a fault reached 3 times has at
// most 3). Delay faults keep their one point (skip 0, injection_point.h). Derived from the
// database alone, so a resumed campaign plans the same rounds.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "campaign/injection_point.h"
#include "csnake/campaigndb/campaign_store.h"

namespace csnake {

// Plans of the next round on `tests` (and only `faults`' sites unless empty); empty when
// every group has tried its points.
std::vector<ExperimentPlan> nextInjectionPointRound(CampaignDb &db, const std::set<int64_t> &tests,
                                                    const std::set<uint64_t> &faults, InjectAt at, int maxPoints);

}  // namespace csnake
