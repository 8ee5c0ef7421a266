#include "exec/foreground_run.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <csnake/abi.h>

namespace csnake {

namespace {

volatile sig_atomic_t g_childGroup = 0;

void forwardSignal(int sig) {
  if (g_childGroup > 0) kill(-pid_t(g_childGroup), sig);
}

bool makeDirs(const std::string &dir) {
  std::string cur;
  for (size_t i = 0; i <= dir.size(); ++i) {
    if (i == dir.size() || (dir[i] == '/' && i > 0)) {
      cur = dir.substr(0, i);
      if (mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return false;
    }
  }
  struct stat st;
  return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void clearArtefacts(const std::string &dir) {
  DIR *d = opendir(dir.c_str());
  if (!d) return;
  while (struct dirent *e = readdir(d)) {
    std::string n = e->d_name;
    auto ends = [&](const std::string &suf) {
      return n.size() >= suf.size() && n.compare(n.size() - suf.size(), suf.size(), suf) == 0;
    };
    if (ends(".cstrace") || ends(".cstrace.tmp") || n == "plan.json" || (n.rfind("once-", 0) == 0 && ends(".fired")))
      unlink((dir + "/" + n).c_str());
  }
  closedir(d);
}

std::string absolute(const std::string &p) {
  char buf[PATH_MAX];
  if (realpath(p.c_str(), buf)) return buf;
  return p;
}

}  // namespace

int runInForeground(const ForegroundRun &run) {
  if (!makeDirs(run.traceDir)) throw RunSetupError("cannot create " + run.traceDir + ": " + std::strerror(errno));
  std::string dir = absolute(run.traceDir);
  clearArtefacts(dir);
  std::string planPath;
  if (run.plan) {
    planPath = dir + "/plan.json";
    try {
      run.plan->writeFile(planPath);
    } catch (const PlanError &e) {
      throw RunSetupError(e.what());
    }
  }

  // execvp wants a null-terminated char* array; built before fork (no allocation after).
  std::vector<char *> argv;
  for (const std::string &arg : run.argv) argv.push_back(const_cast<char *>(arg.c_str()));
  argv.push_back(nullptr);
  // The child reports a failed execvp through this pipe (closed on a successful exec), so
  // the error is the parent's to report.
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) throw RunLaunchError(std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(report[0]);
    close(report[1]);
    throw RunLaunchError(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    close(report[0]);
    setpgid(0, 0);
    setenv(CSNAKE_ENV_TRACE_DIR, dir.c_str(), 1);
    if (planPath.empty())
      unsetenv(CSNAKE_ENV_PLAN);
    else
      setenv(CSNAKE_ENV_PLAN, planPath.c_str(), 1);
    if (!run.node.empty()) setenv(CSNAKE_ENV_NODE, run.node.c_str(), 1);
    execvp(argv[0], argv.data());
    int e = errno;
    ssize_t ignored = write(report[1], &e, sizeof e);
    (void)ignored;
    _exit(127);
  }
  close(report[1]);
  setpgid(pid, pid);  // both sides: no race with an early signal
  g_childGroup = pid;
  // Forwarded while the command runs; the caller's handlers come back afterwards.
  const int forwarded[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa, previous[3];
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = forwardSignal;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < 3; ++i) sigaction(forwarded[i], &sa, &previous[i]);
  auto restore = [&] {
    g_childGroup = 0;
    for (int i = 0; i < 3; ++i) sigaction(forwarded[i], &previous[i], nullptr);
  };

  int execErrno = 0;
  ssize_t got;
  while ((got = read(report[0], &execErrno, sizeof execErrno)) < 0 && errno == EINTR) {
  }
  close(report[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      int e = errno;
      restore();
      throw RunLaunchError(std::string("waitpid: ") + std::strerror(e));
    }
  }
  restore();
  if (got == sizeof execErrno) throw RunLaunchError(run.argv[0] + ": " + std::strerror(execErrno));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  throw RunLaunchError(run.argv[0] + ": ended without an exit status");
}

}  // namespace csnake
