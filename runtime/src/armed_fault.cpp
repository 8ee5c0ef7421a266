// ArmedFault implementation.
#include "armed_fault.h"

#include <fcntl.h>
#include <unistd.h>
#include <cstdio>

namespace csnake::rt {

ArmedFault &armedFault() {
  static ArmedFault a;  // constant-initialised: usable before any constructor runs
  return a;
}

bool ArmedFault::draw() {
  uint64_t n = rngCounter.fetch_add(1, std::memory_order_relaxed);
  uint64_t r = mix64(plan.seed ^ mix64(n + 0x9e3779b97f4a7c15ull));
  double u = double(r >> 11) * (1.0 / 9007199254740992.0);
  return u < plan.probability;
}

bool ArmedFault::decide() {
  if (!pastSkip()) return false;
  switch (plan.mode) {
    case trace::PlanMode::Always: return true;
    case trace::PlanMode::Probability: return draw();
    case trace::PlanMode::Once: {
      uint32_t expected = 0;
      if (!onceState.compare_exchange_strong(expected, 2, std::memory_order_acq_rel)) return false;
      const Config &cfg = config();
      if (cfg.tracing) {
        char path[sizeof cfg.traceDir + 32];  // the directory and "/once-<16 hex>.fired"
        int len = snprintf(path, sizeof path, "%s/once-%016llx.fired", cfg.traceDir, (unsigned long long)plan.fault);
        if (len < 0 || size_t(len) >= sizeof path) return false;  // cannot happen: the dir is bounded
        int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) return false;  // another process of the run fired it
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%d\n", cfg.pid);
        ssize_t w = write(fd, buf, size_t(n));
        (void)w;
        close(fd);
      }
      onceState.store(1, std::memory_order_relaxed);
      return true;
    }
    default: return false;
  }
}

void ArmedFault::recordFire() {
  if (fireCount.fetch_add(1, std::memory_order_relaxed) == 0 || !fired.load(std::memory_order_relaxed)) {
    uint64_t zero = 0;
    firstFireNs.compare_exchange_strong(zero, sinceStartNs() | 1, std::memory_order_relaxed);
    fired.store(1, std::memory_order_relaxed);
  }
  markDirty();
}

void ArmedFault::fillReceipt(trace::ReceiptRecord &r) const {
  r = {};
  r.fault = plan.present ? plan.fault : 0;
  r.context = plan.context;
  r.has_plan = plan.present;
  r.armed = armed.load(std::memory_order_relaxed);
  r.fired = fired.load(std::memory_order_relaxed);
  r.mode = plan.present ? uint32_t(plan.mode) : 0;
  r.fire_count = fireCount.load(std::memory_order_relaxed);
  r.first_fire_ns = firstFireNs.load(std::memory_order_relaxed);
  r.probability = plan.probability;
  r.delay_ms = plan.delayMs;
  r.errno_value = plan.errnoValue;
  r.skip = plan.skip;
}

void ArmedFault::resetAfterFork() {
  // The child reports its own receipt. `once` stays spent when the parent fired (once per
  // run); without a trace dir `once` is per process, so the child may fire again.
  fired.store(0);
  fireCount.store(0);
  firstFireNs.store(0);
  opportunities.store(0);  // skip counts per process
  if (!config().tracing) onceState.store(0);
}

}  // namespace csnake::rt
