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
#include "commands.h"
#include "csnake/common/site_id.h"

#include <csnake/abi.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
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

void usage(FILE *out) {
  std::fprintf(out,
               "usage: csnake exec [--fault ID] [--context LOOP_ID] [--delay-ms N] [--errno NAME]\n"
               "                   [--mode once|always|p=X] [--seed N] [--skip N] [--node NAME]\n"
               "                   --trace-out DIR -- CMD [ARGS...]\n"
               "Runs CMD with the fault ID armed (if given) and writes its trace into DIR.\n"
               "--skip N lets the first N matching opportunities of each process pass before\n"
               "the mode applies (inject in steady state rather than at start-up).\n");
}



bool validMode(const std::string &m) {
  if (m == "once" || m == "always") return true;
  if (m.rfind("p=", 0) != 0 || m.size() == 2) return false;
  char *end = nullptr;
  double p = std::strtod(m.c_str() + 2, &end);
  return *end == '\0' && p > 0.0 && p <= 1.0;
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

}  // namespace

int runExecCommand(int argc, char **argv) {
  std::string fault, context, errnoName, mode = "once", traceOut, node;
  long long delayMs = -1, seed = -1, skip = -1;
  int i = 1;
  auto need = [&](const char *opt) -> const char * {
    if (i + 1 >= argc) {
      std::fprintf(stderr, "csnake exec: %s needs a value\n", opt);
      return nullptr;
    }
    return argv[++i];
  };
  for (; i < argc; ++i) {
    std::string a = argv[i];
    const char *v = nullptr;
    if (a == "--") {
      ++i;
      break;
    } else if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    } else if (a == "--fault" || a == "--context" || a == "--errno" || a == "--mode" ||
               a == "--trace-out" || a == "--delay-ms" || a == "--seed" || a == "--skip" ||
               a == "--node") {
      if (!(v = need(a.c_str()))) return 2;
      if (a == "--fault") fault = v;
      else if (a == "--context") context = v;
      else if (a == "--errno") errnoName = v;
      else if (a == "--mode") mode = v;
      else if (a == "--trace-out") traceOut = v;
      else if (a == "--node") node = v;
      else {
        char *end = nullptr;
        long long n = std::strtoll(v, &end, 10);
        if (*end || n < 0) {
          std::fprintf(stderr, "csnake exec: %s: not a non-negative integer: %s\n", a.c_str(), v);
          return 2;
        }
        (a == "--delay-ms" ? delayMs : a == "--skip" ? skip : seed) = n;
      }
    } else {
      std::fprintf(stderr, "csnake exec: unknown option '%s' (the command goes after --)\n", a.c_str());
      return 2;
    }
  }
  if (i >= argc) {
    std::fprintf(stderr, "csnake exec: missing command after --\n");
    return 127;
  }
  if (traceOut.empty()) {
    std::fprintf(stderr, "csnake exec: --trace-out DIR is required\n");
    return 2;
  }
  uint64_t faultId = 0, contextId = 0;
  if (!fault.empty() && (!parseSiteId(fault, faultId) || faultId == 0)) {
    std::fprintf(stderr, "csnake exec: bad fault id '%s' (expected hex, e.g. 0x1f2e...)\n", fault.c_str());
    return 2;
  }
  if (!context.empty() && !parseSiteId(context, contextId)) {
    std::fprintf(stderr, "csnake exec: bad context id '%s'\n", context.c_str());
    return 2;
  }
  if (fault.empty() && (!context.empty() || delayMs >= 0 || !errnoName.empty() || skip >= 0)) {
    std::fprintf(stderr, "csnake exec: --context/--delay-ms/--errno/--skip need --fault\n");
    return 2;
  }
  if (!validMode(mode)) {
    std::fprintf(stderr, "csnake exec: bad mode '%s' (once, always or p=<0..1>)\n", mode.c_str());
    return 2;
  }
  if (!makeDirs(traceOut)) {
    std::fprintf(stderr, "csnake exec: cannot create %s: %s\n", traceOut.c_str(), std::strerror(errno));
    return 2;
  }
  std::string dir = absolute(traceOut);
  clearArtefacts(dir);
  std::string planPath;
  if (faultId) {
    nlohmann::ordered_json plan;
    plan["version"] = 1;
    plan["fault"] = formatSiteId(faultId);
    if (contextId) plan["context"] = formatSiteId(contextId);
    plan["mode"] = mode;
    if (delayMs >= 0) plan["delay_ms"] = delayMs;
    if (!errnoName.empty()) plan["errno"] = errnoName;
    if (seed >= 0) plan["seed"] = seed;
    if (skip > 0) plan["skip"] = skip;
    planPath = dir + "/plan.json";
    std::ofstream out(planPath);
    out << plan.dump(2) << "\n";
    if (!out) {
      std::fprintf(stderr, "csnake exec: cannot write %s\n", planPath.c_str());
      return 2;
    }
  }

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
    if (!node.empty()) setenv(CSNAKE_ENV_NODE, node.c_str(), 1);
    execvp(argv[i], argv + i);
    std::fprintf(stderr, "csnake exec: %s: %s\n", argv[i], std::strerror(errno));
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

}  // namespace csnake::cli
