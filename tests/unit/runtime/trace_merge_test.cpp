// The one merge of a run's trace files (csnake/trace_merge.h), under both options: the
// view `csnake trace` prints (loops by node, open invocations apart) and the one the
// campaign stores (loops of every node together, open invocations folded in).
#include <csnake/abi.h>
#include <csnake/trace_merge.h>

#include <gtest/gtest.h>

using csnake::MergedTrace;
using csnake::MergeOptions;
using csnake::TraceDirectory;
using csnake::TraceFile;
using csnake::TraceLoop;
using csnake::TracePath;
namespace trace = csnake::trace;

namespace {

constexpr uint64_t kLoop = 0x10, kSite = 0x30, kBranch = 0x20, kCallsig = 0x77;

trace::EventRecord event(uint32_t node, uint32_t kind, uint64_t reach, uint64_t occur, uint64_t injected,
                         int32_t lastErrno) {
  trace::EventRecord e{};
  e.site = kSite;
  e.context = kLoop;
  e.callsig = kCallsig;
  e.node = node;
  e.kind = kind;
  e.reach = reach;
  e.occur = occur;
  e.injected = injected;
  e.last_errno = lastErrno;
  return e;
}

TraceLoop loop(uint32_t node, uint64_t parent, uint64_t inv, uint64_t iters, uint64_t max, uint64_t openInv,
               uint64_t openIters, std::vector<trace::HistBucket> hist) {
  TraceLoop l{};
  l.rec.loop = kLoop;
  l.rec.callsig = kCallsig;
  l.rec.parent = parent;
  l.rec.node = node;
  l.rec.invocations = inv;
  l.rec.iterations = iters;
  l.rec.max_iterations = max;
  l.rec.open_invocations = openInv;
  l.rec.open_iterations = openIters;
  l.histogram = std::move(hist);
  return l;
}

TracePath path(uint32_t node, uint64_t sig, uint64_t count, bool overflow, std::vector<trace::PathPair> pairs) {
  TracePath p{};
  p.rec.loop = kLoop;
  p.rec.callsig = kCallsig;
  p.rec.pathsig = sig;
  p.rec.node = node;
  p.rec.count = count;
  p.rec.overflow = overflow;
  p.pairs = std::move(pairs);
  return p;
}

trace::ReceiptRecord receipt(bool plan, bool armed, bool fired, uint64_t count, uint64_t firstNs) {
  trace::ReceiptRecord r{};
  r.has_plan = plan;
  r.fault = plan ? kSite : 0;
  r.armed = armed;
  r.fired = fired;
  r.fire_count = count;
  r.first_fire_ns = firstNs;
  r.skip = plan ? 3 : 0;
  return r;
}

// Three processes: two on node dn1 (node ids differ per file), one on dn2. The 1st has no
// receipt, the 2nd a plan that did not fire, the 3rd a plan that fired.
TraceDirectory threeProcesses() {
  TraceDirectory d;
  TraceFile a;
  a.nodes = {{1, "dn1"}};
  a.events = {event(1, 0, 4, 1, 0, 0)};
  a.loops = {loop(1, 0, 2, 10, 6, 1, 3, {{4, 0, 1}, {6, 0, 1}})};
  a.paths = {path(1, 0xa, 5, false, {{kBranch, 1, 0}}), path(1, 0xb, 1, false, {})};
  TraceFile b;
  b.nodes = {{7, "dn1"}};
  b.hasReceipt = true;
  b.receipt = receipt(true, true, false, 0, 0);
  b.events = {event(7, CSNAKE_KIND_THROW, 2, 2, 1, 0)};
  b.loops = {loop(7, 0x99, 1, 100, 100, 0, 0, {{64, 0, 1}})};
  b.paths = {path(7, 0xb, 2, true, {{kBranch, 0, 0}, {kSite, 2, 0}})};
  TraceFile c;
  c.nodes = {{2, "dn2"}};
  c.hasReceipt = true;
  c.receipt = receipt(true, true, true, 3, 500);
  c.events = {event(2, CSNAKE_KIND_LIBCALL, 1, 1, 1, 104)};
  c.loops = {loop(2, 0x55, 0, 0, 0, 2, 7, {})};
  c.paths = {path(2, 0xa, 1, false, {{kBranch, 1, 0}})};
  d.files = {a, b, c};
  return d;
}

}  // namespace

