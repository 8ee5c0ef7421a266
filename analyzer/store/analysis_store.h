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
  std::map<int64_t, std::string> fcaInputs;  // per experiment analysed: its inputs (fca_inputs.h)
};

void writeAnalysis(CampaignDb &db, const AnalysisOutputs &out);  // throws DbError
// Only the effects of `experiments` (analyzeNewRuns): `out.edges` and `out.cycles` unused.
void writeEffectsOf(CampaignDb &db, const std::vector<int64_t> &experiments, const AnalysisOutputs &out);

}  // namespace csnake::analyzer
