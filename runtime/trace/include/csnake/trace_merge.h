// One run's trace directory merged into one view: the records of every process's trace
// file with the same key summed. `csnake trace` prints this view; the campaign stores a
// projection of it (orchestrator/campaign/trace_summary.h) for the analyzer. The two
// differ only where MergeOptions says so.
#pragma once

#include <csnake/trace_reader.h>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace csnake {

struct MergeOptions {
  // Loops and paths keyed by node too. `csnake trace` shows each node's loops apart; the
  // campaign compares a test's loops across runs whatever node ran them (node "").
  bool loopsByNode = true;
  // Invocations still open at the last flush (a killed or timed-out run): kept apart in
  // openInvocations/openIterations, or folded into invocations/iterations with the
  // iterations they had done (what FCA compares).
  bool foldOpenInvocations = false;
};

struct MergedEvent {
  uint32_t kind = 0;  // last non-zero kind a process recorded (0: none did)
  uint64_t reach = 0, occur = 0, injected = 0;
  int32_t lastErrno = 0;  // last non-zero errno, in file order
};

struct MergedLoop {
  uint64_t parent = 0;  // the first non-zero parent, in file order
  uint64_t invocations = 0, iterations = 0, maxIterations = 0;
  uint64_t openInvocations = 0, openIterations = 0;  // 0 when folded
  std::map<uint64_t, uint64_t> histogram;            // iterations per invocation (bucket low bound) -> count
};

struct MergedPath {
  uint64_t count = 0;
  bool overflow = false;  // some process had more distinct decisions than it could keep
  // The first process's decisions: the path signature hashes them, so processes agree
  // (except for decisions an overflowing process could not keep).
  std::vector<trace::PathPair> pairs;
};

struct MergedTrace {
  using EventKey = std::tuple<uint64_t, uint64_t, uint64_t, std::string>;  // site, context, callsig, node
  using LoopKey = std::tuple<uint64_t, uint64_t, std::string>;             // loop, callsig, node
  using PathKey = std::tuple<uint64_t, uint64_t, std::string, uint64_t>;   // loop, callsig, node, pathsig

  // Of the processes that had a plan: the first one's plan, armed and fired if any was,
  // fire counts summed, the earliest first fire. has_plan = 0 when none had a plan.
  trace::ReceiptRecord receipt{};
  std::map<EventKey, MergedEvent> events;
  std::map<LoopKey, MergedLoop> loops;
  // Path records are kept apart from loop records (a full table drops one and not the
  // other): a path's loop may be missing from `loops`.
  std::map<PathKey, MergedPath> paths;
};

MergedTrace mergeTraces(const TraceDirectory &dir, const MergeOptions &opts);

}  // namespace csnake
