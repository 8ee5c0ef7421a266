// Stitching grammar and bounded cycle search on hand-built causal edges.
#include <gtest/gtest.h>

#include "fca/causal_edge.h"
#include "graph/causal_graph.h"
#include "graph/chain_search.h"
#include "graph/fault_cycle.h"

using namespace csnake;
using namespace csnake::analyzer;

namespace {

struct G {
  std::vector<CausalEdge> edges;
  std::map<SiteRef, SiteInfo> sites;

  void site(const std::string &id, const std::string &kind, const std::string &parent = "") {
    SiteInfo s;
    s.id = id;
    s.kind = kind;
    s.parentLoop = parent;
    sites[id] = s;
  }
  G &edge(const std::string &cause, const std::string &ctx, const std::string &effect, EffectType t,
          const std::string &parent = "") {
    CausalEdge e;
    e.cause = cause;
    e.causeContext = ctx;
    e.causeIsDelay = sites.count(cause) && sites[cause].kind == "LOOP";
    e.effect = effect;
    e.type = t;
    if (!parent.empty()) e.parents.insert(parent);
    e.tests = {1};
    // By default an E edge's new behaviour reaches every program-logic fault (the
    // continuation rule has its own tests below).
    for (const auto &[id, info] : sites)
      if (info.kind == "THROW" || info.kind == "ERROR_RETURN") e.reached.insert(id);
    edges.push_back(e);
    return *this;
  }
  // The last edge added, to adjust its reach.
  CausalEdge &last() { return edges.back(); }
  ContinuationRule rule = ContinuationRule::Reach;
  StitchGrammar grammar = StitchGrammar::Reference;
  std::vector<FoundCycle> search(ChainSearchOptions o = {}) {
    o.distinctLoops = grammar == StitchGrammar::Reference;
    std::sort(edges.begin(), edges.end(), [](const CausalEdge &a, const CausalEdge &b) {
      return std::tie(a.cause, a.causeContext, a.effect) < std::tie(b.cause, b.causeContext, b.effect);
    });
    for (size_t i = 0; i < edges.size(); ++i) edges[i].id = static_cast<int64_t>(i + 1);
    graph = CausalGraph::build(edges, sites, rule, grammar);
    ChainSearch s(graph, edges, o);
    return s.run(stats);
  }
  CausalGraph graph;
  ChainSearchStats stats;
};

G standard() {
  G g;
  for (const char *l : {"L1", "L2", "L3", "P", "C"}) g.site(l, "LOOP", std::string(l) == "C" ? "P" : "");
  for (const char *t : {"T1", "T2", "T2b", "T3"}) g.site(t, "THROW");
  return g;
}

}  // namespace

TEST(ChainSearch, ErrorCycleFound) {
  G g = standard();
  g.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L2", "L1", EffectType::E);
  auto cycles = g.search();
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].transitions.size(), 2u);
  EXPECT_EQ(cycles[0].delays, 0);
  // Canonical rotation: starts at the smallest fault.
  EXPECT_EQ(cycles[0].canonical.rfind("T1@L1", 0), 0u) << cycles[0].canonical;
}

TEST(ChainSearch, GrammarRejectsWrongContinuations) {
  G g = standard();
  // E into L2 but the only fault continuing is a delay fault at L2: an E edge needs an
  // error fault injected in L2.
  g.edge("T1", "L1", "L2", EffectType::E).edge("L2", "L2", "L1", EffectType::E);
  EXPECT_TRUE(g.search().empty());
  // S+ into L1 but the fault in L1 is an error fault: S+ needs the delay fault (L1, L1).
  G h = standard();
  h.edge("T1", "L1", "L2", EffectType::SPlus).edge("T2", "L2", "L1", EffectType::SPlus);
  EXPECT_TRUE(h.search().empty());
  // An error fault injected in another context does not continue an E edge into L2.
  G k = standard();
  k.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L3", "L1", EffectType::E);
  EXPECT_TRUE(k.search().empty());
}

