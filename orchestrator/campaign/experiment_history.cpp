#include "campaign/experiment_history.h"

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
  Statement q = store.db().prepare(
      "SELECT id, test_id, fault, context, delay_ms, phase FROM experiments WHERE kind = 'injection' ORDER BY id");
  while (q.step()) {
    ExperimentRecord r;
    r.id = q.getInt(0);
    r.testId = q.getInt(1);
    parseSiteId(q.getText(2), r.fault.first);
    if (!q.getText(3).empty()) parseSiteId(q.getText(3), r.fault.second);
    r.delayMs = static_cast<int>(q.getInt(4));
    r.phase = q.getText(5);
    h.testsUsed[r.fault].insert(r.testId);
    index[r.id] = h.experiments.size();
    h.experiments.push_back(std::move(r));
  }
  Statement ef = store.db().prepare("SELECT experiment_id, type, site FROM effects");
  while (ef.step()) {
    auto it = index.find(ef.getInt(0));
    if (it == index.end()) continue;
    ExperimentRecord &r = h.experiments[it->second];
    std::string type = ef.getText(1), site = ef.getText(2);
    std::string token = site + ":" + type;
    r.tokens.insert(token);
    if (type == "E") {
      r.eTokens.insert(token);
    } else {
      r.sTokens.insert(token);
      uint64_t loop = 0;
      if (parseSiteId(site, loop)) r.contentionLoops.insert(loop);
    }
  }
  return h;
}

}  // namespace csnake
