// `csnake exec`: run one command with (optionally) one fault armed and its trace recorded.
//
//   csnake exec [--fault ID] [--context LOOP_ID] [--delay-ms N] [--errno NAME]
//               [--mode once|always|p=X] [--seed N] [--skip N] [--node NAME]
//               --trace-out DIR -- CMD ARGS...
//
// Creates DIR (removing csnake artefacts of an earlier run there: *.cstrace, plan.json,
// once-*.fired, so runs never mix), writes DIR/plan.json when a fault is given, and runs
// CMD (execvp, no shell) with CSNAKE_TRACE_DIR=DIR and CSNAKE_PLAN=DIR/plan.json in its own
// process group. SIGINT/SIGTERM/SIGHUP are forwarded to the group. Exit status: the
// command's, 128+N when killed by signal N, 127 when it cannot be run, 2 for bad usage.
#include "cli/options.h"
#include "commands.h"
#include "csnake/common/plan.h"
#include "csnake/common/site_id.h"

#include <csnake/abi.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <memory>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace csnake::cli {

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
    if (ends(".cstrace") || ends(".cstrace.tmp") || n == "plan.json" ||
        (n.rfind("once-", 0) == 0 && ends(".fired")))
      unlink((dir + "/" + n).c_str());
  }
  closedir(d);
}

std::string absolute(const std::string &p) {
  char buf[PATH_MAX];
  if (realpath(p.c_str(), buf)) return buf;
  return p;
}

struct ExecArgs {
  std::string errnoName, mode = "once", traceOut, node;
  std::optional<uint64_t> fault, context, seed;
  std::optional<int64_t> delayMs;
  std::optional<uint64_t> skip;
  std::vector<std::string> command;  // everything after "--"
};

int runExecCommand(const ExecArgs &a) {
  if (a.command.empty()) {
    std::fprintf(stderr, "csnake exec: missing command after --\n");
    return 127;
  }
  if (a.traceOut.empty()) throw UsageError("--trace-out DIR is required");
  if (!a.fault && (a.context || a.delayMs || !a.errnoName.empty() || a.skip))
    throw UsageError("--context/--delay-ms/--errno/--skip need --fault");
  const std::string &traceOut = a.traceOut;
  if (!makeDirs(traceOut)) {
    std::fprintf(stderr, "csnake exec: cannot create %s: %s\n", traceOut.c_str(), std::strerror(errno));
    return 2;
  }
  std::string dir = absolute(traceOut);
  clearArtefacts(dir);
  std::string planPath;
  if (a.fault) {
    Plan plan;
    plan.fault = *a.fault;
    plan.context = a.context.value_or(0);
    plan.mode = a.mode;
    plan.delayMs = a.delayMs;
    plan.errnoName = a.errnoName;
    plan.seed = a.seed;
    plan.skip = a.skip.value_or(0);
    planPath = dir + "/plan.json";
    try {
      plan.writeFile(planPath);
    } catch (const PlanError &e) {
      // Like the directory above: what exec was asked cannot be set up (exit 2, not 1).
      std::fprintf(stderr, "csnake exec: %s\n", e.what());
      return 2;
    }
  }

  // execvp wants a null-terminated char* array; built before fork (no allocation after).
  std::vector<char *> argv;
  for (const std::string &arg : a.command) argv.push_back(const_cast<char *>(arg.c_str()));
  argv.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    std::fprintf(stderr, "csnake exec: fork: %s\n", std::strerror(errno));
    return 127;
  }
  if (pid == 0) {
    setpgid(0, 0);
    setenv(CSNAKE_ENV_TRACE_DIR, dir.c_str(), 1);
    if (planPath.empty()) unsetenv(CSNAKE_ENV_PLAN);
    else setenv(CSNAKE_ENV_PLAN, planPath.c_str(), 1);
    if (!a.node.empty()) setenv(CSNAKE_ENV_NODE, a.node.c_str(), 1);
    execvp(argv[0], argv.data());
    std::fprintf(stderr, "csnake exec: %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  setpgid(pid, pid);  // both sides: no race with an early signal
  g_childGroup = pid;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = forwardSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "csnake exec: waitpid: %s\n", std::strerror(errno));
      return 127;
    }
  }
  g_childGroup = 0;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 127;
}

}  // namespace

Command addExecCommand(CLI::App &root) {
  auto a = std::make_shared<ExecArgs>();
  CLI::App *app = root.add_subcommand("exec", "run a command with one fault armed and record its trace");
  auto siteId = [](std::optional<uint64_t> &out, bool nonZero) {
    return [&out, nonZero](const std::string &text) {
      std::optional<uint64_t> id = parseSiteId(text);
      if (!id || (nonZero && *id == 0)) return false;
      out = id;
      return true;
    };
  };
  addChecked(*app, "--fault", siteId(a->fault, true), "must be a non-zero site id in hex, e.g. 0x1f2e...",
             "the fault site to arm")
      ->type_name("ID");
  addChecked(*app, "--context", siteId(a->context, false), "must be a site id in hex, e.g. 0x1f2e...",
             "only inject when this loop is the innermost one on the stack (default: any)")
      ->type_name("LOOP_ID");
  addCount(*app, "--delay-ms", a->delayMs, 0, kMaxPlanDelayMs, "per-iteration delay of a LOOP fault");
  app->add_option("--errno", a->errnoName, "errno of a LIBCALL fault, e.g. ECONNRESET (default EIO)")
      ->type_name("NAME");
  addChecked(
      *app, "--mode",
      [a](const std::string &text) {
        if (!validPlanMode(text)) return false;
        a->mode = text;
        return true;
      },
      "is once, always or p=<0..1>", "once (default), always, or p=X: each opportunity with probability X")
      ->type_name("MODE");
  addSeed(*app, "--seed", a->seed, "seed of the p= mode");
  addCount(*app, "--skip", a->skip, 0, int64_t(kMaxPlanSkip),
           "let the first N matching opportunities of each process pass before the mode applies (inject in "
           "steady state rather than at start-up)");
  app->add_option("--node", a->node, "node name of the processes (CSNAKE_NODE)")->type_name("NAME");
  app->add_option("--trace-out", a->traceOut, "trace directory (created; csnake artefacts of an earlier run removed)")
      ->type_name("DIR");
  app->footer("Runs CMD (no shell) with the fault ID armed, if given, and writes its trace into DIR.");
  return {app, [a] { return runExecCommand(*a); }, &a->command};
}

}  // namespace csnake::cli
