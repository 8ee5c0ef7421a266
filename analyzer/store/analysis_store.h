// The analyzer's outputs (effects, edges, chains, cycles, analysis metadata) turned into
// the campaign database's rows and written (csnake/campaigndb/analysis_rows.h: one
// transaction replaces every earlier output, so `csnake analyze` is idempotent).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "csnake/campaigndb/campaign_data.h"
#include "csnake/campaigndb/campaign_db.h"

namespace csnake::analyzer {

struct Effect;
struct CausalEdge;
struct StoredCycle;

struct AnalysisOutputs {
  const CampaignData *data = nullptr;
  const std::vector<Effect> *effects = nullptr;
  const std::vector<CausalEdge> *edges = nullptr;  // ids are assigned on write (1..n in order)
  const std::vector<StoredCycle> *cycles = nullptr;
  std::string summaryJson;  // stored in meta('analysis')
};

void writeAnalysis(CampaignDb &db, const AnalysisOutputs &out);  // throws DbError

}  // namespace csnake::analyzer
