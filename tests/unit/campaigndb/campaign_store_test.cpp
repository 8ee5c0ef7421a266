// The campaign database: schema versions, target binding, experiment dedup, the run state
// machine and resume after a kill.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "csnake/campaigndb/campaign_reader.h"
#include "csnake/campaigndb/campaign_store.h"
#include "csnake/trace_summary.h"
// The database library's own tests look at the stored rows through its private layer.
#include "schema.h"
#include "sqlite.h"

using namespace csnake;
namespace fs = std::filesystem;

namespace {

struct TempDb {
  std::string dir, path;
  TempDb() {
    char t[] = "/tmp/csnake-db-XXXXXX";
    dir = mkdtemp(t);
    path = dir + "/campaign.db";
  }
  ~TempDb() { fs::remove_all(dir); }
};

TestCase test(const std::string &id) {
  return {id, "/bin/true", "gtest", {"/bin/true", "--gtest_filter=" + id}, "", {}, {}};
}

}  // namespace

TEST(CampaignStore, BindsToOneTarget) {
  TempDb t;
  {
    CampaignStore s(t.path, OpenMode::Create);
    s.bindTarget("/build/a");
    s.bindTarget("/build/a");
  }
  CampaignStore s(t.path, OpenMode::ReadWrite);
  try {
    s.bindTarget("/build/b");
    FAIL();
  } catch (const DbError &e) {
    EXPECT_NE(std::string(e.what()).find("belongs to target build /build/a, not /build/b"), std::string::npos)
        << e.what();
  }
}