TEST(TraceMerge, EventsAndReceiptAreTheSameUnderEitherOption) {
  for (bool folded : {false, true}) {
    MergeOptions o;
    o.foldOpenInvocations = folded;
    o.loopsByNode = !folded;
    MergedTrace m = csnake::mergeTraces(threeProcesses(), o);
    ASSERT_EQ(m.events.size(), 2u) << "events are always by node";
    const auto &dn1 = m.events.at({kSite, kLoop, kCallsig, "dn1"});
    EXPECT_EQ(dn1.reach, 6u);
    EXPECT_EQ(dn1.occur, 3u);
    EXPECT_EQ(dn1.injected, 1u);
    EXPECT_EQ(dn1.kind, uint32_t(CSNAKE_KIND_THROW)) << "the non-zero kind wins";
    const auto &dn2 = m.events.at({kSite, kLoop, kCallsig, "dn2"});
    EXPECT_EQ(dn2.lastErrno, 104);
    EXPECT_EQ(m.receipt.has_plan, 1u);
    EXPECT_EQ(m.receipt.fault, kSite);
    EXPECT_EQ(m.receipt.skip, 3u);
    EXPECT_EQ(m.receipt.armed, 1u);
    EXPECT_EQ(m.receipt.fired, 1u);
    EXPECT_EQ(m.receipt.fire_count, 3u);
    EXPECT_EQ(m.receipt.first_fire_ns, 500u);
  }
}

TEST(TraceMerge, ByNodeWithOpenInvocationsApart) {
  MergedTrace m = csnake::mergeTraces(threeProcesses(), MergeOptions{});
  ASSERT_EQ(m.loops.size(), 2u);
  const auto &dn1 = m.loops.at({kLoop, kCallsig, "dn1"});
  EXPECT_EQ(dn1.parent, 0x99u) << "the first non-zero parent";
  EXPECT_EQ(dn1.invocations, 3u);
  EXPECT_EQ(dn1.iterations, 110u);
  EXPECT_EQ(dn1.maxIterations, 100u);
  EXPECT_EQ(dn1.openInvocations, 1u);
  EXPECT_EQ(dn1.openIterations, 3u);
  EXPECT_EQ(dn1.histogram, (std::map<uint64_t, uint64_t>{{4, 1}, {6, 1}, {64, 1}})) << "keyed by bucket low bound";
  const auto &dn2 = m.loops.at({kLoop, kCallsig, "dn2"});
  EXPECT_EQ(dn2.invocations, 0u);
  EXPECT_EQ(dn2.openInvocations, 2u);
  EXPECT_EQ(dn2.openIterations, 7u);
  ASSERT_EQ(m.paths.size(), 3u);
  const auto &b = m.paths.at({kLoop, kCallsig, "dn1", 0xb});
  EXPECT_EQ(b.count, 3u);
  EXPECT_TRUE(b.overflow);
  ASSERT_EQ(b.pairs.size(), 2u) << "the first process had no decisions: the next one's are kept";
  EXPECT_EQ(m.paths.at({kLoop, kCallsig, "dn2", 0xa}).count, 1u);
}

TEST(TraceMerge, AcrossNodesWithOpenInvocationsFolded) {
  MergeOptions o;
  o.loopsByNode = false;
  o.foldOpenInvocations = true;
  MergedTrace m = csnake::mergeTraces(threeProcesses(), o);
  ASSERT_EQ(m.loops.size(), 1u);
  const auto &l = m.loops.at({kLoop, kCallsig, ""});
  EXPECT_EQ(l.parent, 0x99u);
  EXPECT_EQ(l.invocations, 3u + 1u + 2u) << "finished + open of every process";
  EXPECT_EQ(l.iterations, 110u + 3u + 7u);
  EXPECT_EQ(l.openInvocations, 0u);
  EXPECT_EQ(l.openIterations, 0u);
  ASSERT_EQ(m.paths.size(), 2u);
  const auto &a = m.paths.at({kLoop, kCallsig, "", 0xa});
  EXPECT_EQ(a.count, 6u);
  ASSERT_EQ(a.pairs.size(), 1u);
  EXPECT_EQ(a.pairs[0].site, kBranch);
  EXPECT_EQ(m.paths.at({kLoop, kCallsig, "", 0xb}).count, 3u);
}

TEST(TraceMerge, NoPlanAnywhereMeansNoReceipt) {
  TraceDirectory d = threeProcesses();
  for (TraceFile &f : d.files) f.receipt.has_plan = 0;
  MergedTrace m = csnake::mergeTraces(d, MergeOptions{});
  EXPECT_EQ(m.receipt.has_plan, 0u);
  EXPECT_EQ(m.receipt.fire_count, 0u);
}