TEST(ChainSearch, DelayCycleAndSelfSustainingDelay) {
  G g = standard();
  g.grammar = StitchGrammar::Broad;  // the reference grammar stops an S+ caused by a delay
  // Delay in L1 makes T2 (in L2) throw; T2 makes L1 iterate more.
  g.edge("L1", "L1", "L2", EffectType::E).edge("T2", "L2", "L1", EffectType::SPlus);
  // A retry storm: delaying L3 makes L3 itself run more.
  g.edge("L3", "L3", "L3", EffectType::SPlus);
  auto cycles = g.search();
  ASSERT_EQ(cycles.size(), 2u);
  int oneDelayTwoEdges = 0, selfLoop = 0;
  for (const auto &c : cycles) {
    if (c.transitions.size() == 2 && c.delays == 1) ++oneDelayTwoEdges;
    if (c.transitions.size() == 1 && c.delays == 1) ++selfLoop;
  }
  EXPECT_EQ(oneDelayTwoEdges, 1);
  EXPECT_EQ(selfLoop, 1);
  ChainSearchOptions noDelays;
  noDelays.maxDelays = 0;
  G h = g;
  EXPECT_TRUE(h.search(noDelays).empty());
}

TEST(ChainSearch, ChildToParentHopNeedsTheParentDelayLicence) {
  G g = standard();
  g.grammar = StitchGrammar::Broad;  // T1 and the delay fault are both in P
  // T1 (in P) makes the child C iterate more per parent iteration; the delay fault (P, P)
  // makes T1 throw.
  g.edge("T1", "P", "C", EffectType::SPlus).edge("P", "P", "P", EffectType::E);
  EXPECT_TRUE(g.search().empty());  // no licence: S+ into C continues only with (C, C)
  g.edge("T1", "P", "C", EffectType::ParentDelay, "P");
  auto cycles = g.search();
  ASSERT_EQ(cycles.size(), 1u);
  const Transition &hop = g.graph.transitions()[cycles[0].transitions[1]];
  EXPECT_GE(hop.hopEdge, 0);
  EXPECT_EQ(hop.junction, "P");
}

TEST(ChainSearch, ChildLoopOfSeveralParentsHopsToEachOfThem) {
  // C is called from loop P and from loop L1: T1's parent_delay effects name both (one per
  // call site). The hop continues at either parent, whichever effect came first.
  for (bool reversed : {false, true}) {
    G g = standard();
    g.grammar = StitchGrammar::Broad;  // T1 and the delay fault are both in P
    Effect a, b;
    a.cause = b.cause = "T1";
    a.causeContext = b.causeContext = "P";
    a.type = b.type = EffectType::ParentDelay;
    a.site = b.site = "C";
    a.evidence = {{"parent", "P"}};
    b.evidence = {{"parent", "L1"}};
    a.experimentId = 1, b.experimentId = 2;
    std::vector<Effect> effects = reversed ? std::vector<Effect>{b, a} : std::vector<Effect>{a, b};
    std::vector<CausalEdge> built = buildEdges(effects);
    ASSERT_EQ(built.size(), 1u);
    EXPECT_EQ(built[0].parents, (std::set<SiteRef>{"L1", "P"}));
    g.edges.push_back(built[0]);
    g.edge("T1", "P", "C", EffectType::SPlus).edge("P", "P", "P", EffectType::E).edge("L1", "L1", "P", EffectType::E);
    EXPECT_EQ(g.search().size(), 2u) << "T1 -> (P,P) -> T1 and T1 -> (L1,L1) -> T1, reversed=" << reversed;
  }
}

