#include "allocation/experiment_history.h"

#include "csnake/campaigndb/experiment_queries.h"
#include "csnake/common/site_id.h"

namespace csnake {

bool ExperimentHistory::exists(const ExperimentPlan &p) const {
  for (const ExperimentRecord &e : experiments)
    if (e.testId == p.testId && e.fault == Fault{p.fault, p.context} && e.delayMs == p.delayMs) return true;
  return false;
}

ExperimentHistory ExperimentHistory::onlyPhases(const std::set<std::string> &phases) const {
  ExperimentHistory h;
  for (const ExperimentRecord &e : experiments)
    if (phases.count(e.phase)) {
      h.experiments.push_back(e);
      h.testsUsed[e.fault].insert(e.testId);
    }
  return h;
}

ExperimentHistory ExperimentHistory::load(CampaignStore &store) {
  ExperimentHistory h;
  std::map<int64_t, size_t> index;
  for (const InjectionExperimentRow &row : injectionExperiments(store.database())) {
    ExperimentRecord r;
    r.id = row.id;
    r.testId = row.testId;
    r.fault = {row.fault, row.context};
    r.delayMs = row.delayMs;
    r.phase = row.phase;
    h.testsUsed[r.fault].insert(r.testId);
    index[r.id] = h.experiments.size();
    h.experiments.push_back(std::move(r));
  }
  for (const EffectTokenRow &ef : effectTokens(store.database())) {
    auto it = index.find(ef.experimentId);
    if (it == index.end()) continue;
    ExperimentRecord &r = h.experiments[it->second];
    std::string token = ef.site + ":" + ef.type;
    r.tokens.insert(token);
    if (ef.type == "E") {
      r.eTokens.insert(token);
    } else {
      r.sTokens.insert(token);
      uint64_t loop = 0;
      if (parseSiteId(ef.site, loop)) r.contentionLoops.insert(loop);
    }
  }
  return h;
}

}  // namespace csnake
