// The local executor: parallel runs, per-run directories, plan and trace environment,
// timeouts, runs that cannot start.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "exec/local_process_pool.h"
#include "temp_dir.h"

using namespace csnake;
namespace fs = std::filesystem;

using csnake::testing::TempDir;

namespace {

std::map<int64_t, RunResult> drain(LocalProcessPool &pool, size_t n) {
  std::map<int64_t, RunResult> out;
  while (out.size() < n)
    if (auto r = pool.waitNext(std::chrono::milliseconds(100))) out[r->runId] = *r;
  return out;
}

}  // namespace

TEST(LocalProcessPool, RunsInParallelWithPlanTraceDirAndOwnTempDir) {
  TempDir root;
  LocalProcessPool pool(LocalPoolOptions{2, 20000, 100});
  for (int64_t id = 1; id <= 4; ++id) {
    RunSpec s;
    s.runId = id;
    s.argv = {"/bin/sh", "-c", "echo \"$CSNAKE_TRACE_DIR|$CSNAKE_PLAN|$TMPDIR|$PWD|$CSNAKE_PORT_RANGE\"; sleep 0.2"};
    s.runDir = (root.path / ("run-" + std::to_string(id))).string();
    if (id % 2 == 0) {
      s.plan = Plan{};
      s.plan->fault = 0x1;
    }
    pool.submit(s);
  }
  std::map<int64_t, RunResult> results = drain(pool, 4);
  for (auto &[id, r] : results) {
    EXPECT_TRUE(r.status.succeeded()) << r.status.describe();
    std::string line;
    std::getline(std::ifstream(r.logPath), line);
    std::string dir = (root.path / ("run-" + std::to_string(id))).string();
    std::string plan = id % 2 == 0 ? dir + "/plan.json" : "";
    EXPECT_EQ(line.substr(0, line.rfind('|')), dir + "/trace|" + plan + "|" + dir + "/tmp|" + dir + "/tmp");
    EXPECT_TRUE(fs::is_directory(r.traceDir));
    if (id % 2 == 0) {
      Plan expected;
      expected.fault = 0x1;
      EXPECT_EQ(Plan::readFile(dir + "/plan.json"), expected);
    }
  }
}

TEST(LocalProcessPool, TimeoutAndUnstartableRunsAreReported) {
  TempDir root;
  LocalProcessPool pool(LocalPoolOptions{2, 20000, 100});
  RunSpec hang;
  hang.runId = 7;
  hang.argv = {"/bin/sleep", "30"};
  hang.timeoutSeconds = 0.3;
  hang.runDir = (root.path / "hang").string();
  RunSpec missing;
  missing.runId = 8;
  missing.argv = {"/nonexistent/test"};
  missing.runDir = (root.path / "missing").string();
  pool.submit(hang);
  pool.submit(missing);
  std::map<int64_t, RunResult> results = drain(pool, 2);
  EXPECT_TRUE(results[7].status.timedOut);
  EXPECT_FALSE(results[8].status.spawned);
  EXPECT_EQ(results[8].status.spawnError, "/nonexistent/test: no such file");
}

TEST(LocalProcessPool, CancelAllKillsRunsInFlight) {
  TempDir root;
  LocalProcessPool pool(LocalPoolOptions{2, 20000, 100});
  RunSpec s;
  s.runId = 3;
  s.argv = {"/bin/sleep", "30"};
  s.runDir = (root.path / "r").string();
  pool.submit(s);
  EXPECT_EQ(pool.cancelAll(), std::vector<int64_t>{3});
  EXPECT_EQ(pool.inFlight(), 0u);
}
