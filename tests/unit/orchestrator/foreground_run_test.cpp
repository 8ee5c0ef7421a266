// `csnake exec`'s work (exec/foreground_run.h): a clean trace directory, the plan written
// and named in the environment, the command's exit status, and setup and launch errors.
#include "exec/foreground_run.h"
#include "temp_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace csnake;
namespace fs = std::filesystem;

using csnake::testing::TempDir;

namespace {

std::string readAll(const fs::path &p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(ForegroundRun, CleansTheTraceDirWritesThePlanAndSetsTheEnvironment) {
  TempDir t;
  fs::path dir = t.path / "a" / "trace";
  fs::create_directories(dir);
  for (const char *stale : {"proc-1.cstrace", "proc-2.cstrace.tmp", "once-0x1.fired", "plan.json"})
    std::ofstream(dir / stale) << "stale";
  std::ofstream(dir / "notes.txt") << "mine";
  ForegroundRun run;
  run.traceDir = dir.string();
  run.node = "dn1";
  run.plan.emplace();
  run.plan->fault = 0x2a;
  run.plan->skip = 4;
  fs::path out = t.path / "env";
  run.argv = {
      "/bin/sh", "-c",
      "echo \"$CSNAKE_TRACE_DIR|$CSNAKE_PLAN|$CSNAKE_NODE\" > \"$0\"; ls \"$CSNAKE_TRACE_DIR\" >> \"$0\"; exit 3",
      out.string()};
  EXPECT_EQ(runInForeground(run), 3);
  EXPECT_EQ(readAll(out), dir.string() + "|" + (dir / "plan.json").string() + "|dn1\nnotes.txt\nplan.json\n")
      << "csnake artefacts of an earlier run are gone, the user's file is kept";
  EXPECT_EQ(Plan::readFile((dir / "plan.json").string()), *run.plan);
}

TEST(ForegroundRun, NoPlanMeansNoPlanVariable) {
  TempDir t;
  setenv("CSNAKE_PLAN", "/somewhere/else.json", 1);
  ForegroundRun run;
  run.traceDir = (t.path / "new" / "dir").string();
  run.argv = {"/bin/sh", "-c", "test -z \"${CSNAKE_PLAN+set}\""};
  EXPECT_EQ(runInForeground(run), 0) << "an inherited CSNAKE_PLAN must not arm an unarmed run";
  unsetenv("CSNAKE_PLAN");
  EXPECT_TRUE(fs::is_directory(run.traceDir)) << "created with its parents";
  EXPECT_FALSE(fs::exists(fs::path(run.traceDir) / "plan.json"));
}

void onHangup(int) {}

TEST(ForegroundRun, SignalsAndErrors) {
  TempDir t;
  ForegroundRun run;
  run.traceDir = (t.path / "trace").string();
  run.argv = {"/bin/sh", "-c", "kill -KILL $$"};
  struct sigaction mine {
  }, after{};
  mine.sa_handler = onHangup;
  sigaction(SIGHUP, &mine, nullptr);
  EXPECT_EQ(runInForeground(run), 128 + 9);
  sigaction(SIGHUP, nullptr, &after);
  EXPECT_EQ(after.sa_handler, &onHangup) << "the caller's handler is back after the run";
  signal(SIGHUP, SIG_DFL);

  run.argv = {"/nonexistent/program"};
  try {
    runInForeground(run);
    FAIL() << "ran a missing program";
  } catch (const RunLaunchError &e) {
    EXPECT_STREQ(e.what(), "/nonexistent/program: No such file or directory");
  }

  run.argv = {"/bin/true"};
  run.traceDir = "/proc/csnake-cannot-create";
  EXPECT_THROW(runInForeground(run), RunSetupError);

  run.traceDir = (t.path / "trace").string();
  run.plan.emplace();  // fault 0: no reader would accept it
  EXPECT_THROW(runInForeground(run), RunSetupError);
}
