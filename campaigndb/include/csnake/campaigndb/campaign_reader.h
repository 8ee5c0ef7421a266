// Reads a campaign database whole for the analyzer (campaign_data.h): sites, test names,
// experiments with their runs and trace summaries. Read-only: works on a read-only open.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <set>

#include "csnake/campaigndb/campaign_data.h"
#include "csnake/campaigndb/campaign_db.h"

namespace csnake {

// Every experiment with its runs, or only `experiments` (by id) and the profile experiments
// of their tests: their per-run rows are then looked up run by run, so the cost grows
// with those runs, not with the database.
CampaignData loadCampaign(CampaignDb &db, const std::set<int64_t> *experiments = nullptr);
std::map<SiteRef, SiteInfo> loadSiteInfos(CampaignDb &db);
std::map<int64_t, std::string> loadTestNames(CampaignDb &db);

}  // namespace csnake
