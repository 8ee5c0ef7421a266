// Reading the analyzer's stored outputs back for `csnake edges` / `csnake cycles` (and
// the report): edges and ranked cycles with their sites resolved to id, kind, file, line
// and function.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "csnake/campaigndb/campaign_db.h"

namespace csnake::analyzer {

// Throws std::runtime_error "FILE: not analysed yet (run 'csnake analyze --db FILE')"
// when the database has no analysis, and "FILE: no runs" when it has no runs at all.
void requireAnalysis(CampaignDb &db);

nlohmann::json readEdges(CampaignDb &db);
// Fault cycles, ranked; rejected and composite ones (analysis.h) only when `includeAll`.
// Each: "id" (the stable fault cycle id), "rank", "faults" in cycle order, "composite_of",
// the representative chain's "steps".
nlohmann::json readCycles(CampaignDb &db, bool includeAll);
// One fault cycle by its id (rejected ones too), with every step's full evidence and its
// chains; null when there is none.
nlohmann::json readCycle(CampaignDb &db, const std::string &faultCycleId);

// One-line rendering of a site object of the JSON above: "THROW 0x... file:line function".
std::string siteLine(const nlohmann::json &site);

}  // namespace csnake::analyzer
