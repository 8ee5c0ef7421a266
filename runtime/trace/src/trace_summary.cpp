#include "csnake/trace_summary.h"

#include <csnake/trace_merge.h>
#include <csnake/trace_reader.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

namespace csnake {

TraceSummary summarizeTraceDir(const std::string &dir) {
  TraceDirectory td = TraceDirectory::read(dir);
  // FCA compares a test's loops across runs whatever node ran them, and counts the
  // invocations a killed or timed-out run left open with the iterations they had done.
  MergeOptions opts;
  opts.loopsByNode = false;
  opts.foldOpenInvocations = true;
  MergedTrace m = mergeTraces(td, opts);

  TraceSummary s;
  s.processes = td.files.size();
  for (const TraceFile &f : td.files) {
    std::error_code ec;
    s.bytes += std::filesystem::file_size(f.path, ec);
  }
  s.hasPlan = m.receipt.has_plan != 0;
  s.armed = m.receipt.armed != 0;
  s.fired = m.receipt.fired != 0;
  s.fireCount = m.receipt.fire_count;
  // Per process: reaches of (site, context, node) summed over call sites; the largest.
  std::map<std::tuple<uint64_t, uint64_t, std::string>, uint64_t> inOneProcess;
  for (const TraceFile &f : td.files) {
    std::map<std::tuple<uint64_t, uint64_t, std::string>, uint64_t> mine;
    for (const trace::EventRecord &e : f.events) mine[{e.site, e.context, f.nodeName(e.node)}] += e.reach;
    for (const auto &[k, n] : mine) inOneProcess[k] = std::max(inOneProcess[k], n);
  }
  for (const auto &[key, e] : m.events) {
    EventSummary &out = s.events[key];
    out.reached = e.reach;
    out.occurred = e.occur;
    out.injected = e.injected;
    out.reachedInOneProcess =
        static_cast<int64_t>(inOneProcess[{std::get<0>(key), std::get<1>(key), std::get<3>(key)}]);
  }
  for (const auto &[key, l] : m.loops) {
    LoopSummary &out = s.loops[{std::get<0>(key), std::get<1>(key)}];
    out.parent = l.parent;
    out.invocations = l.invocations;
    out.iterations = l.iterations;
    out.histogram = l.histogram;
  }
  for (const auto &[key, p] : m.paths) {
    PathSummary &out = s.paths[{std::get<0>(key), std::get<1>(key), std::get<3>(key)}];
    out.count = p.count;
    for (const trace::PathPair &pp : p.pairs) out.decisions.emplace_back(pp.site, pp.value);
  }
  return s;
}

}  // namespace csnake
