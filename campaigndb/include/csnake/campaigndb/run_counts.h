// Runs by state, for progress and `csnake status`: one query for both.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "csnake/campaigndb/campaign_db.h"
#include "csnake/common/experiment_kind.h"

namespace csnake {

struct RunCounts {
  std::map<std::string, int64_t> byState;  // every state name (run_state.h), zeros included
  int64_t total = 0;
  int64_t open() const;  // planned + running
};

RunCounts countRuns(CampaignDb &db);                       // every experiment kind
RunCounts countRuns(CampaignDb &db, ExperimentKind kind);  // one kind

}  // namespace csnake
