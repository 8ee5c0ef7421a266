// Processes as csnake runs them: argv vectors, own process group, timeouts that kill
// everything the test forked.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "process/subprocess.h"

using namespace csnake;

namespace {

ProcessSpec shell(const std::string &script) {
  ProcessSpec s;
  s.argv = {"/bin/sh", "-c", script};
  s.env = currentEnvironment();
  return s;
}

// A killed process stays a zombie until whoever inherited it reaps it (PID 1 of a
// container may take its time under load): a zombie counts as dead.
bool zombieOrGone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  size_t paren = line.rfind(')');  // the command name may contain spaces
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] == 'Z' || line[paren + 2] == 'X';
}

bool aliveWithin(pid_t pid, std::chrono::milliseconds window) {
  auto until = std::chrono::steady_clock::now() + window;
  while (std::chrono::steady_clock::now() < until) {
    if (kill(pid, 0) != 0 || zombieOrGone(pid)) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

TEST(Subprocess, ReportsExitCodesAndSignals) {
  EXPECT_TRUE(runProcess(shell("exit 0"), 10).succeeded());
  ProcessStatus st = runProcess(shell("exit 3"), 10);
  EXPECT_EQ(st.exitCode, 3);
  EXPECT_EQ(st.describe(), "exit 3");
  st = runProcess(shell("kill -SEGV $$"), 10);
  EXPECT_EQ(st.signal, SIGSEGV);
  EXPECT_EQ(st.describe(), "killed by SIGSEGV");
}

TEST(Subprocess, TimeoutKillsTheWholeProcessGroup) {
  char pidFile[] = "/tmp/csnake-grandchild-XXXXXX";
  int fd = mkstemp(pidFile);
  ASSERT_GE(fd, 0);
  close(fd);
  // The test forks a grandchild that would outlive it, then hangs.
  ProcessStatus st = runProcess(shell(std::string("sleep 60 & echo $! > ") + pidFile + "; sleep 60"), 0.5);
  EXPECT_TRUE(st.timedOut);
  EXPECT_LT(st.wallSeconds, 5);
  pid_t grandchild = 0;
  std::ifstream(pidFile) >> grandchild;
  unlink(pidFile);
  ASSERT_GT(grandchild, 0);
  EXPECT_FALSE(aliveWithin(grandchild, std::chrono::milliseconds(2000))) << "grandchild survived the timeout";
}

TEST(Subprocess, ChildrenLeftBehindByAFinishedTestAreKilled) {
  char pidFile[] = "/tmp/csnake-orphan-XXXXXX";
  int fd = mkstemp(pidFile);
  ASSERT_GE(fd, 0);
  close(fd);
  ProcessStatus st = runProcess(shell(std::string("sleep 60 & echo $! > ") + pidFile), 10);
  EXPECT_TRUE(st.succeeded());
  pid_t orphan = 0;
  std::ifstream(pidFile) >> orphan;
  unlink(pidFile);
  ASSERT_GT(orphan, 0);
  EXPECT_FALSE(aliveWithin(orphan, std::chrono::milliseconds(2000)));
}

TEST(Subprocess, MissingExecutableIsReportedByTheParent) {
  ProcessSpec s;
  s.argv = {"/nonexistent/test_binary", "--gtest_filter=X"};
  ProcessStatus st = runProcess(s, 5);
  EXPECT_FALSE(st.spawned);
  EXPECT_EQ(st.spawnError, "/nonexistent/test_binary: no such file");
  s.argv = {"csnake-no-such-program-anywhere"};
  s.env = currentEnvironment();
  EXPECT_EQ(runProcess(s, 5).spawnError, "csnake-no-such-program-anywhere: not found in PATH");
}

TEST(Subprocess, ArgumentsAreNeverInterpretedByAShell) {
  char out[] = "/tmp/csnake-argv-XXXXXX";
  int fd = mkstemp(out);
  ASSERT_GE(fd, 0);
  close(fd);
  ProcessSpec s;
  s.argv = {"/bin/echo", "$(touch /tmp/csnake-pwned); `id`"};
  s.env = currentEnvironment();
  s.stdoutPath = out;
  ASSERT_TRUE(runProcess(s, 5).succeeded());
  std::string line;
  std::getline(std::ifstream(out), line);
  unlink(out);
  EXPECT_EQ(line, "$(touch /tmp/csnake-pwned); `id`");
  EXPECT_NE(access("/tmp/csnake-pwned", F_OK), 0);
}

TEST(Subprocess, EnvironmentHelpers) {
  std::vector<std::string> env = {"A=1", "CSNAKE_PLAN=x", "B=2"};
  setEnv(env, "A", "3");
  setEnv(env, "C", "4");
  EXPECT_EQ(env, (std::vector<std::string>{"A=3", "CSNAKE_PLAN=x", "B=2", "C=4"}));
  setenv("CSNAKE_TEST_DROPPED", "1", 1);
  for (const std::string &kv : currentEnvironment({"CSNAKE_"})) EXPECT_NE(kv.rfind("CSNAKE_", 0), 0u) << kv;
}
