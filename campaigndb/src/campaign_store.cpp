#include "csnake/campaigndb/campaign_store.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <tuple>
#include <nlohmann/json.hpp>

#include "csnake/common/site_id.h"
#include "csnake/trace_summary.h"
#include "sqlite.h"
#include "summary_keys.h"

namespace csnake {

namespace {

double nowUnix() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

}  // namespace

std::string fileContentHash(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  uint64_t h = 0xcbf29ce484222325ull;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      h ^= static_cast<unsigned char>(buf[i]);
      h *= 0x100000001b3ull;
    }
  }
  return "fnv1a64:" + formatSiteId(h).substr(2);
}

CampaignStore::CampaignStore(const std::string &path, OpenMode mode) : db_(path, mode) {
  if (db_.readOnly()) throw DbError(path + ": the campaign store needs a writable database");
}

void CampaignStore::bindTarget(const std::string &buildDir) {
  std::string known = meta("target_build");
  if (known.empty()) {
    setMeta("target_build", buildDir);
    setMeta("created_at", std::to_string(nowUnix()));
  } else if (known != buildDir) {
    throw DbError(path() + ": belongs to target build " + known + ", not " + buildDir +
                  " (use another --db for another target)");
  }
}

void CampaignStore::recordBinary(const std::string &path, const std::string &hash, bool instrumented, size_t nSites) {
  Statement q = db_.sql().prepare("SELECT content_hash FROM binaries WHERE path = ?");
  q.bind(1, path);
  if (q.step()) {
    if (q.getText(0) != hash)
      throw DbError(db_.path() + ": " + path +
                    " changed since this campaign started (rebuilt target); start a new database");
    return;
  }
  db_.sql()
      .prepare("INSERT INTO binaries(path, content_hash, instrumented, n_sites) VALUES (?, ?, ?, ?)")
      .bind(1, path)
      .bind(2, hash)
      .bind(3, instrumented ? 1 : 0)
      .bind(4, static_cast<int64_t>(nSites))
      .run();
}

void CampaignStore::upsertSites(const std::vector<FaultSite> &sites) {
  Database &db = db_.sql();
  Transaction tx(db);
  Statement ins = db.prepare(
      "INSERT OR IGNORE INTO sites(id, kind, file, line, function, mangled, flags, parent_loop, loop_size, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const FaultSite &s : sites) {
    ins.bind(1, formatSiteId(s.id)).bind(2, siteKindName(s.kind)).bind(3, s.file).bind(4, int64_t(s.line));
    ins.bind(5, s.demangled).bind(6, s.function).bind(7, int64_t(s.flags));
    if (s.parentLoop)
      ins.bind(8, formatSiteId(s.parentLoop));
    else
      ins.bindNull(8);
    ins.bind(9, int64_t(s.loopSize)).bind(10, s.detail).run();
  }
  tx.commit();
}

std::vector<StoredTest> CampaignStore::upsertTests(const std::vector<TestCase> &tests,
                                                   const std::map<std::string, bool> &instrumented) {
  Transaction tx(db_.sql());
  Statement ins = db_.sql().prepare(
      "INSERT INTO tests(name, binary, adapter, argv_json, cwd, labels_json, instrumented, env_json) VALUES (?, ?, ?, "
      "?, ?, ?, ?, ?) "
      "ON CONFLICT(name) DO UPDATE SET instrumented = excluded.instrumented");
  for (const TestCase &t : tests) {
    auto it = instrumented.find(t.binary);
    ins.bind(1, t.id).bind(2, t.binary).bind(3, t.adapter).bind(4, nlohmann::json(t.argv).dump());
    ins.bind(5, t.cwd).bind(6, nlohmann::json(t.labels).dump()).bind(7, it == instrumented.end() || it->second ? 1 : 0);
    ins.bind(8, nlohmann::json(t.env).dump()).run();
  }
  tx.commit();
  return this->tests();
}

