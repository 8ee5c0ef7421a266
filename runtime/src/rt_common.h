// Shared internals of libcsnake_rt: capacities, clocks, the process-wide configuration.
// Everything here is hidden (the library is built with -fvisibility=hidden); only the
// hooks in hooks.cpp are exported.
#pragma once

#include <csnake/abi.h>
#include <csnake/trace_format.h>

#include <atomic>
#include <cstdint>
#include <ctime>

namespace csnake::rt {

using trace::combine;
using trace::mix64;

// Capacities. Tables live in .bss: pages nobody touches cost nothing.
inline constexpr uint32_t kSiteCapacity = 1u << 16;   // registered sites (all modules)
inline constexpr uint32_t kEventCapacity = 1u << 12;  // (site, ctx, callsig, node)
inline constexpr uint32_t kLoopCapacity = 1u << 11;   // (loop, callsig, node)
inline constexpr uint32_t kPathCapacity = 1u << 12;   // (loop, callsig, path, node)
inline constexpr uint32_t kMaxProbe = 64;             // linear probing limit -> dropped
inline constexpr uint32_t kLoopStackDepth = 64;       // per-thread active loops
inline constexpr uint32_t kThreadPool = 1024;         // thread states (reused on exit)
inline constexpr uint32_t kNodeCapacity = 64;         // distinct node names
inline constexpr uint32_t kSampleAll = 64;            // iterations always sampled
inline constexpr uint32_t kSamplesPerDoubling = 32;

inline uint64_t monotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// Process-wide configuration, fixed at init (and at fork for the pid).
struct Config {
  std::atomic<int> initState{0};  // 0 = not yet, 1 = in progress, 2 = done
  bool tracing = false;           // CSNAKE_TRACE_DIR set
  char traceDir[1024] = {};
  char exe[1024] = {};
  uint64_t startMonoNs = 0;
  uint64_t startUnixNs = 0;
  int pid = 0;
};
extern Config g_config;  // constant-initialised: usable before any constructor runs
inline Config &config() { return g_config; }

// Nanoseconds since the runtime started (for "first time" fields).
inline uint64_t sinceStartNs() { return monotonicNs() - config().startMonoNs; }

// Initialise from the environment (idempotent, thread-safe). Called on the first module
// registration. On a bad plan it prints one line and _exit(CSNAKE_EXIT_BAD_PLAN).
void ensureInitialised();

// A cheap "something changed since the last flush" flag for the periodic flusher: a
// relaxed load first, so the shared line is written at most once per period.
extern std::atomic<uint32_t> g_dirty;
inline void markDirty() {
  if (!g_dirty.load(std::memory_order_relaxed)) g_dirty.store(1, std::memory_order_relaxed);
}

// Counters for the Stats section.
struct Stats {
  std::atomic<uint64_t> modulesRegistered{0}, modulesRejected{0}, sitesRegistered{0}, eventsDropped{0}, loopsDropped{0},
      pathsDropped{0}, loopStackOverflow{0}, pathPairOverflow{0}, iterationsSampledOut{0}, threadsUntracked{0},
      nodesDropped{0};
  void reset();
};
Stats &stats();

inline void bump(std::atomic<uint64_t> &c) { c.fetch_add(1, std::memory_order_relaxed); }

}  // namespace csnake::rt
