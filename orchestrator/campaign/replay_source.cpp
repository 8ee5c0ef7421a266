#include "campaign/replay_source.h"

#include <nlohmann/json.hpp>

#include "db/schema.h"

namespace csnake {

namespace {

RunState stateFromName(const std::string &s) {
  for (RunState r : {RunState::Planned, RunState::Running, RunState::Done, RunState::Failed, RunState::TimedOut,
                     RunState::NotFired})
    if (s == runStateName(r)) return r;
  return RunState::Failed;
}

uint64_t idOf(const std::string &text) {
  uint64_t v = 0;
  parseSiteId(text, v);
  return v;
}

}  // namespace

ReplaySource::ReplaySource(const std::string &path) : db_(path, false, true) {
  if (schemaVersion(db_) > kSchemaVersion)
    throw DbError(path + ": schema version " + std::to_string(schemaVersion(db_)) + " is newer than this csnake supports");
  hasSkip_ = schemaVersion(db_) >= 3;
}

int ReplaySource::profileRepeats(const std::string &testName) {
  Statement q = db_.prepare(
      "SELECT COALESCE(MAX(r.repeat) + 1, 0) FROM runs r JOIN experiments e ON e.id = r.experiment_id JOIN tests t "
      "ON t.id = e.test_id WHERE t.name = ? AND e.kind = 'profile' AND r.state NOT IN ('planned', 'running')");
  q.bind(1, testName);
  return q.step() ? static_cast<int>(q.getInt(0)) : 0;
}

std::optional<RecordedRun> ReplaySource::find(const std::string &testName, const ExperimentPlan &p, int repeat) {
  if (!hasSkip_ && p.skip != 0) return std::nullopt;
  Statement q = db_.prepare(
      std::string("SELECT r.id, r.state, r.exit_code, r.signal, r.error, r.wall_ms FROM runs r JOIN experiments e ON e.id = "
                  "r.experiment_id JOIN tests t ON t.id = e.test_id WHERE t.name = ? AND e.kind = ? AND e.fault = ? AND "
                  "e.context = ? AND e.mode = ? AND e.delay_ms = ? AND e.errno_name = ? AND r.repeat = ? AND r.state NOT "
                  "IN ('planned', 'running') AND ") +
      (hasSkip_ ? "e.skip = ?" : "? = 0"));
  q.bind(1, testName).bind(2, p.kind).bind(3, p.fault ? formatSiteId(p.fault) : "");
  q.bind(4, p.context ? formatSiteId(p.context) : "").bind(5, p.mode).bind(6, p.delayMs).bind(7, p.errnoName).bind(8, repeat);
  q.bind(9, p.skip);
  if (!q.step()) return std::nullopt;
  RecordedRun out;
  int64_t runId = q.getInt(0);
  out.state = stateFromName(q.getText(1));
  out.status.spawned = true;
  out.status.timedOut = out.state == RunState::TimedOut;
  if (!q.isNull(2)) out.status.exitCode = static_cast<int>(q.getInt(2));
  if (!q.isNull(3)) out.status.signal = static_cast<int>(q.getInt(3));
  out.error = q.getText(4);
  out.status.wallSeconds = q.isNull(5) ? 0 : q.getInt(5) / 1000.0;

  Statement rc = db_.prepare("SELECT armed, fired, fire_count, processes FROM run_receipts WHERE run_id = ?");
  rc.bind(1, runId);
  if (!rc.step()) return out;  // a run without a summary (failed, or timed out unreadable)
  TraceSummary s;
  s.armed = rc.getInt(0) != 0;
  s.fired = rc.getInt(1) != 0;
  s.hasPlan = p.kind == "injection";
  s.fireCount = static_cast<uint64_t>(rc.getInt(2));
  s.processes = static_cast<size_t>(rc.getInt(3));
  Statement ev = db_.prepare("SELECT site, context, callsig, node, reached, occurred, injected FROM run_events WHERE run_id = ?");
  ev.bind(1, runId);
  while (ev.step())
    s.events[{idOf(ev.getText(0)), idOf(ev.getText(1)), idOf(ev.getText(2)), ev.getText(3)}] = {
        static_cast<uint64_t>(ev.getInt(4)), static_cast<uint64_t>(ev.getInt(5)), static_cast<uint64_t>(ev.getInt(6))};
  Statement lp = db_.prepare(
      "SELECT loop, callsig, parent_loop, invocations, iterations, histogram FROM run_loops WHERE run_id = ?");
  lp.bind(1, runId);
  while (lp.step()) {
    LoopSummary l;
    l.parent = idOf(lp.getText(2));
    l.invocations = static_cast<uint64_t>(lp.getInt(3));
    l.iterations = static_cast<uint64_t>(lp.getInt(4));
    for (const auto &b : nlohmann::json::parse(lp.getText(5))) l.histogram[b[0].get<uint64_t>()] = b[1].get<uint64_t>();
    s.loops[{idOf(lp.getText(0)), idOf(lp.getText(1))}] = std::move(l);
  }
  Statement ps = db_.prepare("SELECT loop, callsig, signature, count, decisions FROM run_paths WHERE run_id = ?");
  ps.bind(1, runId);
  while (ps.step()) {
    PathSummary path;
    path.count = static_cast<uint64_t>(ps.getInt(3));
    for (const auto &d : nlohmann::json::parse(ps.getText(4)))
      path.decisions.emplace_back(idOf(d[0].get<std::string>()), d[1].get<uint32_t>());
    s.paths[{idOf(ps.getText(0)), idOf(ps.getText(1)), idOf(ps.getText(2))}] = std::move(path);
  }
  out.summary = std::move(s);
  return out;
}

}  // namespace csnake
