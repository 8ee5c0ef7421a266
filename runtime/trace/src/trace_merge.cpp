#include <csnake/trace_merge.h>

#include <algorithm>

namespace csnake {

namespace {

void mergeReceipt(trace::ReceiptRecord &into, const trace::ReceiptRecord &r) {
  if (!into.has_plan) {
    into = r;
    into.armed = into.fired = 0;
    into.fire_count = 0;
    into.first_fire_ns = 0;
  }
  into.armed |= r.armed;
  into.fired |= r.fired;
  into.fire_count += r.fire_count;
  if (r.first_fire_ns && (!into.first_fire_ns || r.first_fire_ns < into.first_fire_ns))
    into.first_fire_ns = r.first_fire_ns;
}

}  // namespace

MergedTrace mergeTraces(const TraceDirectory &dir, const MergeOptions &opts) {
  MergedTrace m;
  for (const TraceFile &f : dir.files) {
    auto loopNode = [&](uint32_t node) { return opts.loopsByNode ? f.nodeName(node) : std::string(); };
    if (f.hasReceipt && f.receipt.has_plan) mergeReceipt(m.receipt, f.receipt);
    for (const trace::EventRecord &e : f.events) {
      MergedEvent &a = m.events[{e.site, e.context, e.callsig, f.nodeName(e.node)}];
      if (e.kind) a.kind = e.kind;
      a.reach += e.reach;
      a.occur += e.occur;
      a.injected += e.injected;
      if (e.last_errno) a.lastErrno = e.last_errno;
    }
    for (const TraceLoop &l : f.loops) {
      MergedLoop &a = m.loops[{l.rec.loop, l.rec.callsig, loopNode(l.rec.node)}];
      if (!a.parent) a.parent = l.rec.parent;
      a.invocations += l.rec.invocations;
      a.iterations += l.rec.iterations;
      if (opts.foldOpenInvocations) {
        a.invocations += l.rec.open_invocations;
        a.iterations += l.rec.open_iterations;
      } else {
        a.openInvocations += l.rec.open_invocations;
        a.openIterations += l.rec.open_iterations;
      }
      a.maxIterations = std::max(a.maxIterations, l.rec.max_iterations);
      for (const trace::HistBucket &b : l.histogram) a.histogram[trace::histBucketLow(b.bucket)] += b.count;
    }
    for (const TracePath &p : f.paths) {
      MergedPath &a = m.paths[{p.rec.loop, p.rec.callsig, loopNode(p.rec.node), p.rec.pathsig}];
      a.count += p.rec.count;
      a.overflow |= p.rec.overflow != 0;
      if (a.pairs.empty()) a.pairs = p.pairs;
    }
  }
  return m;
}

}  // namespace csnake
