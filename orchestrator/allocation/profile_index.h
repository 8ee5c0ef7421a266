// What the profile phase learned, loaded from the database for allocators: which faults
// (site, context) each healthy test reaches, in how many profile repeats and how often,
// and which loops it runs.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "csnake/campaigndb/campaign_store.h"

namespace csnake {

using Fault = std::pair<uint64_t, uint64_t>;  // (site, context); a delay fault is (loop, loop)

struct FaultCoverage {
  int repeatsReached = 0;   // profile repeats of the test that reached it
  uint64_t reachCount = 0;  // summed over those repeats
};

struct ProfileIndex {
  // fault -> test id -> coverage
  std::map<Fault, std::map<int64_t, FaultCoverage>> faults;
  // loop -> test id -> coverage (iterations instead of reaches)
  std::map<uint64_t, std::map<int64_t, FaultCoverage>> loops;
  // loop -> test id -> distinct path signatures seen at that loop in its profile runs
  std::map<uint64_t, std::map<int64_t, std::set<uint64_t>>> loopSignatures;
  std::set<int64_t> healthyTests;  // instrumented, not broken

  // Only tests in `selected` count (the campaign's --tests / --label selection); empty =
  // every test of the database.
  static ProfileIndex load(CampaignStore &store, const std::set<int64_t> &selected = {});
};

}  // namespace csnake
