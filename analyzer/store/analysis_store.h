// Reading a campaign database into CampaignData, and writing the analyzer's outputs
// (effects, edges, chains, cycles, analysis metadata). Writing replaces every earlier
// output of the analyzer in one transaction: `csnake analyze` is idempotent.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "store/run_data.h"

namespace csnake::analyzer {

struct Effect;
struct CausalEdge;
struct StoredCycle;

// Throws DbError.
CampaignData loadCampaign(Database &db);
std::map<SiteRef, SiteInfo> loadSites(Database &db);
std::map<int64_t, std::string> loadTestNames(Database &db);

struct AnalysisOutputs {
  const CampaignData *data = nullptr;
  const std::vector<Effect> *effects = nullptr;
  const std::vector<CausalEdge> *edges = nullptr;  // ids are assigned on write (1..n in order)
  const std::vector<StoredCycle> *cycles = nullptr;
  std::string summaryJson;  // stored in meta('analysis')
};

void writeAnalysis(Database &db, const AnalysisOutputs &out);

}  // namespace csnake::analyzer
