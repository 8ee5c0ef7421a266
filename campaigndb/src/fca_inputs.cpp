#include "csnake/campaigndb/fca_inputs.h"

#include <algorithm>

#include "sqlite.h"

namespace csnake {

namespace {

// Count, sum and largest id of a set of finished runs: sets of finished runs only grow,
// so equal counts mean equal sets; the sum and the maximum make a hand-edited database
// (a run deleted and another finished) show as changed too.
struct RunSet {
  int64_t n = 0, sum = 0, max = 0;
  void add(const RunSet &o) {
    n += o.n;
    sum += o.sum;
    max = std::max(max, o.max);
  }
  std::string text() const { return std::to_string(n) + ":" + std::to_string(sum) + ":" + std::to_string(max); }
};

}  // namespace

std::map<int64_t, std::string> currentFcaInputs(CampaignDb &cdb) {
  Database &db = cdb.sql();
  std::map<int64_t, RunSet> finished;  // experiment -> its finished runs
  {
    Statement q = db.prepare(
        "SELECT experiment_id, COUNT(*), SUM(id), MAX(id) FROM runs WHERE state NOT IN ('planned', 'running') "
        "GROUP BY experiment_id");
    while (q.step()) finished[q.getInt(0)] = {q.getInt(1), q.getInt(2), q.getInt(3)};
  }
  std::map<int64_t, RunSet> profileOfTest;
  std::map<int64_t, std::pair<int64_t, RunSet>> injections;  // experiment -> (test, runs)
  Statement q = db.prepare("SELECT id, kind, test_id FROM experiments");
  while (q.step()) {
    int64_t id = q.getInt(0), test = q.getInt(2);
    RunSet runs = finished.count(id) ? finished[id] : RunSet{};
    if (q.getText(1) == "profile")
      profileOfTest[test].add(runs);
    else
      injections[id] = {test, runs};
  }
  std::map<int64_t, std::string> out;
  for (const auto &[id, tr] : injections)
    out[id] = "runs " + tr.second.text() + " profile " + profileOfTest[tr.first].text();
  return out;
}

std::map<int64_t, std::string> storedFcaInputs(CampaignDb &cdb) {
  std::map<int64_t, std::string> out;
  if (cdb.schemaVersion() < 6) return out;
  Statement q = cdb.sql().prepare("SELECT experiment_id, inputs FROM fca_inputs");
  while (q.step()) out[q.getInt(0)] = q.getText(1);
  return out;
}

}  // namespace csnake
