#include "csnake/trace_summary.h"

#include <csnake/trace_reader.h>

#include <filesystem>

namespace csnake {

TraceSummary summarizeTraceDir(const std::string &dir) {
  TraceDirectory td = TraceDirectory::read(dir);
  TraceSummary s;
  s.processes = td.files.size();
  for (const TraceFile &f : td.files) {
    std::error_code ec;
    s.bytes += std::filesystem::file_size(f.path, ec);
    if (f.hasReceipt && f.receipt.has_plan) {
      s.hasPlan = true;
      s.armed |= f.receipt.armed != 0;
      s.fired |= f.receipt.fired != 0;
      s.fireCount += f.receipt.fire_count;
    }
    for (const trace::EventRecord &e : f.events) {
      EventSummary &m = s.events[{e.site, e.context, e.callsig, f.nodeName(e.node)}];
      m.reached += e.reach;
      m.occurred += e.occur;
      m.injected += e.injected;
    }
    for (const TraceLoop &l : f.loops) {
      LoopSummary &m = s.loops[{l.rec.loop, l.rec.callsig}];
      if (!m.parent) m.parent = l.rec.parent;
      // Invocations still open at the last flush (a killed or timed-out run) count with
      // the iterations they had done.
      m.invocations += l.rec.invocations + l.rec.open_invocations;
      m.iterations += l.rec.iterations + l.rec.open_iterations;
      for (const trace::HistBucket &b : l.histogram) m.histogram[trace::histBucketLow(b.bucket)] += b.count;
    }
    for (const TracePath &p : f.paths) {
      PathSummary &m = s.paths[{p.rec.loop, p.rec.callsig, p.rec.pathsig}];
      m.count += p.rec.count;
      if (m.decisions.empty())
        for (const trace::PathPair &pp : p.pairs) m.decisions.emplace_back(pp.site, pp.value);
    }
  }
  return s;
}

}  // namespace csnake
