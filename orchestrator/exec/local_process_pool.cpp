#include "exec/local_process_pool.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <csnake/abi.h>

namespace fs = std::filesystem;

namespace csnake {

LocalProcessPool::LocalProcessPool(LocalPoolOptions opts)
    : opts_(opts), baseEnv_(currentEnvironment({"CSNAKE_", "GTEST_"})) {
  if (opts_.workers == 0) opts_.workers = 1;
}

LocalProcessPool::~LocalProcessPool() { cancelAll(); }

size_t LocalProcessPool::freeSlot() const {
  for (size_t s = 0;; ++s) {
    bool used = false;
    for (const auto &[pid, r] : running_) used |= r.slot == s;
    if (!used) return s;
  }
}

std::string LocalProcessPool::submit(const RunSpec &spec) {
  RunResult result;
  result.runId = spec.runId;
  result.traceDir = spec.runDir + "/trace";
  result.logPath = spec.runDir + "/output.log";
  std::error_code ec;
  fs::remove_all(spec.runDir, ec);  // a re-planned run starts clean
  fs::create_directories(result.traceDir, ec);
  fs::create_directories(spec.runDir + "/tmp", ec);
  if (ec) {
    result.status.spawnError = spec.runDir + ": cannot create run directory: " + ec.message();
    ready_.push_back(result);
    return "";
  }
  size_t slot = freeSlot();
  ProcessSpec ps;
  ps.argv = spec.argv;
  ps.env = baseEnv_;
  std::string tmp = spec.runDir + "/tmp";
  setEnv(ps.env, "TMPDIR", tmp);
  setEnv(ps.env, CSNAKE_ENV_TRACE_DIR, result.traceDir);
  int lo = opts_.portBase + static_cast<int>(slot) * opts_.portsPerSlot;
  setEnv(ps.env, "CSNAKE_PORT_RANGE", std::to_string(lo) + "-" + std::to_string(lo + opts_.portsPerSlot - 1));
  if (spec.plan) {
    std::string planPath = spec.runDir + "/plan.json";
    try {
      spec.plan->writeFile(planPath);
    } catch (const PlanError &e) {
      // Unwritable (a full disk) or invalid: the run cannot start armed; never unarmed.
      result.status.spawnError = e.what();
      ready_.push_back(result);
      return "";
    }
    setEnv(ps.env, CSNAKE_ENV_PLAN, planPath);
  }
  // The test's own environment; csnake's interface to its runtime is not the test's to set.
  for (const std::string &kv : spec.env) {
    size_t eq = kv.find('=');
    if (eq != std::string::npos && kv.rfind("CSNAKE_", 0) != 0) setEnv(ps.env, kv.substr(0, eq), kv.substr(eq + 1));
  }
  ps.cwd = spec.cwd.empty() ? tmp : spec.cwd;
  ps.stdoutPath = ps.stderrPath = result.logPath;
  auto now = std::chrono::steady_clock::now();
  pid_t pid = spawnProcess(ps, result.status.spawnError);
  if (pid < 0) {
    ready_.push_back(result);
    return "";
  }
  result.status.spawned = true;
  auto deadline = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(spec.timeoutSeconds));
  running_.emplace(pid, Running{spec, result, slot, now, deadline});
  return "pgid:" + std::to_string(pid);
}

void LocalProcessPool::reclaim(const std::string &handle) {
  // The group of a run whose campaign was killed: the test may still be running and
  // would write into the run directory the re-planned run is about to reuse.
  if (handle.rfind("pgid:", 0) != 0) return;
  pid_t pgid = static_cast<pid_t>(std::atoll(handle.c_str() + 5));
  if (pgid > 1) killProcessGroup(pgid);
}

std::optional<RunResult> LocalProcessPool::reapOne() {
  auto now = std::chrono::steady_clock::now();
  for (auto it = running_.begin(); it != running_.end(); ++it) {
    pid_t pid = it->first;
    Running &r = it->second;
    int ws = 0;
    pid_t got = waitpid(pid, &ws, WNOHANG);
    bool late = got == 0 && now >= r.deadline;
    if (got == 0 && !late) continue;
    if (late) {
      r.result.status.timedOut = true;
      killProcessGroup(pid);
      while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
      }
    } else if (got == pid) {
      decodeWaitStatus(ws, r.result.status);
    }
    // Children the test forked and left running go with it.
    killProcessGroup(pid);
    r.result.status.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
    RunResult out = r.result;
    running_.erase(it);
    return out;
  }
  return std::nullopt;
}

std::optional<RunResult> LocalProcessPool::waitNext(std::chrono::milliseconds timeout) {
  auto until = std::chrono::steady_clock::now() + timeout;
  std::chrono::microseconds nap(200);
  for (;;) {
    if (!ready_.empty()) {
      RunResult r = ready_.front();
      ready_.pop_front();
      return r;
    }
    if (auto r = reapOne()) return r;
    if (running_.empty() || std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(nap);
    if (nap < std::chrono::milliseconds(10)) nap *= 2;
  }
}

std::vector<int64_t> LocalProcessPool::cancelAll() {
  std::vector<int64_t> ids;
  for (auto &[pid, r] : running_) {
    killProcessGroup(pid);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    ids.push_back(r.spec.runId);
  }
  running_.clear();
  for (const RunResult &r : ready_) ids.push_back(r.runId);
  ready_.clear();
  return ids;
}

}  // namespace csnake
