// What the fault causality analysis of each injection experiment read: its finished runs
// and the finished profile runs of its test (docs/analyzer.md §5, "Between allocation
// rounds"). Finished runs never change again, so an experiment whose inputs are the same
// as when its effects were stored has the same effects: the analysis between rounds
// redoes only the others, and its cost grows with the new runs, not with the database.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "csnake/campaigndb/campaign_db.h"

namespace csnake {

// Per injection experiment: a text that changes whenever a run of the experiment, or a
// profile run of its test, becomes final ("runs N:SUM:MAX profile N:SUM:MAX" over run ids).
std::map<int64_t, std::string> currentFcaInputs(CampaignDb &db);

// The inputs recorded with the stored effects (`fca_inputs`); empty before schema 6.
std::map<int64_t, std::string> storedFcaInputs(CampaignDb &db);

}  // namespace csnake
