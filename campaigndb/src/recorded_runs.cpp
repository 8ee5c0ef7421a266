#include "csnake/campaigndb/recorded_runs.h"

#include <nlohmann/json.hpp>

#include "csnake/common/site_id.h"
#include "schema.h"
#include "sqlite.h"

namespace csnake {

namespace {

TraceSummary readSummary(Database &db, int64_t runId, bool hasPlan, Statement &receipt) {
  TraceSummary s;
  s.armed = receipt.getInt(0) != 0;
  s.fired = receipt.getInt(1) != 0;
  s.hasPlan = hasPlan;
  s.fireCount = static_cast<uint64_t>(receipt.getInt(2));
  s.processes = static_cast<size_t>(receipt.getInt(3));
  // A source database older than schema 6 has no per-process reaches: -1 (unknown).
  bool perProcess = schemaVersion(db) >= 6;
  Statement ev = db.prepare(std::string("SELECT site, context, node, reached, occurred, injected, ") +
                            (perProcess ? "reached_in_one_process" : "-1") + " FROM run_events WHERE run_id = ?");
  ev.bind(1, runId);
  // Events are stored summed over call sites (schema 5): read back under call site 0.
  while (ev.step())
    s.events[{ev.getSiteId(0), ev.getSiteId(1), 0, ev.getText(2)}] = {
        static_cast<uint64_t>(ev.getInt(3)), static_cast<uint64_t>(ev.getInt(4)), static_cast<uint64_t>(ev.getInt(5)),
        ev.getInt(6)};
  Statement lp = db.prepare(
      "SELECT loop, callsig, parent_loop, invocations, iterations, histogram FROM run_loops WHERE run_id = ?");
  lp.bind(1, runId);
  while (lp.step()) {
    LoopSummary l;
    l.parent = lp.getSiteId(2);
    l.invocations = static_cast<uint64_t>(lp.getInt(3));
    l.iterations = static_cast<uint64_t>(lp.getInt(4));
    for (const auto &b : nlohmann::json::parse(lp.getText(5))) l.histogram[b[0].get<uint64_t>()] = b[1].get<uint64_t>();
    s.loops[{lp.getSiteId(0), lp.getSiteId(1)}] = std::move(l);
  }
  Statement ps = db.prepare("SELECT loop, callsig, signature, count, decisions FROM run_paths WHERE run_id = ?");
  ps.bind(1, runId);
  while (ps.step()) {
    PathSummary path;
    path.count = static_cast<uint64_t>(ps.getInt(3));
    for (const auto &d : nlohmann::json::parse(ps.getText(4)))
      path.decisions.emplace_back(parseSiteId(d[0].get<std::string>()).value_or(0), d[1].get<uint32_t>());
    s.paths[{ps.getSiteId(0), ps.getSiteId(1), ps.getSiteId(2)}] = std::move(path);
  }
  return s;
}

}  // namespace

int finishedProfileRepeats(CampaignDb &cdb, const std::string &testName) {
  Statement q = cdb.sql().prepare(
      "SELECT COALESCE(MAX(r.repeat) + 1, 0) FROM runs r JOIN experiments e ON e.id = r.experiment_id JOIN tests t "
      "ON t.id = e.test_id WHERE t.name = ? AND e.kind = 'profile' AND r.state NOT IN ('planned', 'running')");
  q.bind(1, testName);
  return q.step() ? static_cast<int>(q.getInt(0)) : 0;
}

std::optional<RecordedRunRow> findFinishedRun(CampaignDb &cdb, const std::string &testName, const ExperimentPlan &p,
                                              int repeat) {
  bool hasSkip = cdb.schemaVersion() >= 3;
  if (!hasSkip && p.skip != 0) return std::nullopt;
  Database &db = cdb.sql();
  Statement q = db.prepare(
      std::string(
          "SELECT r.id, r.state, r.exit_code, r.signal, r.error, r.wall_ms FROM runs r JOIN experiments e ON e.id = "
          "r.experiment_id JOIN tests t ON t.id = e.test_id WHERE t.name = ? AND e.kind = ? AND e.fault = ? AND "
          "e.context = ? AND e.mode = ? AND e.delay_ms = ? AND e.errno_name = ? AND r.repeat = ? AND r.state NOT "
          "IN ('planned', 'running') AND ") +
      (hasSkip ? "e.skip = ?" : "? = 0"));
  q.bind(1, testName).bind(2, experimentKindName(p.kind)).bind(3, p.fault ? formatSiteId(p.fault) : "");
  q.bind(4, p.context ? formatSiteId(p.context) : "")
      .bind(5, p.mode)
      .bind(6, p.delayMs)
      .bind(7, p.errnoName)
      .bind(8, repeat);
  q.bind(9, p.skip);
  if (!q.step()) return std::nullopt;
  RecordedRunRow out;
  int64_t runId = q.getInt(0);
  out.state = parseRunState(q.getText(1)).value_or(RunState::Failed);
  if (!q.isNull(2)) out.exitCode = static_cast<int>(q.getInt(2));
  if (!q.isNull(3)) out.signal = static_cast<int>(q.getInt(3));
  out.error = q.getText(4);
  if (!q.isNull(5)) out.wallMs = q.getInt(5);
  Statement rc = db.prepare("SELECT armed, fired, fire_count, processes FROM run_receipts WHERE run_id = ?");
  rc.bind(1, runId);
  if (rc.step()) out.summary = readSummary(db, runId, p.kind == ExperimentKind::Injection, rc);
  return out;
}

}  // namespace csnake