// The reference rules (graph/stitch_grammar.h): an S+ caused by a delay fault does not
// continue as a delay, and no loop is visited twice in one cycle.
TEST(ChainSearch, ReferenceGrammarStopsDelayCausedSPlus) {
  G g = standard();
  // Delaying L1 makes L2 iterate more, delaying L2 makes L1 iterate more: two timers of
  // a slower test, not a storm.
  g.edge("L1", "L1", "L2", EffectType::SPlus).edge("L2", "L2", "L1", EffectType::SPlus);
  g.edge("L3", "L3", "L3", EffectType::SPlus);
  EXPECT_TRUE(g.search().empty());
  G broad = g;
  broad.grammar = StitchGrammar::Broad;
  EXPECT_EQ(broad.search().size(), 2u);
  // An S+ caused by an error fault still continues as a delay, and a delay's E effect
  // still continues with an error fault.
  G h = standard();
  h.edge("T1", "L1", "L2", EffectType::SPlus).edge("L2", "L2", "L1", EffectType::E);
  EXPECT_EQ(h.search().size(), 1u);
}

TEST(ChainSearch, ReferenceGrammarVisitsEachLoopOnce) {
  G g = standard();
  // T1 and T3 are both in L1: T1 -> T2 -> T3 -> T2b -> T1 crosses L1 twice (and L2
  // twice); its two halves T1 -> T2 -> T1 and T3 -> T2b -> T3 are the cycles.
  g.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L2", "L1", EffectType::E);
  g.edge("T3", "L1", "L2", EffectType::E).edge("T2b", "L2", "L1", EffectType::E);
  G broad = g;
  auto reference = g.search();
  EXPECT_EQ(reference.size(), 4u);
  for (const auto &c : reference) EXPECT_EQ(c.transitions.size(), 2u) << c.canonical;
  broad.grammar = StitchGrammar::Broad;
  EXPECT_EQ(broad.search().size(), 6u);
}

TEST(ChainSearch, BoundsOnLength) {
  G g = standard();
  g.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L2", "L3", EffectType::E).edge("T3", "L3", "L1", EffectType::E);
  EXPECT_EQ(g.search().size(), 1u);
  ChainSearchOptions shortOnly;
  shortOnly.maxLength = 2;
  G h = g;
  EXPECT_TRUE(h.search(shortOnly).empty());
}

TEST(ChainSearch, NearIdenticalCyclesCollapse) {
  G g = standard();
  // Two different throws in L2 close the same loop/edge-type cycle.
  g.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L2", "L1", EffectType::E).edge("T2b", "L2", "L1", EffectType::E);
  auto cycles = g.search();
  ASSERT_EQ(cycles.size(), 2u);
  EXPECT_NE(cycles[0].canonical, cycles[1].canonical);
  EXPECT_EQ(cycles[0].collapseKey, cycles[1].collapseKey);
  EXPECT_EQ(collapseCycles(cycles).size(), 1u);
  EXPECT_EQ(g.stats.groups, 1u);
}

