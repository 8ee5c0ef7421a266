#include "csnake/campaigndb/run_counts.h"

#include <optional>

#include "csnake/common/run_state.h"
#include "sqlite.h"

namespace csnake {

int64_t RunCounts::open() const {
  auto get = [&](RunState s) {
    auto it = byState.find(runStateName(s));
    return it == byState.end() ? int64_t(0) : it->second;
  };
  return get(RunState::Planned) + get(RunState::Running);
}

namespace {

RunCounts count(CampaignDb &db, std::optional<ExperimentKind> kind) {
  RunCounts c;
  for (RunState s : kAllRunStates) c.byState[runStateName(s)] = 0;
  std::string sql = "SELECT r.state, COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id";
  if (kind) sql += " WHERE e.kind = ?";
  sql += " GROUP BY r.state";
  Statement q = db.sql().prepare(sql);
  if (kind) q.bind(1, experimentKindName(*kind));
  while (q.step()) {
    c.byState[q.getText(0)] = q.getInt(1);
    c.total += q.getInt(1);
  }
  return c;
}

}  // namespace

RunCounts countRuns(CampaignDb &db) { return count(db, std::nullopt); }
RunCounts countRuns(CampaignDb &db, ExperimentKind kind) { return count(db, kind); }

}  // namespace csnake