std::vector<StoredTest> CampaignStore::tests() {
  std::vector<StoredTest> out;
  Statement q = db_.sql().prepare(
      "SELECT id, name, binary, adapter, argv_json, cwd, labels_json, instrumented, flaky, broken, env_json FROM tests "
      "ORDER BY id");
  while (q.step()) {
    StoredTest s;
    s.id = q.getInt(0);
    s.test.id = q.getText(1);
    s.test.binary = q.getText(2);
    s.test.adapter = q.getText(3);
    s.test.argv = nlohmann::json::parse(q.getText(4)).get<std::vector<std::string>>();
    s.test.cwd = q.getText(5);
    s.test.labels = nlohmann::json::parse(q.getText(6)).get<std::vector<std::string>>();
    s.instrumented = q.getInt(7) != 0;
    s.flaky = q.getInt(8) != 0;
    s.broken = q.getInt(9) != 0;
    s.test.env = nlohmann::json::parse(q.getText(10)).get<std::vector<std::string>>();
    out.push_back(std::move(s));
  }
  return out;
}

void CampaignStore::setTestHealth(int64_t testId, bool flaky, bool broken) {
  db_.sql()
      .prepare("UPDATE tests SET flaky = ?, broken = ? WHERE id = ?")
      .bind(1, flaky ? 1 : 0)
      .bind(2, broken ? 1 : 0)
      .bind(3, testId)
      .run();
}