TEST(ChainSearch, EveryCycleOnceAcrossThreads) {
  // A complete digraph of 6 error faults, one per loop: every simple cycle is found once.
  G g;
  const int n = 6;
  for (int i = 0; i < n; ++i) {
    g.site("L" + std::to_string(i), "LOOP");
    g.site("T" + std::to_string(i), "THROW");
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (i != j) g.edge("T" + std::to_string(i), "L" + std::to_string(i), "L" + std::to_string(j), EffectType::E);
  ChainSearchOptions o;
  o.threads = 3;
  auto cycles = g.search(o);
  // sum_{k=2..6} C(6,k) (k-1)! = 15 + 40 + 90 + 144 + 120
  EXPECT_EQ(cycles.size(), 409u);
  std::set<std::string> unique;
  for (const auto &c : cycles) unique.insert(c.canonical);
  EXPECT_EQ(unique.size(), cycles.size());
  o.maxCycles = 10;
  G h = g;
  EXPECT_EQ(h.search(o).size(), 10u);
  EXPECT_TRUE(h.stats.truncated);
}

TEST(ContinuationRule, EnvironmentFailureMustHappenOnItsOwn) {
  // T1 (in L1) gives L2 a new path that calls IO; IO failing (in L2) makes T1 throw. The
  // new path reaching IO is not enough: nothing shows the new behaviour makes IO fail.
  auto build = [](bool ioFailedOnItsOwn) {
    G g = standard();
    g.site("IO", "LIBCALL");
    g.edge("T1", "L1", "L2", EffectType::E);
    g.last().reached.insert("IO");
    if (ioFailedOnItsOwn) g.last().failed.insert("IO");
    g.edge("IO", "L2", "L1", EffectType::E);
    return g;
  };
  EXPECT_TRUE(build(false).search().empty());
  EXPECT_EQ(build(true).search().size(), 1u);  // e.g. a slowed peer makes recv time out
  G any = build(false);
  any.rule = ContinuationRule::Any;  // the literal grammar stitches it
  EXPECT_EQ(any.search().size(), 1u);
}

TEST(ContinuationRule, ProgramLogicFaultMustBeReached) {
  G g = standard();
  g.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L2", "L1", EffectType::E);
  g.edges[0].reached.clear();  // the new paths in L2 never evaluate T2's guard
  EXPECT_TRUE(g.search().empty());
  G failed = standard();
  failed.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L2", "L1", EffectType::E);
  failed.edges[0].reached.clear();
  failed.edges[0].failed.insert("T2");  // ... but T2 failed on its own: that is enough
  EXPECT_EQ(failed.search().size(), 1u);
  G any = standard();
  any.edge("T1", "L1", "L2", EffectType::E).edge("T2", "L2", "L1", EffectType::E);
  any.edges[0].reached.clear();
  any.rule = ContinuationRule::Any;
  EXPECT_EQ(any.search().size(), 1u);
}

TEST(FaultCycle, IdIsTheSameInAnyRotationAndNamesTheFaults) {
  FaultVertex a{"0x00000000000000aa", "0x0000000000000001", false, "THROW"};
  FaultVertex b{"0x00000000000000bb", "0x0000000000000002", true, "LOOP"};
  FaultVertex c{"0x00000000000000cc", "0x0000000000000002", false, "ERROR_RETURN"};
  FaultCycleKey k1 = faultCycleKeyOf({&a, &b, &c}), k2 = faultCycleKeyOf({&c, &a, &b});
  EXPECT_EQ(k1.key, k2.key);
  EXPECT_EQ(k1.id, k2.id);
  EXPECT_EQ(k1.key.rfind("ERROR_RETURN 0x00000000000000cc@", 0), 0u) << k1.key;  // smallest token first
  EXPECT_EQ(k2.order, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(k1.order, (std::vector<size_t>{2, 0, 1}));
  EXPECT_EQ(k1.id.size(), 18u);
  EXPECT_EQ(k1.id.rfind("fc", 0), 0u);
  // Another order of the same faults is another cycle; another context another fault.
  EXPECT_NE(faultCycleKeyOf({&b, &a, &c}).id, k1.id);
  FaultVertex a2 = a;
  a2.context = "0x0000000000000003";
  EXPECT_NE(faultCycleKeyOf({&a2, &b, &c}).id, k1.id);
}

TEST(ContinuationRule, Names) {
  ContinuationRule r = ContinuationRule::Any;
  EXPECT_TRUE(parseContinuationRule("reach", r));
  EXPECT_EQ(r, ContinuationRule::Reach);
  EXPECT_TRUE(parseContinuationRule("any", r));
  EXPECT_STREQ(continuationRuleName(r), "any");
  EXPECT_FALSE(parseContinuationRule("all", r));
  StitchGrammar g = StitchGrammar::Broad;
  EXPECT_TRUE(parseStitchGrammar("reference", g));
  EXPECT_EQ(g, StitchGrammar::Reference);
  EXPECT_TRUE(parseStitchGrammar("broad", g));
  EXPECT_STREQ(stitchGrammarName(g), "broad");
  EXPECT_FALSE(parseStitchGrammar("csnake", g));
}