TEST(CampaignStore, RefusesANewerSchema) {
  TempDb t;
  { CampaignStore s(t.path, OpenMode::Create); }
  {
    Database db(t.path, SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  }
  try {
    CampaignStore s(t.path, OpenMode::ReadWrite);
    FAIL();
  } catch (const DbError &e) {
    EXPECT_NE(std::string(e.what()).find("is newer than this csnake supports"), std::string::npos) << e.what();
  }
}

TEST(CampaignStore, MigratesAVersion2DatabaseKeepingExperimentsRunsAndEffects) {
  TempDb t;
  {
    Database db(t.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    migrateSchema(db, 2);
    ASSERT_EQ(schemaVersion(db), 2);
    db.exec("INSERT INTO tests(id, name, binary, adapter, argv_json) VALUES (1, 'A.x', '/bin/true', 'gtest', '[]')");
    db.exec("INSERT INTO experiments(id, kind, test_id, repeats, created_at) VALUES (1, 'profile', 1, 2, 0)");
    db.exec(
        "INSERT INTO experiments(id, kind, test_id, fault, mode, repeats, reason, created_at) "
        "VALUES (7, 'injection', 1, '0x00000000000000ab', 'once', 1, 'why', 0)");
    db.exec(
        "INSERT INTO runs(id, experiment_id, repeat, state) VALUES (1, 1, 0, 'done'), (2, 1, 1, 'done'), "
        "(3, 7, 0, 'planned')");
    db.exec("INSERT INTO run_events VALUES (1, '0x00000000000000ab', '0x0000000000000000', '0x1', 'n', 4, 0, 0)");
    db.exec("INSERT INTO effects(experiment_id, type, site, evidence) VALUES (7, 'E', '0x1', '{}')");
  }
  {
    CampaignStore s(t.path, OpenMode::ReadWrite);  // migrates to the current version
    Database &db = s.database().sql();
    EXPECT_EQ(schemaVersion(db), kSchemaVersion);
    auto one = [&](const std::string &sql) {
      Statement q = db.prepare(sql);
      EXPECT_TRUE(q.step()) << sql;
      return q.getText(0);
    };
    EXPECT_EQ(one("PRAGMA foreign_keys"), "1") << "foreign keys are back on after the rebuild";
    EXPECT_FALSE(db.prepare("PRAGMA foreign_key_check").step());
    EXPECT_EQ(one("SELECT group_concat(id || ':' || kind || ':' || skip || ':' || reason, ',') FROM experiments"),
              "1:profile:0:,7:injection:0:why");
    EXPECT_EQ(one("SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id"), "3");
    EXPECT_EQ(one("SELECT experiment_id FROM effects"), "7");
    // Schema 5: the run's events moved into the dictionary tables, read back through the view.
    EXPECT_EQ(one("SELECT run_id || ':' || site || ':' || node || ':' || reached FROM run_events"),
              "1:0x00000000000000ab:n:4");
    EXPECT_EQ(one("SELECT COUNT(*) FROM event_keys"), "1");
    // The migrated experiment is found by its plan (skip 0), and skip is part of the identity.
    ExperimentPlan p;
    p.testId = 1;
    p.fault = 0xab;
    p.mode = "once";
    EXPECT_EQ(s.ensureExperiment(p, 1), (std::pair<int64_t, bool>{7, false}));
    p.skip = 5;
    auto [id, fresh] = s.ensureExperiment(p, 1);
    EXPECT_TRUE(fresh);
    EXPECT_NE(id, 7);
    std::vector<PlannedRun> planned = s.plannedRuns(ExperimentKind::Injection);
    ASSERT_EQ(planned.size(), 2u);
    EXPECT_EQ(planned[0].plan.skip, 0);
    EXPECT_EQ(planned[1].plan.skip, 5);
    // Referential integrity still holds: a run of a missing experiment is refused.
    EXPECT_THROW(db.exec("INSERT INTO runs(experiment_id, repeat) VALUES (999, 0)"), DbError);
    EXPECT_THROW(db.exec("DELETE FROM experiments WHERE id = 7"), DbError);
  }
  CampaignStore again(t.path, OpenMode::ReadWrite);  // idempotent
  EXPECT_EQ(schemaVersion(again.database().sql()), kSchemaVersion);
}

TEST(CampaignStore, RefusesARebuiltBinary) {
  TempDb t;
  CampaignStore s(t.path, OpenMode::Create);
  s.recordBinary("/b/tests", "fnv1a64:1", true, 10);
  s.recordBinary("/b/tests", "fnv1a64:1", true, 10);
  EXPECT_THROW(s.recordBinary("/b/tests", "fnv1a64:2", true, 10), DbError);
}

TEST(CampaignStore, ExperimentsAreDedupedAndPlanTheirRepeats) {
  TempDb t;
  CampaignStore s(t.path, OpenMode::Create);
  auto tests = s.upsertTests({test("A.x"), test("A.y")}, {});
  ASSERT_EQ(tests.size(), 2u);
  ExperimentPlan p;
  p.testId = tests[0].id;
  p.fault = 0xabc;
  p.mode = "once";
  auto [id, fresh] = s.ensureExperiment(p, 3);
  EXPECT_TRUE(fresh);
  auto again = s.ensureExperiment(p, 3);
  EXPECT_EQ(again.first, id);
  EXPECT_FALSE(again.second);
  p.delayMs = 500;  // another plan
  EXPECT_TRUE(s.ensureExperiment(p, 3).second);
  RunCounts c = s.runCounts(ExperimentKind::Injection);
  EXPECT_EQ(c.total, 6);
  EXPECT_EQ(c.byState["planned"], 6);
  std::vector<PlannedRun> planned = s.plannedRuns(ExperimentKind::Injection);
  ASSERT_EQ(planned.size(), 6u);
  EXPECT_EQ(planned[0].plan.fault, 0xabcu);
  EXPECT_EQ(planned[0].plan.mode, "once");
  EXPECT_EQ(planned[3].plan.delayMs, 500);
}

TEST(CampaignStore, KilledRunsAreReplannedAndFinishedOnesKept) {
  TempDb t;
  int64_t doneRun = 0, runningRun = 0;
  {
    CampaignStore s(t.path, OpenMode::Create);
    auto tests = s.upsertTests({test("A.x")}, {});
    ExperimentPlan p;
    p.kind = ExperimentKind::Profile;
    p.testId = tests[0].id;
    s.ensureExperiment(p, 3);
    std::vector<PlannedRun> runs = s.plannedRuns(ExperimentKind::Profile);
    doneRun = runs[0].runId;
    runningRun = runs[1].runId;
    s.markRunning(doneRun);
    TraceSummary sum;
    sum.processes = 2;
    sum.events[{0x10, 0x20, 0x30, "dn1"}] = {5, 1, 0};
    sum.loops[{0x20, 0x30}] = LoopSummary{0, 2, 40, {{16, 1}, {24, 1}}};
    sum.paths[{0x20, 0x30, 0x99}] = PathSummary{7, {{0x11, 1}, {0x12, 0}}};
    RunOutcome st;
    st.exitCode = 1;
    st.description = "exit 1";
    s.finishRun(doneRun, RunState::Done, st, "", "/r/trace", &sum);
    s.markRunning(runningRun);
    s.setExecutorHandle(runningRun, "pgid:4242");
    // ... and the campaign is killed here.
  }
  CampaignStore s(t.path, OpenMode::ReadWrite);
  EXPECT_EQ(s.replanInterruptedRuns(), std::vector<std::string>{"pgid:4242"});
  EXPECT_TRUE(s.replanInterruptedRuns().empty());
  RunCounts c = s.runCounts();
  EXPECT_EQ(c.byState["done"], 1);
  EXPECT_EQ(c.byState["planned"], 2);
  EXPECT_EQ(c.byState["running"], 0);
  std::vector<PlannedRun> planned = s.plannedRuns(ExperimentKind::Profile);
  ASSERT_EQ(planned.size(), 2u);
  EXPECT_EQ(planned[0].runId, runningRun);
  Statement q = s.database().sql().prepare("SELECT outcome, exit_code FROM runs WHERE id = ?");
  q.bind(1, doneRun);
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.getText(0), "exit 1");
  EXPECT_EQ(q.getInt(1), 1);
  Statement ev =
      s.database().sql().prepare("SELECT site, context, node, reached, occurred FROM run_events WHERE run_id = ?");
  ev.bind(1, doneRun);
  ASSERT_TRUE(ev.step());
  EXPECT_EQ(ev.getText(0), "0x0000000000000010");
  EXPECT_EQ(ev.getText(2), "dn1");
  EXPECT_EQ(ev.getInt(3), 5);
  Statement lp = s.database().sql().prepare("SELECT iterations, histogram FROM run_loops WHERE run_id = ?");
  lp.bind(1, doneRun);
  ASSERT_TRUE(lp.step());
  EXPECT_EQ(lp.getInt(0), 40);
  EXPECT_EQ(lp.getText(1), "[[16,1],[24,1]]");
}

namespace {

// A store with one test "A.x" and its profile experiment of `repeats` planned runs.
std::vector<PlannedRun> plannedProfileRuns(CampaignStore &s, int repeats) {
  auto tests = s.upsertTests({test("A.x")}, {});
  ExperimentPlan p;
  p.kind = ExperimentKind::Profile;
  p.testId = tests[0].id;
  s.ensureExperiment(p, repeats);
  return s.plannedRuns(ExperimentKind::Profile);
}

RunOutcome exitZero() {
  RunOutcome st;
  st.exitCode = 0;
  st.description = "exit 0";
  return st;
}

}  // namespace

TEST(CampaignStore, FinishingTwiceReplacesTheSummary) {
  TempDb t;
  CampaignStore s(t.path, OpenMode::Create);
  int64_t run = plannedProfileRuns(s, 1)[0].runId;
  TraceSummary sum;
  sum.events[{1, 0, 0, ""}] = {1, 0, 0};
  RunOutcome st = exitZero();
  s.finishRun(run, RunState::Done, st, "", "", &sum);
  s.finishRun(run, RunState::Done, st, "", "", &sum);
  Statement q = s.database().sql().prepare("SELECT COUNT(*) FROM run_events");
  q.step();
  EXPECT_EQ(q.getInt(0), 1);
  Statement k = s.database().sql().prepare("SELECT COUNT(*) FROM event_keys");
  k.step();
  EXPECT_EQ(k.getInt(0), 1) << "a key seen again is not stored again";
}

TEST(CampaignStore, RunsShareTheKeyDictionaries) {
  TempDb t;
  CampaignStore s(t.path, OpenMode::Create);
  std::vector<PlannedRun> runs = plannedProfileRuns(s, 2);
  ASSERT_EQ(runs.size(), 2u);
  RunOutcome st = exitZero();
  for (size_t i = 0; i < runs.size(); ++i) {
    TraceSummary sum;
    sum.events[{0x10, 0x20, 0x30, "dn1"}] = {3 + i, 0, 0};
    sum.events[{0x11, 0x20, 0x30, "dn" + std::to_string(i)}] = {1, 1, 0};
    sum.events[{0x11, 0x20, 0x31, "dn" + std::to_string(i)}] = {2, 0, 0};  // another call site: summed
    sum.loops[{0x20, 0x30}].iterations = 7 + i;
    sum.paths[{0x20, 0x30, 0x99}].count = 2;
    sum.paths[{0x20, 0x30, 0x99}].decisions = {{0x40, 1}};
    s.finishRun(runs[i].runId, RunState::Done, st, "", "", &sum);
  }
  Database &db = s.database().sql();
  EXPECT_EQ(db.queryInt("SELECT COUNT(*) FROM event_keys"), 3);  // dn1 shared, dn0 and dn1 of site 0x11
  EXPECT_EQ(db.queryInt("SELECT COUNT(*) FROM loop_keys"), 1);
  EXPECT_EQ(db.queryInt("SELECT COUNT(*) FROM path_keys"), 1);
  EXPECT_EQ(db.queryInt("SELECT SUM(reached) FROM run_events WHERE site = '0x0000000000000010'"), 7);
  EXPECT_EQ(db.queryInt("SELECT COUNT(*) FROM run_events WHERE site = '0x0000000000000011'"), 2);
  EXPECT_EQ(db.queryInt("SELECT SUM(reached) FROM run_events WHERE site = '0x0000000000000011'"), 6);
  EXPECT_EQ(db.queryInt("SELECT SUM(iterations) FROM run_loops"), 15);
  Statement dec = db.prepare("SELECT decisions FROM run_paths WHERE run_id = ?");
  dec.bind(1, runs[1].runId);
  ASSERT_TRUE(dec.step());
  EXPECT_EQ(dec.getText(0), "[[\"0x0000000000000040\",1]]");
  // The analyzer's reader sums a (site, context) over call sites and nodes and skips reach-only rows.
  CampaignData d = loadCampaign(s.database());
  ASSERT_EQ(d.experiments.size(), 1u);
  ASSERT_EQ(d.experiments[0].runs.size(), 2u);
  const RunData &r1 = d.experiments[0].runs[1];
  EXPECT_EQ(r1.events.size(), 1u);
  EXPECT_EQ(r1.events.at({"0x0000000000000011", "0x0000000000000020"}).occurred, 1u);
  EXPECT_EQ(r1.loops.at({"0x0000000000000020", "0x0000000000000030"}).iterations, 8u);
  EXPECT_EQ(r1.paths.at({"0x0000000000000020", "0x0000000000000030"}).at("0x0000000000000099").decisions.size(), 1u);
}
