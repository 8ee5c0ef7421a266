#include "store/analysis_store.h"

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "analysis.h"
#include "csnake/campaigndb/analysis_rows.h"

namespace csnake::analyzer {

void writeAnalysis(CampaignDb &db, const AnalysisOutputs &out) {
  AnalysisRows rows;
  for (const CausalEdge &e : *out.edges)
    rows.edges.push_back({e.id, e.cause, e.causeContext, e.effect, effectTypeName(e.type),
                          e.evidence(*out.effects, *out.data), static_cast<int64_t>(e.tests.size())});
  std::vector<int64_t> edgeOfEffect(out.effects->size(), 0);
  for (const CausalEdge &e : *out.edges)
    for (size_t i : e.effects) edgeOfEffect[i] = e.id;
  for (size_t i = 0; i < out.effects->size(); ++i) {
    const Effect &f = (*out.effects)[i];
    rows.effects.push_back(
        {f.experimentId, effectTypeName(f.type), f.site, f.callsig, f.evidence, f.rule, edgeOfEffect[i]});
  }
  // A `cycles` row is a fault cycle, stored with its representative chain's evidence;
  // every chain of it (the representative too) is a `chains` row.
  const std::vector<StoredCycle> &cs = *out.cycles;
  size_t firstOfGroup = 0;  // the representative of the current group
  for (size_t i = 0; i < cs.size(); ++i) {
    const StoredCycle &c = cs[i];
    if (c.representative) firstOfGroup = i;
    if (c.representative) {
      int64_t members = 0;
      for (size_t k = i; k < cs.size() && cs[k].group == c.group; ++k) ++members;
      CycleRow row;
      row.canonical = c.canonical;
      row.length = c.length;
      row.delays = c.delays;
      row.edges = c.edgeIds;
      row.verdict = c.verdict;
      row.evidence = c.evidence;
      row.tests = static_cast<int64_t>(c.tests.size());
      row.faultCycleId = c.faultCycleId;
      row.faults = c.faults;
      row.alternatives = members - 1;
      row.rank = c.group + 1;
      rows.cycles.push_back(std::move(row));
    }
    if (rows.cycles.empty()) continue;  // a group always starts with its representative
    // A composite fault cycle keeps its representative chain only; its other chains are
    // counted (`alternatives`). On a large campaign composites are nearly all the chains.
    if (!c.representative && !cs[firstOfGroup].compositeOf.empty()) continue;
    ChainRow chain;
    chain.canonical = c.canonical;
    chain.representative = c.representative;
    chain.length = c.length;
    chain.delays = c.delays;
    chain.edges = c.edgeIds;
    chain.verdict = c.verdict;
    chain.tests = static_cast<int64_t>(c.tests.size());
    chain.evidence = nlohmann::json{{"representative", c.representative}};
    rows.cycles.back().chains.push_back(std::move(chain));
  }
  rows.summaryJson = out.summaryJson;
  rows.fcaInputs = out.fcaInputs;
  replaceAnalysis(db, rows);
}

void writeEffectsOf(CampaignDb &db, const std::vector<int64_t> &experiments, const AnalysisOutputs &out) {
  AnalysisRows rows;
  for (const Effect &f : *out.effects)
    rows.effects.push_back({f.experimentId, effectTypeName(f.type), f.site, f.callsig, f.evidence, f.rule, 0});
  rows.summaryJson = out.summaryJson;
  rows.fcaInputs = out.fcaInputs;
  replaceEffectsOf(db, experiments, rows);
}

}  // namespace csnake::analyzer
