// Reads a campaign database whole for the analyzer (campaign_data.h): sites, test names,
// experiments with their runs and trace summaries. Read-only: works on a read-only open.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "csnake/campaigndb/campaign_data.h"
#include "csnake/campaigndb/campaign_db.h"

namespace csnake {

CampaignData loadCampaign(CampaignDb &db);
std::map<SiteRef, SiteInfo> loadSiteInfos(CampaignDb &db);
std::map<int64_t, std::string> loadTestNames(CampaignDb &db);

}  // namespace csnake
