// `csnake campaign` / `status` / `tests` end to end: bad input of every kind gets a clear
// message and a recorded state without stopping the campaign; a real target campaign
// finishes with every run in a final state; kill -9 + resume loses and repeats nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "e2e_util.h"

using e2e::query;
using e2e::Result;
using e2e::run;

namespace {

std::string testsFile(const std::string &dir,
                      const std::vector<std::pair<std::string, std::vector<std::string>>> &tests) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto &[id, argv] : tests) j.push_back({{"id", id}, {"argv", argv}});
  std::string path = dir + "/tests.json";
  e2e::writeFile(path, j.dump());
  return path;
}

std::map<std::string, std::string> stateByTest(const std::string &db) {
  std::map<std::string, std::string> m;
  for (const std::string &row :
       query(db,
             "SELECT t.name, r.state, r.outcome, r.error FROM runs r JOIN experiments e ON "
             "e.id = r.experiment_id JOIN tests t ON t.id = e.test_id WHERE e.kind = 'profile'"))
    m[row.substr(0, row.find('|'))] = row.substr(row.find('|') + 1);
  return m;
}

}  // namespace

TEST(CampaignBadInput, MissingBuildDirectory) {
  e2e::TempDir t;
  Result r = run({CSNAKE_BIN, "campaign", "--build", "/nonexistent/build", "--db", t.path + "/c.db"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "csnake: /nonexistent/build: build directory does not exist\n");
}

TEST(CampaignBadInput, NoInstrumentedBinary) {
  e2e::TempDir t;
  std::string list = testsFile(t.path, {{"plain", {"/bin/true"}}});
  Result r = run({CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db", t.path + "/c.db"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("/bin/true: not built with csnake"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no usable test binary: 1 test binary found, none has a csnake_sites section; 1 is not "
                       "compiled with csnake's wrappers"),
            std::string::npos)
      << r.err;
}

TEST(CampaignBadInput, MisbehavingTestsGetRecordedStatesAndTheCampaignGoesOn) {
  e2e::TempDir t;
  std::string marker = t.path + "/fork-marker";
  std::string list = testsFile(t.path, {{"ok", {MISBEHAVING_BIN, "ok"}},
                                        {"fail", {MISBEHAVING_BIN, "fail"}},
                                        {"crash", {MISBEHAVING_BIN, "crash"}},
                                        {"hang", {MISBEHAVING_BIN, "hang"}},
                                        {"fork", {MISBEHAVING_BIN, "fork", marker}},
                                        {"garbage", {MISBEHAVING_BIN, "garbage"}},
                                        {"missing", {"/nonexistent/test_binary"}},
                                        {"plain", {"/bin/true"}}});
  std::string db = t.path + "/c.db";
  Result r = run({CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db", db, "--repeats", "1", "--profile-repeats", "1",
                  "--budget", "0", "--timeout", "2", "--jobs", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/test_binary: cannot open"), std::string::npos) << r.err;
  std::map<std::string, std::string> s = stateByTest(db);
  EXPECT_EQ(s["ok"], "done|exit 0|");
  EXPECT_EQ(s["fail"], "done|exit 1|") << "a failing assertion is an outcome, not a tool error";
  EXPECT_EQ(s["crash"], "done|killed by SIGSEGV|") << "the runtime flushes its trace on the fatal signal";
  EXPECT_EQ(s["hang"].substr(0, 10), "timed_out|");
  EXPECT_EQ(s["fork"], "done|exit 0|");
  EXPECT_EQ(s["garbage"].substr(0, 7), "failed|") << s["garbage"];
  EXPECT_NE(s["garbage"].find("zz-garbage.cstrace: "), std::string::npos) << s["garbage"];
  EXPECT_EQ(s.count("missing"), 0u) << "tests of unusable binaries are not run";
  EXPECT_EQ(s.count("plain"), 0u);
  EXPECT_FALSE(e2e::processAlive(marker)) << "a child forked by a test outlived it";
  EXPECT_EQ(query(db, "SELECT name FROM tests WHERE broken = 1 ORDER BY name"),
            (std::vector<std::string>{"crash", "fail", "garbage", "hang"}));

  nlohmann::json st = e2e::status(db);
  EXPECT_EQ(st["phase"], "finished");
  EXPECT_EQ(st["runs_total"], 6);
  EXPECT_EQ(st["runs_planned"], 0);
  EXPECT_EQ(st["runs_running"], 0);
  EXPECT_EQ(st["runs_done"], 4);
  EXPECT_EQ(st["runs_failed"], 1);
  EXPECT_EQ(st["runs_timed_out"], 1);
  EXPECT_EQ(st["runs_not_fired"], 0);
}

TEST(CampaignBadInput, DatabaseOfAnotherTargetOrNewerSchema) {
  e2e::TempDir t;
  std::string db = t.path + "/c.db";
  std::string a = testsFile(t.path, {{"ok", {MISBEHAVING_BIN, "ok"}}});
  ASSERT_EQ(run({CSNAKE_BIN, "campaign", "--tests-file", a, "--db", db, "--repeats", "1", "--budget", "0"}).status, 0);
  std::filesystem::create_directories(t.path + "/other");
  std::string b = testsFile(t.path + "/other", {{"ok", {MISBEHAVING_BIN, "ok"}}});
  Result r = run({CSNAKE_BIN, "campaign", "--tests-file", b, "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("belongs to target build"), std::string::npos) << r.err;
  std::vector<std::string> before = query(db, "SELECT COUNT(*) FROM runs");

  Result bump = run({"/usr/bin/sqlite3", db, "PRAGMA user_version = 999"});
  ASSERT_EQ(bump.status, 0) << bump.err;
  r = run({CSNAKE_BIN, "campaign", "--tests-file", a, "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("schema version 999 is newer than this csnake supports"), std::string::npos) << r.err;
  r = run({CSNAKE_BIN, "status", "--db", db});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs"), before) << "a refused database was modified";
}

// Two copies of a test that keeps state files in its fixed working directory must never
// run at once: with 2 jobs the profile repeats of one test would otherwise overlap there
// and fail (the test exits 1 when it finds another copy's lock file).
TEST(CampaignWorkingDirectory, OneTestNeverRunsTwiceAtOnceInItsDirectory) {
  e2e::TempDir t;
  std::string wd = t.path + "/wd";
  std::filesystem::create_directories(wd);
  nlohmann::json list = nlohmann::json::array();
  list.push_back({{"id", "stateful"}, {"argv", {MISBEHAVING_BIN, "exclusive"}}, {"cwd", wd}});
  e2e::writeFile(t.path + "/tests.json", list.dump());
  std::string db = t.path + "/c.db";
  Result r = run({CSNAKE_BIN, "campaign", "--tests-file", t.path + "/tests.json", "--db", db, "--budget", "0",
                  "--jobs", "2", "--profile-repeats", "4"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs WHERE state = 'done'").at(0), "4");
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs WHERE outcome != 'exit 0'").at(0), "0")
      << "two copies of one test ran at once in its working directory";
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM tests WHERE broken = 1 OR flaky = 1").at(0), "0");
}

// Sites in test code (here: the whole program lives in tests/e2e/programs/*_test.cpp) are
// traced but not injected by default; --inject-test-code injects them (the other tests).
TEST(CampaignInjection, TestCodeIsNotInjectedByDefault) {
  e2e::TempDir t;
  std::string db = t.path + "/c.db";
  std::string list = testsFile(t.path, {{"guarded", {MISBEHAVING_BIN, "guarded"}}});
  Result r = run({CSNAKE_BIN, "campaign", "--tests-file", list, "--db", db, "--repeats", "1", "--budget", "6"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("are in test code and not injected (--inject-test-code injects them too)"), std::string::npos)
      << r.err;
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection'").at(0), "0");
  EXPECT_NE(query(db, "SELECT COUNT(*) FROM run_events").at(0), "0") << "test code is still traced";
}

// A test that forks a child per case reaches a site in many processes, while the runtime
// counts a plan's skip per process: the middle point must come from the most reaches of
// one process (3 here), not the run's sum (12), or the fault never fires.
TEST(CampaignInjection, MiddlePointOfAForkPerCaseTestFires) {
  e2e::TempDir t;
  std::string db = t.path + "/c.db";
  std::string list = testsFile(t.path, {{"forkcases", {MISBEHAVING_BIN, "forkcases"}}});
  Result sites = run({CSNAKE_BIN, "sites", MISBEHAVING_BIN, "--json"});
  ASSERT_EQ(sites.status, 0) << sites.err;
  std::string throwSite;
  nlohmann::json sj = nlohmann::json::parse(sites.out);
  for (const auto &x : sj.is_object() ? sj["sites"] : sj)
    if (x.value("kind", "") == "THROW" && x.value("injectable", false) &&
        x.value("function", "").find("validate") != std::string::npos)
      throwSite = x.value("id", "");
  ASSERT_FALSE(throwSite.empty()) << sites.out;
  Result r = run({CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db", db, "--repeats", "2",
                  "--budget", "2", "--faults", throwSite, "--seed", "3"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> guard = query(db,
                                         "SELECT e.id, e.skip FROM experiments e JOIN sites s ON s.id = e.fault WHERE "
                                         "e.kind = 'injection' AND s.kind = 'THROW' AND s.function LIKE '%validate%'");
  ASSERT_EQ(guard.size(), 1u) << r.err;
  std::string exp = guard[0].substr(0, guard[0].find('|'));
  EXPECT_EQ(guard[0], exp + "|1") << "skip = half of one process's 3 reaches";
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs WHERE experiment_id = " + exp + " AND state = 'done'").at(0), "2")
      << "the fault did not fire in every run";
}

TEST(CampaignInjection, GuardedThrowFiresOnceAndIsRecorded) {
  e2e::TempDir t;
  std::string db = t.path + "/c.db";
  std::string list = testsFile(t.path, {{"guarded", {MISBEHAVING_BIN, "guarded"}}});
  Result r = run({CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db", db, "--repeats", "2", "--budget", "40",
                  "--jobs", "2", "--seed", "7", "--delays", "1,5"});
  ASSERT_EQ(r.status, 0) << r.err;
  // The THROW guard in validate() was reached in the profile and injected on its test.
  std::vector<std::string> guard =
      query(db,
            "SELECT e.id, e.mode, e.skip FROM experiments e JOIN sites s ON s.id = e.fault WHERE "
            "e.kind = 'injection' AND s.kind = 'THROW' AND s.function LIKE '%validate%' AND e.phase != 'points'");
  ASSERT_EQ(guard.size(), 1u);
  std::string exp = guard[0].substr(0, guard[0].find('|'));
  // --inject-at middle (default): validate() is reached 5 times per run, so the first 2
  // reaches pass and the third is injected; the plan says so.
  EXPECT_EQ(guard[0], exp + "|once|2");
  // The policy runs out of new experiments long before 40 runs: the budget left tries the
  // guard at its other points (1/4, 3/4, 1/8, then 7/8 of 5 reaches; 5/8 and 3/8 repeat
  // skips already tried), one round at a time, each a new experiment that fired.
  EXPECT_EQ(query(db,
                  "SELECT e.skip FROM experiments e JOIN sites s ON s.id = e.fault WHERE e.kind = 'injection' AND "
                  "s.kind = 'THROW' AND s.function LIKE '%validate%' ORDER BY e.id"),
            (std::vector<std::string>{"2", "1", "3", "0", "4"}));
  EXPECT_EQ(query(db,
                  "SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id JOIN run_receipts c ON "
                  "c.run_id = r.id WHERE e.phase = 'points' AND e.fault = (SELECT fault FROM experiments WHERE id = " +
                      exp + ") AND r.state = 'done' AND c.fired = 1"),
            std::vector<std::string>{"8"});
  EXPECT_EQ(query(db,
                  "SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE e.kind = "
                  "'profile'"),
            std::vector<std::string>{"5"})
      << "--profile-repeats defaults to max(5, --repeats)";
  Result plan = run({CSNAKE_BIN, "plan", "--db", db, "--json"});
  ASSERT_EQ(plan.status, 0) << plan.err;
  bool shown = false;
  for (const auto &e : nlohmann::json::parse(plan.out))
    if (std::to_string(e["experiment"].get<int64_t>()) == exp) {
      shown = true;
      EXPECT_EQ(e["skip"], 2);
      EXPECT_NE(e["reason"].get<std::string>().find("inject after skipping 2 (middle of min 5 reaches"),
                std::string::npos)
          << e["reason"];
    }
  EXPECT_TRUE(shown);
  EXPECT_EQ(query(db,
                  "SELECT state || ':' || fired || ':' || fire_count FROM runs r JOIN run_receipts c ON c.run_id "
                  "= r.id WHERE r.experiment_id = " +
                      exp),
            (std::vector<std::string>{"done:1:1", "done:1:1"}));
  // The injected throw was caught inside main's loop: a new fault event in every repeat.
  EXPECT_EQ(query(db,
                  "SELECT COUNT(*) FROM run_events ev JOIN runs r ON r.id = ev.run_id JOIN sites s ON s.id = "
                  "ev.site WHERE r.experiment_id = " +
                      exp + " AND s.kind = 'THROW' AND ev.occurred > 0 AND ev.injected = 0"),
            std::vector<std::string>{"2"})
      << "the plain throw statement behind the guard must be observed in both repeats";
  nlohmann::json st = e2e::status(db);
  EXPECT_EQ(st["runs_planned"], 0);
  EXPECT_GT(st["injection_runs"].get<int>(), 0);
  EXPECT_LE(st["injection_runs"].get<int>(), 40) << "the budget counts injection runs";
  EXPECT_EQ(st["runs_total"].get<int>(), st["profile_runs"].get<int>() + st["injection_runs"].get<int>());
}

TEST(CampaignInjection, InjectAtFirstSkipsNothing) {
  e2e::TempDir t;
  std::string db = t.path + "/c.db";
  std::string list = testsFile(t.path, {{"guarded", {MISBEHAVING_BIN, "guarded"}}});
  Result r = run({CSNAKE_BIN,          "campaign", "--inject-test-code", "--tests-file", list,   "--db",   db,  "--repeats", "1",
                  "--profile-repeats", "2",        "--budget",     "40",   "--jobs", "2", "--seed",    "7",
                  "--delays",          "1",        "--inject-at",  "first"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(query(db,
                  "SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE e.kind = "
                  "'profile'"),
            std::vector<std::string>{"2"});
  // The points the policy chose are the first reach; further points (the budget it left)
  // follow 0 with 1/2, 1/4, ...
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection' AND phase != 'points'"),
            query(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection' AND phase != 'points' AND skip = 0"));
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection' AND phase = 'points' AND skip = 0"),
            std::vector<std::string>{"0"});
  // --injection-points 1: the --inject-at point only.
  std::string single = t.path + "/single.db";
  r = run({CSNAKE_BIN,          "campaign", "--inject-test-code", "--tests-file", list,     "--db",   single, "--repeats",
           "1",                 "--profile-repeats",       "2",      "--budget", "40",   "--jobs",
           "2",                 "--seed",   "7",            "--delays", "1",      "--inject-at",
           "first",             "--injection-points",      "1"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(query(single, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection' AND skip != 0"),
            std::vector<std::string>{"0"});
  EXPECT_NE(query(single, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection'"),
            std::vector<std::string>{"0"});
  EXPECT_NE(query(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection'"), std::vector<std::string>{"0"});
  Result bad = run({CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db", db, "--inject-at", "last"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--inject-at is first or middle"), std::string::npos) << bad.err;
}

TEST(TestsCommand, ListsAnExplicitListAsJson) {
  e2e::TempDir t;
  std::string list = testsFile(t.path, {{"a", {MISBEHAVING_BIN, "ok"}}, {"b", {MISBEHAVING_BIN, "fail"}}});
  Result r = run({CSNAKE_BIN, "tests", "--tests-file", list, "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["id"], "b");
  EXPECT_EQ(j[1]["adapter"], "list");
  EXPECT_EQ(j[1]["argv"][1], "fail");
}

TEST(CampaignResume, KillNineMidRunThenResumeLosesAndRepeatsNothing) {
  e2e::TempDir t;
  std::string marker = t.path + "/slow-marker";
  std::vector<std::pair<std::string, std::vector<std::string>>> tests;
  for (int i = 0; i < 6; ++i) tests.push_back({"slow" + std::to_string(i), {MISBEHAVING_BIN, "slow", marker}});
  tests.push_back({"guarded", {MISBEHAVING_BIN, "guarded"}});
  std::string list = testsFile(t.path, tests);
  auto command = [&](const std::string &db) {
    return std::vector<std::string>{CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db",   db,  "--repeats", "2",
                                    "--budget", "8",        "--jobs",       "2",  "--seed", "3", "--delays",  "1,2"};
  };

  // Reference: the same campaign, never interrupted.
  std::string ref = t.path + "/ref.db";
  ASSERT_EQ(run(command(ref)).status, 0);

  std::string db = t.path + "/killed.db";
  pid_t pid = e2e::start(command(db), t.path + "/killed.log");
  bool enough = false;
  for (int i = 0; i < 600 && !enough; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!std::filesystem::exists(db)) continue;
    try {
      enough = std::stoi(query(db, "SELECT COUNT(*) FROM runs WHERE state = 'done'").at(0)) >= 3 &&
               std::stoi(query(db, "SELECT COUNT(*) FROM runs WHERE state = 'running'").at(0)) >= 1;
    } catch (const std::exception &) {
      // The database is being created.
    }
  }
  ASSERT_TRUE(enough) << "the campaign never had finished and running runs at once";
  kill(pid, SIGKILL);
  e2e::wait(pid);
  std::vector<std::string> finishedBefore =
      query(db, "SELECT id, finished_at, outcome FROM runs WHERE state NOT IN ('planned', 'running') ORDER BY id");
  int runningAtKill = std::stoi(query(db, "SELECT COUNT(*) FROM runs WHERE state = 'running'").at(0));
  ASSERT_GE(runningAtKill, 1);

  Result resumed = run(command(db));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("re-planned"), std::string::npos) << resumed.err;

  // Finished runs were kept as they were, never run again.
  std::vector<std::string> finishedAfter =
      query(db, "SELECT id, finished_at, outcome FROM runs WHERE state NOT IN ('planned', 'running') ORDER BY id");
  for (const std::string &row : finishedBefore)
    EXPECT_NE(std::find(finishedAfter.begin(), finishedAfter.end(), row), finishedAfter.end()) << row;
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs WHERE attempts > 0"),
            std::vector<std::string>{std::to_string(runningAtKill)});
  // Every run reached a final state, once per (experiment, repeat), as many as uninterrupted.
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs WHERE state IN ('planned', 'running')"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs"),
            query(db, "SELECT COUNT(*) FROM (SELECT DISTINCT experiment_id, repeat FROM runs)"));
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs"), query(ref, "SELECT COUNT(*) FROM runs"));
  EXPECT_EQ(query(db, "SELECT kind, test_id, fault, context, mode, delay_ms, skip FROM experiments ORDER BY id"),
            query(ref, "SELECT kind, test_id, fault, context, mode, delay_ms, skip FROM experiments ORDER BY id"))
      << "the resumed campaign planned differently from an uninterrupted one";
  EXPECT_FALSE(e2e::processAlive(marker)) << "a test of the killed campaign is still running";
}

TEST(CampaignTarget, SmallBudgetCampaignOnMinidfsSurvivesKillNineAndCompletes) {
  e2e::TempDir t;
  std::string db = t.path + "/minidfs.db";
  std::vector<std::string> command = {
      CSNAKE_BIN,
      "campaign",
      "--build",
      MINIDFS_BUILD,
      "--label",
      "target",
      "--db",
      db,
      "--tests",
      "ClusterTest.*:FailureTest.DeadDatanodeDetected:MultiProcessTest.WriteReadAcrossProcesses",
      "--repeats",
      "2",
      "--profile-repeats",
      "2",
      "--budget",
      "12",
      "--jobs",
      "2",
      "--seed",
      "5",
      "--delays",
      "20,100"};
  // kill -9 in the middle of the profile phase, with runs in flight.
  pid_t pid = e2e::start(command, t.path + "/killed.log");
  bool midway = false;
  for (int i = 0; i < 1500 && !midway; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!std::filesystem::exists(db)) continue;
    try {
      midway = std::stoi(query(db, "SELECT COUNT(*) FROM runs WHERE state = 'done'").at(0)) >= 4 &&
               std::stoi(query(db, "SELECT COUNT(*) FROM runs WHERE state = 'running'").at(0)) >= 1;
    } catch (const std::exception &) {
    }
  }
  if (!midway) {
    kill(pid, SIGKILL);
    e2e::wait(pid);
    std::ifstream log(t.path + "/killed.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    FAIL() << "never saw finished and running runs at once; campaign log:\n" << text;
  }
  kill(pid, SIGKILL);
  e2e::wait(pid);
  std::vector<std::string> finishedBefore =
      query(db, "SELECT id, finished_at FROM runs WHERE state NOT IN ('planned', 'running') ORDER BY id");
  Result r = run(command);
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> finishedAfter =
      query(db, "SELECT id, finished_at FROM runs WHERE state NOT IN ('planned', 'running') ORDER BY id");
  for (const std::string &row : finishedBefore)
    EXPECT_NE(std::find(finishedAfter.begin(), finishedAfter.end(), row), finishedAfter.end()) << "run redone: " << row;
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM runs"),
            query(db, "SELECT COUNT(*) FROM (SELECT DISTINCT experiment_id, repeat FROM runs)"));
  nlohmann::json st = e2e::status(db);
  EXPECT_EQ(st["phase"], "finished");
  EXPECT_EQ(st["runs_planned"], 0);
  EXPECT_EQ(st["runs_running"], 0);
  EXPECT_EQ(st["profile_runs"], 2 * 12);
  EXPECT_GT(st["injection_runs"].get<int>(), 0);
  EXPECT_LE(st["injection_runs"].get<int>(), 12);
  EXPECT_GT(st["faults_reached"].get<int>(), 50) << "the profile reached few faults of a whole DFS";
  EXPECT_EQ(st["runs_failed"], 0);
  // Tests run as their own process, and the multi-process test's nodes each wrote a trace
  // (in its profile runs: an injection may legitimately fail the test before its nodes
  // start, measured: exit 1 with 2 trace files).
  std::vector<std::string> procs =
      query(db,
            "SELECT MIN(c.processes) FROM run_receipts c JOIN runs r ON r.id = c.run_id JOIN "
            "experiments e ON e.id = r.experiment_id JOIN tests t ON t.id = e.test_id WHERE "
            "t.name = 'MultiProcessTest.WriteReadAcrossProcesses' AND e.kind = 'profile'");
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_GE(std::stoi(procs[0]), 4) << "a NameNode and three DataNode processes plus the test";
  // Nodes named themselves: events carry node names.
  EXPECT_FALSE(query(db, "SELECT 1 FROM run_events WHERE node LIKE 'dn%' LIMIT 1").empty());
  // Every experiment says why it was chosen.
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection' AND (phase = '' OR reason = '')"),
            std::vector<std::string>{"0"});
}

TEST(CampaignReplay, ReplayingACampaignReproducesItsRunsAndAnalysis) {
  e2e::TempDir t;
  std::string list = testsFile(t.path, {{"guarded", {MISBEHAVING_BIN, "guarded"}},
                                        {"slow", {MISBEHAVING_BIN, "slow", t.path}},
                                        {"ok", {MISBEHAVING_BIN, "ok"}}});
  auto command = [&](const std::string &db) {
    return std::vector<std::string>{CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db",   db,   "--repeats", "2",
                                    "--budget", "12",       "--jobs",       "2",  "--seed", "11", "--delays",  "1,3"};
  };
  std::string source = t.path + "/source.db", replay = t.path + "/replay.db";
  ASSERT_EQ(run(command(source)).status, 0);
  std::vector<std::string> args = command(replay);
  args.insert(args.end(), {"--replay-from", source});
  Result r = run(args);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string runs =
      "SELECT t.name, e.kind, e.fault, e.context, e.delay_ms, e.skip, r.repeat, r.state, r.outcome FROM runs r JOIN "
      "experiments "
      "e ON e.id = r.experiment_id JOIN tests t ON t.id = e.test_id ORDER BY r.id";
  EXPECT_EQ(query(replay, runs), query(source, runs));
  EXPECT_EQ(query(replay, "SELECT cause, cause_context, effect, type FROM edges ORDER BY 1, 2, 3, 4"),
            query(source, "SELECT cause, cause_context, effect, type FROM edges ORDER BY 1, 2, 3, 4"));
  // Nothing ran: no run directories were created for the replay.
  EXPECT_FALSE(std::filesystem::exists(t.path + "/replay.runs"));
  // Profile repeats are matched by index: a replay asking for more than the source
  // recorded (5 by default here) takes what the source has and replays the same runs.
  std::string more = t.path + "/more.db";
  args = command(more);
  args.insert(args.end(), {"--replay-from", source, "--profile-repeats", "9"});
  Result m = run(args);
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_EQ(query(more, runs), query(source, runs));
}

#ifdef CHECK_SUITES_BIN
// The check adapter on a CTest build directory: a test that runs a whole check binary
// becomes one test per check case (CK_RUN_SUITE/CK_RUN_CASE, CK_FORK=no), with the CTest
// ENVIRONMENT and WORKING_DIRECTORY properties; a campaign runs every case on its own.
TEST(CheckAdapter, CtestEntryOfACheckBinaryBecomesOneTestPerCase) {
  e2e::TempDir t;
  std::string build = t.path + "/build", wd = t.path + "/wd";
  std::filesystem::create_directories(build);
  std::filesystem::create_directories(wd);
  e2e::writeFile(build + "/CTestTestfile.cmake",
                 "add_test(check_suites \"" CHECK_SUITES_BIN "\")\n"
                 "set_tests_properties(check_suites PROPERTIES ENVIRONMENT \"CHECK_FIXTURE_MODE=strict\" "
                 "WORKING_DIRECTORY \"" + wd + "\")\n");
  Result ls = run({CSNAKE_BIN, "tests", "--build", build, "--json"});
  ASSERT_EQ(ls.status, 0) << ls.err;
  nlohmann::json tests = nlohmann::json::parse(ls.out);
  std::map<std::string, nlohmann::json> byId;
  for (const auto &x : tests) byId[x["id"].get<std::string>()] = x;
  ASSERT_EQ(byId.size(), 3u) << ls.out;
  for (const char *id : {"check_suites/Arith/Sums", "check_suites/Arith/Environment", "check_suites/Text/Strings"}) {
    ASSERT_TRUE(byId.count(id)) << id << " not listed: " << ls.out;
    const nlohmann::json &x = byId[id];
    std::string suite = std::string(id).substr(13, std::string(id).rfind('/') - 13);
    std::string tcase = std::string(id).substr(std::string(id).rfind('/') + 1);
    EXPECT_EQ(x["adapter"], "ctest+check");
    EXPECT_EQ(x["binary"], CHECK_SUITES_BIN);
    EXPECT_EQ(x["cwd"], wd);
    std::vector<std::string> env = x["env"].get<std::vector<std::string>>();
    for (const std::string &kv : {std::string("CHECK_FIXTURE_MODE=strict"), "CK_RUN_SUITE=" + suite,
                                  "CK_RUN_CASE=" + tcase, std::string("CK_FORK=no")})
      EXPECT_NE(std::find(env.begin(), env.end(), kv), env.end()) << id << " lacks " << kv;
  }
  EXPECT_TRUE(std::filesystem::is_empty(wd)) << "listing ran the tests in the test's working directory";

  // A campaign: every case's profile runs pass (the Environment case asserts the CTest
  // ENVIRONMENT value) and each run ran its case alone (the fixture prints "RAN suite/case").
  std::string db = t.path + "/c.db";
  Result c = run({CSNAKE_BIN, "campaign", "--build", build, "--db", db, "--budget", "3", "--jobs", "2",
                  "--profile-repeats", "2"},
                 600);
  ASSERT_EQ(c.status, 0) << c.err;
  std::vector<std::string> rows = query(db,
                                        "SELECT t.name, r.id, r.state FROM runs r JOIN experiments e ON e.id = "
                                        "r.experiment_id JOIN tests t ON t.id = e.test_id WHERE e.kind = 'profile'");
  ASSERT_EQ(rows.size(), 6u);
  for (const std::string &row : rows) {
    std::string name = row.substr(0, row.find('|'));
    std::string rest = row.substr(row.find('|') + 1);
    std::string runId = rest.substr(0, rest.find('|')), state = rest.substr(rest.find('|') + 1);
    EXPECT_EQ(state, "done") << name;
    std::ifstream log(t.path + "/c.runs/run-" + runId + "/output.log");
    std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    std::string mine = "RAN " + name.substr(std::string("check_suites/").size());
    EXPECT_NE(text.find(mine), std::string::npos) << name << " run " << runId << ": " << text;
    size_t ran = 0;
    for (size_t p = text.find("RAN "); p != std::string::npos; p = text.find("RAN ", p + 1)) ++ran;
    size_t own = 0;
    for (size_t p = text.find(mine); p != std::string::npos; p = text.find(mine, p + 1)) ++own;
    EXPECT_EQ(ran, own) << name << " run " << runId << " ran other cases too: " << text;
  }
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM tests WHERE broken = 1 OR flaky = 1").at(0), "0");
}
#endif