std::pair<int64_t, bool> CampaignStore::ensureExperiment(const ExperimentPlan &p, int repeats) {
  Transaction tx(db_.sql());
  std::string fault = p.fault ? formatSiteId(p.fault) : "", context = p.context ? formatSiteId(p.context) : "";
  Statement find = db_.sql().prepare(
      "SELECT id FROM experiments WHERE kind = ? AND test_id = ? AND fault = ? AND context = ? AND mode = ? "
      "AND delay_ms = ? AND errno_name = ? AND skip = ?");
  find.bind(1, experimentKindName(p.kind))
      .bind(2, p.testId)
      .bind(3, fault)
      .bind(4, context)
      .bind(5, p.mode)
      .bind(6, p.delayMs)
      .bind(7, p.errnoName);
  find.bind(8, p.skip);
  if (find.step()) return {find.getInt(0), false};
  db_.sql()
      .prepare(
          "INSERT INTO experiments(kind, test_id, fault, context, mode, delay_ms, errno_name, repeats, allocator, "
          "phase, "
          "reason, score, created_at, skip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, experimentKindName(p.kind))
      .bind(2, p.testId)
      .bind(3, fault)
      .bind(4, context)
      .bind(5, p.mode)
      .bind(6, p.delayMs)
      .bind(7, p.errnoName)
      .bind(8, repeats)
      .bind(9, p.allocator)
      .bind(10, p.phase)
      .bind(11, p.reason)
      .bind(12, p.score)
      .bind(13, nowUnix())
      .bind(14, p.skip)
      .run();
  int64_t id = db_.sql().lastInsertId();
  Statement run = db_.sql().prepare("INSERT INTO runs(experiment_id, repeat) VALUES (?, ?)");
  for (int r = 0; r < repeats; ++r) run.bind(1, id).bind(2, r).run();
  tx.commit();
  return {id, true};
}

int64_t CampaignStore::countExperiments(ExperimentKind kind) {
  Statement q = db_.sql().prepare("SELECT COUNT(*) FROM experiments WHERE kind = ?");
  q.bind(1, experimentKindName(kind));
  q.step();
  return q.getInt(0);
}

std::vector<std::string> CampaignStore::replanInterruptedRuns() {
  Transaction tx(db_.sql());
  std::vector<std::string> handles;
  Statement q = db_.sql().prepare("SELECT executor_handle FROM runs WHERE state = 'running'");
  while (q.step()) handles.push_back(q.getText(0));
  db_.sql().exec(
      "UPDATE runs SET state = 'planned', attempts = attempts + 1, executor_handle = '' WHERE state = 'running'");
  tx.commit();
  return handles;
}

void CampaignStore::setExecutorHandle(int64_t runId, const std::string &handle) {
  db_.sql().prepare("UPDATE runs SET executor_handle = ? WHERE id = ?").bind(1, handle).bind(2, runId).run();
}

std::vector<PlannedRun> CampaignStore::plannedRuns(ExperimentKind kind) {
  std::vector<PlannedRun> out;
  Statement q = db_.sql().prepare(
      "SELECT r.id, r.repeat, e.id, e.test_id, e.fault, e.context, e.mode, e.delay_ms, e.errno_name, e.skip "
      "FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.state = 'planned' AND e.kind = ? "
      "ORDER BY e.id, r.repeat");
  q.bind(1, experimentKindName(kind));
  while (q.step()) {
    PlannedRun r;
    r.runId = q.getInt(0);
    r.repeat = static_cast<int>(q.getInt(1));
    r.experimentId = q.getInt(2);
    r.testId = r.plan.testId = q.getInt(3);
    r.plan.kind = kind;
    r.plan.fault = q.getSiteId(4);
    r.plan.context = q.getSiteId(5);
    r.plan.mode = q.getText(6);
    r.plan.delayMs = static_cast<int>(q.getInt(7));
    r.plan.errnoName = q.getText(8);
    r.plan.skip = q.getInt(9);
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<int64_t> CampaignStore::runIds(int64_t experimentId) {
  Statement q = db_.sql().prepare("SELECT id FROM runs WHERE experiment_id = ? ORDER BY repeat");
  q.bind(1, experimentId);
  std::vector<int64_t> ids;
  while (q.step()) ids.push_back(q.getInt(0));
  return ids;
}

void CampaignStore::markRunning(int64_t runId) {
  db_.sql()
      .prepare("UPDATE runs SET state = 'running', started_at = ? WHERE id = ? AND state = 'planned'")
      .bind(1, nowUnix())
      .bind(2, runId)
      .run();
}

void CampaignStore::markPlanned(int64_t runId) {
  db_.sql().prepare("UPDATE runs SET state = 'planned' WHERE id = ? AND state = 'running'").bind(1, runId).run();
}

void CampaignStore::finishRun(int64_t runId, RunState state, const RunOutcome &outcome, const std::string &error,
                              const std::string &tracePath, const TraceSummary *summary) {
  Transaction tx(db_.sql());
  // Summaries of an earlier attempt of this run (interrupted mid-ingest) are replaced.
  for (const char *table : {"run_receipts", "run_event_counts", "run_loop_counts", "run_path_counts"})
    db_.sql().prepare(std::string("DELETE FROM ") + table + " WHERE run_id = ?").bind(1, runId).run();
  Statement upd = db_.sql().prepare(
      "UPDATE runs SET state = ?, exit_code = ?, signal = ?, outcome = ?, error = ?, finished_at = ?, wall_ms = ?, "
      "trace_path = ?, trace_bytes = ? WHERE id = ?");
  upd.bind(1, runStateName(state));
  if (outcome.exitCode)
    upd.bind(2, *outcome.exitCode);
  else
    upd.bindNull(2);
  if (outcome.signal)
    upd.bind(3, *outcome.signal);
  else
    upd.bindNull(3);
  upd.bind(4, outcome.description).bind(5, error).bind(6, nowUnix()).bind(7, int64_t(outcome.wallSeconds * 1000));
  upd.bind(8, tracePath).bind(9, summary ? int64_t(summary->bytes) : int64_t(0)).bind(10, runId).run();
  if (summary) {
    db_.sql()
        .prepare("INSERT INTO run_receipts(run_id, armed, fired, fire_count, processes) VALUES (?, ?, ?, ?, ?)")
        .bind(1, runId)
        .bind(2, summary->armed ? 1 : 0)
        .bind(3, summary->fired ? 1 : 0)
        .bind(4, int64_t(summary->fireCount))
        .bind(5, int64_t(summary->processes))
        .run();
    Database &db = db_.sql();
    // Each key is interned in its dictionary (schema migration 5); a run's rows hold ids.
    // Events per (site, context, node), summed over call sites (schema.cpp, migration 5).
    std::map<std::tuple<uint64_t, uint64_t, std::string>, EventSummary> events;
    for (const auto &[key, e] : summary->events) {
      EventSummary &sum = events[{std::get<0>(key), std::get<1>(key), std::get<3>(key)}];
      sum.reached += e.reached;
      sum.occurred += e.occurred;
      sum.injected += e.injected;
      // Already summed over call sites per process (trace_summary.h): the same for each.
      sum.reachedInOneProcess = std::max(sum.reachedInOneProcess, e.reachedInOneProcess);
    }
    SummaryKeys eventKeys(db, "event_keys", {"site", "context", "node"});
    Statement ev = db.prepare(
        "INSERT INTO run_event_counts(run_id, event, reached, occurred, injected, reached_in_one_process) "
        "VALUES (?,?,?,?,?,?)");
    for (const auto &[key, e] : events) {
      const auto &[site, context, node] = key;
      int64_t id = eventKeys.id({formatSiteId(site), formatSiteId(context), node});
      ev.bind(1, runId).bind(2, id).bind(3, int64_t(e.reached)).bind(4, int64_t(e.occurred));
      ev.bind(5, int64_t(e.injected)).bind(6, e.reachedInOneProcess).run();
    }
    SummaryKeys loopKeys(db, "loop_keys", {"loop", "callsig", "parent_loop"});
    Statement lp = db.prepare(
        "INSERT INTO run_loop_counts(run_id, loop, invocations, iterations, histogram) VALUES (?,?,?,?,?)");
    for (const auto &[key, l] : summary->loops) {
      nlohmann::json hist = nlohmann::json::array();
      for (const auto &[low, count] : l.histogram) hist.push_back({low, count});
      int64_t id = loopKeys.id({formatSiteId(key.first), formatSiteId(key.second), formatSiteId(l.parent)});
      lp.bind(1, runId).bind(2, id).bind(3, int64_t(l.invocations)).bind(4, int64_t(l.iterations));
      lp.bind(5, hist.dump()).run();
    }
    // A path's decisions are stored with its key, the first time the path is seen.
    SummaryKeys pathKeys(db, "path_keys", {"loop", "callsig", "signature"}, "decisions");
    Statement pt = db.prepare("INSERT INTO run_path_counts(run_id, path, count) VALUES (?,?,?)");
    for (const auto &[key, p] : summary->paths) {
      const auto &[loop, callsig, sig] = key;
      nlohmann::json dec = nlohmann::json::array();
      for (const auto &[site, value] : p.decisions) dec.push_back({formatSiteId(site), value});
      int64_t id = pathKeys.id({formatSiteId(loop), formatSiteId(callsig), formatSiteId(sig)}, dec.dump());
      pt.bind(1, runId).bind(2, id).bind(3, int64_t(p.count)).run();
    }
  }
  tx.commit();
}

std::vector<FaultSite> CampaignStore::sites() {
  std::vector<FaultSite> all;
  Statement q = db_.sql().prepare(
      "SELECT id, kind, file, line, function, mangled, flags, loop_size, detail, COALESCE(parent_loop, '') FROM sites");
  while (q.step()) {
    FaultSite s;
    s.id = q.getSiteId(0);
    parseSiteKind(q.getText(1), s.kind);
    s.file = q.getText(2);
    s.line = static_cast<uint32_t>(q.getInt(3));
    s.demangled = q.getText(4);
    s.function = q.getText(5);
    s.flags = static_cast<uint32_t>(q.getInt(6));
    s.loopSize = static_cast<uint32_t>(q.getInt(7));
    s.detail = q.getText(8);
    s.parentLoop = q.getSiteId(9);
    all.push_back(std::move(s));
  }
  return all;
}

RunState CampaignStore::runState(int64_t runId) {
  Statement q = db_.sql().prepare("SELECT state FROM runs WHERE id = ?");
  q.bind(1, runId);
  if (!q.step()) throw DbError(path() + ": no run " + std::to_string(runId));
  std::optional<RunState> s = parseRunState(q.getText(0));
  if (!s) throw DbError(path() + ": run " + std::to_string(runId) + " has an unknown state '" + q.getText(0) + "'");
  return *s;
}

std::map<int64_t, std::vector<std::string>> CampaignStore::profileOutcomes() {
  std::map<int64_t, std::vector<std::string>> outcomes;
  Statement q = db_.sql().prepare(
      "SELECT e.test_id, r.state, r.outcome FROM runs r JOIN experiments e ON e.id = r.experiment_id "
      "WHERE e.kind = 'profile'");
  while (q.step()) outcomes[q.getInt(0)].push_back(q.getText(1) == "done" ? q.getText(2) : q.getText(1));
  return outcomes;
}

}  // namespace csnake
