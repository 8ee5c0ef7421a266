// Runtime initialisation: reads the environment once (on the first module registration)
// — CSNAKE_PLAN, CSNAKE_TRACE_DIR, CSNAKE_NODE — and starts tracing machinery.
#include "armed_fault.h"
#include "flusher.h"
#include "node_names.h"
#include "plan_loader.h"
#include "rt_common.h"
#include "signal_handlers.h"
#include "trace_writer.h"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace csnake::rt {

std::atomic<uint32_t> g_dirty{0};

Config g_config;

Stats &stats() {
  static Stats s;
  return s;
}

void Stats::reset() {
  for (auto *c : {&modulesRegistered, &modulesRejected, &sitesRegistered, &eventsDropped, &loopsDropped, &pathsDropped,
                  &loopStackOverflow, &pathPairOverflow, &iterationsSampledOut, &threadsUntracked, &nodesDropped})
    if (c != &modulesRegistered && c != &sitesRegistered) c->store(0);
}

namespace {
void mkdirs(const char *dir) {
  char buf[1024];
  strncpy(buf, dir, sizeof buf - 1);
  buf[sizeof buf - 1] = 0;
  for (char *p = buf + 1; *p; ++p)
    if (*p == '/') {
      *p = 0;
      mkdir(buf, 0755);
      *p = '/';
    }
  mkdir(buf, 0755);
}

void initialise() {
  Config &cfg = config();
  cfg.pid = getpid();
  cfg.startMonoNs = monotonicNs();
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  cfg.startUnixNs = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  ssize_t n = readlink("/proc/self/exe", cfg.exe, sizeof cfg.exe - 1);
  cfg.exe[n > 0 ? n : 0] = 0;

  const char *planPath = getenv(CSNAKE_ENV_PLAN);
  if (planPath && *planPath) {
    Plan plan;
    std::string problem;
    if (!loadPlanFile(planPath, plan, problem)) {
      fprintf(stderr, "csnake: plan %s: %s\n", planPath, problem.c_str());
      fflush(stderr);
      _exit(CSNAKE_EXIT_BAD_PLAN);
    }
    armedFault().plan = plan;
  }
  const char *node = getenv(CSNAKE_ENV_NODE);
  if (node && *node) setProcessNodeFromEnv(internNode(node));

  const char *dir = getenv(CSNAKE_ENV_TRACE_DIR);
  if (dir && *dir && strlen(dir) < sizeof cfg.traceDir - 64) {
    snprintf(cfg.traceDir, sizeof cfg.traceDir, "%s", dir);
    mkdirs(cfg.traceDir);
    if (initTraceWriter()) {
      cfg.tracing = true;
      g_dirty.store(1);
      installSignalHandlers();
      startFlusher();
    } else {
      fprintf(stderr, "csnake: cannot allocate the trace buffer; tracing disabled\n");
    }
  }
  installForkHandlers();
}
}  // namespace

void ensureInitialised() {
  Config &cfg = config();
  if (cfg.initState.load(std::memory_order_acquire) == 2) return;
  int expected = 0;
  if (cfg.initState.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    initialise();
    cfg.initState.store(2, std::memory_order_release);
    return;
  }
  while (cfg.initState.load(std::memory_order_acquire) != 2) sched_yield();
}

}  // namespace csnake::rt
