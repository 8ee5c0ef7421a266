// The analyzer's outputs as stored (effects, edges, cycles and their chains, the analysis
// summary in meta('analysis')), and read back for `csnake edges`, `csnake cycles` and the
// report. Writing replaces every earlier output in one transaction, so an analysis is
// idempotent and a reader never sees half of one.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "csnake/campaigndb/campaign_db.h"

namespace csnake {

struct EdgeRow {
  int64_t id = 0;
  std::string cause, causeContext, effect, type;  // site ids as stored; type E, S+, parent_delay
  nlohmann::json evidence;
  int64_t tests = 0;  // distinct supporting tests
};

struct EffectRow {
  int64_t experimentId = 0;
  std::string type, site, callsig;
  nlohmann::json evidence;
  std::string rule;
  int64_t edgeId = 0;  // 0 = not part of an edge
};

// One chain the search found; the first chain of a cycle group is its representative.
struct ChainRow {
  std::string canonical;
  bool representative = false;
  int64_t length = 0, delays = 0, tests = 0;
  std::vector<int64_t> edges;
  std::string verdict;
  nlohmann::json evidence;
};

struct CycleRow {
  std::string canonical, verdict;
  std::string faultCycleId;  // stable id of the fault cycle
  nlohmann::json faults;     // its faults in cycle order
  int64_t length = 0, delays = 0, tests = 0, alternatives = 0, rank = 0;
  std::vector<int64_t> edges;
  nlohmann::json evidence;
  std::vector<ChainRow> chains;  // the representative first
};

struct AnalysisRows {
  std::vector<EdgeRow> edges;
  std::vector<EffectRow> effects;
  std::vector<CycleRow> cycles;
  std::string summaryJson;
  std::map<int64_t, std::string> fcaInputs;  // experiment -> inputs (fca_inputs.h) of its effects
};

void replaceAnalysis(CampaignDb &db, const AnalysisRows &rows);
// The analysis between allocation rounds: the effects of `experiments` replaced by
// `rows.effects` (their edge ids unset), their inputs recorded; edges and cycles, built
// from every effect, are dropped until the next full analysis. One transaction.
void replaceEffectsOf(CampaignDb &db, const std::vector<int64_t> &experiments, const AnalysisRows &rows);

// Whether the database holds an analysis, and runs at all (what `edges` / `cycles` need).
bool hasAnalysis(CampaignDb &db);
int64_t countRunsTotal(CampaignDb &db);

struct StoredCycleRow {
  int64_t id = 0, rank = 0, length = 0, delays = 0, tests = 0, alternatives = 0;
  std::string canonical, verdict, faultCycleId;
  nlohmann::json edges, evidence, faults;  // as stored (null when unreadable)
};

// By id, each with its full evidence: the supports (stored as the edge's effects rows) are
// put back under "supports" — unless !withSupports (listing cycles needs the edges' cause,
// effect, type and tests only).
std::vector<EdgeRow> storedEdges(CampaignDb &db, bool withSupports = true);

struct StoredChainRow {
  std::string canonical, verdict;
  nlohmann::json edges;
};
// The chains of each fault cycle (cycles.id) other than its representative, in id order.
std::map<int64_t, std::vector<StoredChainRow>> storedAlternativeChains(CampaignDb &db);
std::vector<StoredCycleRow> storedCycles(CampaignDb &db);  // by rank

}  // namespace csnake
