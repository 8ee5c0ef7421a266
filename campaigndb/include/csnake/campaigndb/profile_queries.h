// What the profile runs of a campaign learned, as the allocator reads it (DESIGN.md §3.3):
// which faults and loops each test reaches, and the path signatures at each loop. Only
// runs in state `done` of profile experiments count.
#pragma once

#include <cstdint>
#include <vector>

#include "csnake/campaigndb/campaign_db.h"

namespace csnake {

struct ProfileFaultReach {
  int64_t testId = 0;
  uint64_t site = 0, context = 0;
  int runs = 0;          // profile runs of the test that reached it
  uint64_t reached = 0;  // reaches summed over those runs
};

struct ProfileLoopIterations {
  int64_t testId = 0;
  uint64_t loop = 0;
  int runs = 0;
  uint64_t iterations = 0;
};

struct ProfileLoopSignature {
  int64_t testId = 0;
  uint64_t loop = 0, signature = 0;
};

std::vector<ProfileFaultReach> profileFaultReaches(CampaignDb &db);
std::vector<ProfileLoopIterations> profileLoopIterations(CampaignDb &db);
std::vector<ProfileLoopSignature> profileLoopSignatures(CampaignDb &db);

// One value per done profile run of `testId`: how often that run offered the fault a
// chance to fire — a delay fault's loop invocations (`delayFault`), else the reaches of
// the site (in `context`, 0 = any) in the process that reached it most. 0 when never.
std::vector<int64_t> profileOpportunitiesPerRun(CampaignDb &db, int64_t testId, uint64_t fault, uint64_t context,
                                                bool delayFault);

// Distinct (site, context) pairs reached in any profile run (status).
int64_t profileFaultsReached(CampaignDb &db);

}  // namespace csnake
