// Where a campaign stands (`csnake status`): counts that are safe to read while the
// campaign writes.
#pragma once

#include <cstdint>

#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/run_counts.h"

namespace csnake {

struct CampaignStatus {
  RunCounts all, profile, injection;
  int64_t experiments = 0, injectionExperiments = 0;
  int64_t tests = 0, flakyTests = 0, failingTests = 0;
  int64_t sites = 0, faultsReached = 0;
  double firstStart = 0, lastActivity = 0;  // unix seconds; 0 when no run started
};

CampaignStatus campaignStatus(CampaignDb &db);

}  // namespace csnake
