// The summary of one run's trace that goes into the campaign database: every process's
// trace file of the run merged into fault events, loop iteration counts and path
// signatures (what FCA compares), plus the fired receipt.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace csnake {

struct EventSummary {
  uint64_t reached = 0, occurred = 0, injected = 0;
  // The most reaches of (site, context, node) in one process, summed over call sites: the
  // runtime counts a plan's skip per process, so a skip beyond it never fires (a test
  // that forks a child per case has many processes whose reaches `reached` sums).
  // -1: unknown (a summary replayed from an older database).
  int64_t reachedInOneProcess = -1;
};

struct LoopSummary {
  uint64_t parent = 0;
  uint64_t invocations = 0, iterations = 0;
  std::map<uint64_t, uint64_t> histogram;  // iterations per invocation (bucket low bound) -> count
};

struct PathSummary {
  uint64_t count = 0;
  std::vector<std::pair<uint64_t, uint32_t>> decisions;  // (branch site, 0/1/2=event)
};

struct TraceSummary {
  size_t processes = 0;
  uint64_t bytes = 0;
  bool hasPlan = false, armed = false, fired = false;
  uint64_t fireCount = 0;
  // (site, context, callsig, node)
  std::map<std::tuple<uint64_t, uint64_t, uint64_t, std::string>, EventSummary> events;
  // (loop, callsig)
  std::map<std::pair<uint64_t, uint64_t>, LoopSummary> loops;
  // (loop, callsig, path signature)
  std::map<std::tuple<uint64_t, uint64_t, uint64_t>, PathSummary> paths;
};

// Reads and merges every trace file of DIR. Throws TraceError ("FILE: problem") for a
// corrupt or truncated file, or when DIR holds no trace at all.
TraceSummary summarizeTraceDir(const std::string &dir);

}  // namespace csnake
