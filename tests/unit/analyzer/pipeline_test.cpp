// The whole analysis on a hand-built campaign database: two tests whose single-fault
// injections stitch into a cycle, the Z3 check rejecting it when the junction's branch
// decisions conflict, the stored outputs, idempotency and the readers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "analysis.h"
#include "csnake/campaigndb/campaign_reader.h"
#include "csnake/campaigndb/experiment_queries.h"
#include "campaign_builder.h"
#include "store/analysis_reader.h"

using namespace csnake;
using namespace csnake::analyzer;
using csnake::testing::CampaignBuilder;
using csnake::testing::sid;
using csnake::testing::Trace;

namespace {

constexpr uint64_t L1 = 0x1001, L2 = 0x1002, T1 = 0x2001, T2 = 0x2002, B1 = 0x3001, B2 = 0x3002;

// T1 thrown in L1 (test TA) makes L2 take the path pending_ > 0 (which evaluates T2's
// guard: the continuation rule needs the new behaviour to reach the next fault); T2 thrown
// in L2 (test TB) makes L1 take a new path that evaluates T1's guard. TB's L2 iterations that reach T2 decide pending_
// > 0 as `b1InTB`: false makes the junction at L2 impossible.
// otherCallsigB1 >= 0: TB's runs also decide T2 in L2 at a second call site of L2 (0xC6),
// taking B1 that way.
void build(CampaignBuilder &b, uint32_t b1InTB, uint32_t t2InTA = 1, int otherCallsigB1 = -1) {
  b.site(L1, SiteKind::Loop, "src/node.cpp", 10, "Node::run()");
  b.site(L2, SiteKind::Loop, "src/node.cpp", 20, "Node::flush()");
  b.site(T1, SiteKind::Throw, "src/node.cpp", 12, "Node::run()", "!ok", L1);
  b.site(T2, SiteKind::Throw, "src/node.cpp", 22, "Node::flush()", "rc < 0", L2);
  b.site(B1, SiteKind::Branch, "src/node.cpp", 25, "Node::flush()", "pending_ > 0", L2);
  b.site(B2, SiteKind::Branch, "src/node.cpp", 15, "Node::run()", "leader_", L1);
  auto prof = [] {
    Trace t(false);
    t.loop(L1, 10).loop(L2, 10).path(L1, 0xA, {{B2, 0}}).path(L2, 0xB, {{B1, 0}});
    return t;
  };
  b.profile("TA", {prof(), prof(), prof()});
  b.profile("TB", {prof(), prof(), prof()});
  Trace x1;
  x1.loop(L1, 10).loop(L2, 10).path(L1, 0xA, {{B2, 0}}).path(L1, 0xA1, {{T1, 1}}).path(L2, 0xB, {{B1, 0}});
  x1.path(L2, 0x51, {{T2, t2InTA}, {B1, 1}}).event(T1, L1, 1, 1);
  b.inject("TA", T1, L1, {x1, x1, x1});
  Trace x2;
  x2.loop(L1, 10)
      .loop(L2, 10)
      .path(L1, 0xA, {{B2, 0}})
      .path(L1, 0x53, {{T1, 1}, {B2, 1}})
      .path(L2, 0xB2, {{T2, 1}, {B1, b1InTB}});
  if (otherCallsigB1 >= 0) x2.path(L2, 0xB3, {{T2, 1}, {B1, static_cast<uint32_t>(otherCallsigB1)}}, 5, 0xC6);
  x2.event(T2, L2, 1, 1);
  b.inject("TB", T2, L2, {x2, x2, x2});
}

// Like build(), but the junction at L2 conflicts only in a configuration flag C (branch
// `cfg_.fast_failover`) that is fixed for the whole run: TA always takes it one way, TB the
// other, in profiles and injections alike. The paths that carry the stitch never decide
// C, so only the run-wide facts can reject it. (The pass renders a member condition as
// "this.field.field".)
constexpr uint64_t C = 0x3003;
void buildConfigConflict(CampaignBuilder &b, uint32_t flagInTA, uint32_t flagInTB,
                         const char *detail = "this.field.field") {
  b.site(L1, SiteKind::Loop, "src/node.cpp", 10, "Node::run()");
  b.site(L2, SiteKind::Loop, "src/node.cpp", 20, "Node::flush()");
  b.site(T1, SiteKind::Throw, "src/node.cpp", 12, "Node::run()", "!ok", L1);
  b.site(T2, SiteKind::Throw, "src/node.cpp", 22, "Node::flush()", "rc < 0", L2);
  b.site(B1, SiteKind::Branch, "src/node.cpp", 25, "Node::flush()", "pending_ > 0", L2);
  b.site(C, SiteKind::Branch, "src/node.cpp", 27, "Node::flush()", detail, L2);
  b.site(B2, SiteKind::Branch, "src/node.cpp", 15, "Node::run()", "leader_", L1);
  // A path signature is a hash of its decisions (runtime/src/loop_stack.h): L2's path
  // differs by C's value, so its signature does too.
  auto sigB = [](uint32_t flag) { return uint64_t(0xB0 + flag); };
  auto prof = [&](uint32_t flag) {
    Trace t(false);
    t.loop(L1, 10).loop(L2, 10).path(L1, 0xA, {{B2, 0}}).path(L2, sigB(flag), {{B1, 0}, {C, flag}});
    return t;
  };
  b.profile("TA", {prof(flagInTA), prof(flagInTA), prof(flagInTA)});
  b.profile("TB", {prof(flagInTB), prof(flagInTB), prof(flagInTB)});
  Trace x1;
  x1.loop(L1, 10)
      .loop(L2, 10)
      .path(L1, 0xA, {{B2, 0}})
      .path(L1, 0xA1, {{T1, 1}})
      .path(L2, sigB(flagInTA), {{B1, 0}, {C, flagInTA}});
  x1.path(L2, 0x51, {{T2, 1}, {B1, 1}}).event(T1, L1, 1, 1);
  b.inject("TA", T1, L1, {x1, x1, x1});
  Trace x2;
  x2.loop(L1, 10)
      .loop(L2, 10)
      .path(L1, 0xA, {{B2, 0}})
      .path(L1, 0x53, {{T1, 1}, {B2, 1}})
      .path(L2, sigB(flagInTB), {{B1, 0}, {C, flagInTB}});
  x2.path(L2, 0xB2, {{T2, 1}, {B1, 1}}).event(T2, L2, 1, 1);
  b.inject("TB", T2, L2, {x2, x2, x2});
}

int64_t count(CampaignDb &db, Table table) { return db.countRows(table); }

}  // namespace

TEST(Pipeline, CompatibleCycleIsStoredWithEvidence) {
  CampaignBuilder b;
  build(b, 1);
  AnalysisResult r = analyzeDatabase(b.store().database(), {});
  ASSERT_EQ(r.edges.size(), 2u);
  ASSERT_EQ(r.cycles.size(), 1u);
  EXPECT_EQ(r.cycles[0].verdict, "compatible");
  EXPECT_EQ(r.cycles[0].tests.size(), 2u);
  EXPECT_EQ(r.cycles[0].delays, 0);
  CampaignDb &db = b.store().database();
  EXPECT_EQ(count(db, Table::Edges), 2);
  EXPECT_EQ(count(db, Table::Effects), 2);
  EXPECT_EQ(count(db, Table::Cycles), 1);
  EXPECT_EQ(count(db, Table::Chains), 1);
  // Idempotent: a second analysis replaces, not adds.
  analyzeDatabase(db, {});
  EXPECT_EQ(count(db, Table::Edges), 2);
  EXPECT_EQ(count(db, Table::Cycles), 1);
  EXPECT_EQ(count(db, Table::Chains), 1);
  requireAnalysis(db);
  nlohmann::json cycles = readCycles(db, false);
  ASSERT_EQ(cycles.size(), 1u);
  const auto &c = cycles[0];
  EXPECT_EQ(c["verdict"], "compatible");
  EXPECT_EQ(c["n_tests"], 2);
  ASSERT_EQ(c["steps"].size(), 2u);
  const auto &step = c["steps"][0];
  EXPECT_EQ(step["cause"]["id"], sid(T1));
  EXPECT_EQ(step["cause"]["kind"], "THROW");
  EXPECT_EQ(step["cause"]["file"], "src/node.cpp");
  EXPECT_EQ(step["cause"]["line"], 12);
  EXPECT_EQ(step["cause"]["function"], "Node::run()");
  EXPECT_EQ(step["effect"]["id"], sid(L2));
  EXPECT_EQ(step["type"], "E");
  EXPECT_EQ(step["tests"], nlohmann::json({"TA"}));
  EXPECT_EQ(step["junction"]["verdict"], "compatible");
  // Both new paths evaluate the next throw's guard on its non-fault side: each step is
  // inferred (reached), not observed (the next fault did not happen on its own).
  EXPECT_EQ(c["inferred_steps"], 2);
  EXPECT_EQ(step["next_fault_observed"], false);
  nlohmann::json edges = readEdges(db);
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_EQ(edges[0]["evidence"]["supports"][0]["injection_runs"].size(), 3u);
}

TEST(Pipeline, ImpossibleJunctionIsRejectedWithItsCore) {
  CampaignBuilder b;
  build(b, 0);
  AnalysisResult r = analyzeDatabase(b.store().database(), {});
  ASSERT_EQ(r.cycles.size(), 1u);
  EXPECT_EQ(r.cycles[0].verdict, "rejected");
  const auto &why = r.cycles[0].evidence["rejected_junctions"];
  ASSERT_EQ(why.size(), 1u);
  EXPECT_EQ(why[0]["loop"], sid(L2));
  ASSERT_EQ(why[0]["core"].size(), 1u);
  std::string core = why[0]["core"][0];
  EXPECT_NE(core.find("src/node.cpp:25 `pending_ > 0` in Node::flush()"), std::string::npos) << core;
  EXPECT_NE(core.find("test TA"), std::string::npos) << core;
  EXPECT_NE(core.find("took true"), std::string::npos) << core;
  EXPECT_NE(core.find("test TB"), std::string::npos) << core;
  EXPECT_NE(core.find("took false"), std::string::npos) << core;
  CampaignDb &db = b.store().database();
  EXPECT_TRUE(readCycles(db, false).empty());
  EXPECT_EQ(readCycles(db, true).size(), 1u);
  // With the check off, the same cycle is reported (unchecked).
  // For trying the CLI by hand: CSNAKE_ANALYZER_TEST_DB=FILE keeps a copy of this database.
  if (const char *keep = std::getenv("CSNAKE_ANALYZER_TEST_DB")) {
    db.checkpoint();
    std::filesystem::copy_file(b.path(), keep, std::filesystem::copy_options::overwrite_existing);
  }
  AnalysisOptions off;
  off.compat.enabled = false;
  AnalysisResult u = analyzeDatabase(db, off);
  ASSERT_EQ(u.cycles.size(), 1u);
  EXPECT_EQ(u.cycles[0].verdict, "unchecked");
  EXPECT_EQ(readCycles(db, false).size(), 1u);
}

// SIGINT/SIGTERM during an analysis (the caller's stop flag): it stops before writing, the
// database keeps its previous analysis, and progress was reported through the callback.
TEST(Pipeline, StopRequestKeepsThePreviousAnalysis) {
  CampaignBuilder b;
  build(b, 1);
  CampaignDb &db = b.store().database();
  analyzeDatabase(db, {});
  nlohmann::json before = readCycles(db, true);
  ASSERT_EQ(before.size(), 1u);
  std::atomic<bool> stop{true};
  AnalysisOptions o;
  o.stop = &stop;
  o.grammar = StitchGrammar::Broad;  // would change nothing here, but must not be written
  EXPECT_THROW(analyzeDatabase(db, o), AnalysisInterrupted);
  EXPECT_EQ(readCycles(db, true), before);
  // The monitor reports a phase that runs long, and throws once a stop is requested.
  std::vector<std::string> lines;
  std::atomic<bool> flag{false};
  AnalysisMonitor m(&flag, [&](const std::string &l) { lines.push_back(l); }, 0.0);
  m.step("phase", 1, 2);
  m.step("phase", 2, 2);
  EXPECT_EQ(lines, (std::vector<std::string>{"phase: 1/2", "phase: 2/2"}));
  flag = true;
  EXPECT_THROW(m.step("phase", 1, 2), AnalysisInterrupted);
}

// Like with like: T1's new path puts L2 in its state at call site 0xC5; T2's runs take B1
// the other way there, and the agreeing way only at another call site (0xC6), which says
// nothing about the state at 0xC5.
TEST(Pipeline, JunctionComparesTheSameCallSite) {
  {
    CampaignBuilder b;
    build(b, 0, 1, 1);
    AnalysisResult r = analyzeDatabase(b.store().database(), {});
    ASSERT_EQ(r.cycles.size(), 1u);
    EXPECT_EQ(r.cycles[0].verdict, "rejected") << "the agreeing iterations are at another call site";
  }
  CampaignBuilder b;
  build(b, 1, 1, 0);  // agreeing at the same call site, conflicting at the other
  AnalysisResult r = analyzeDatabase(b.store().database(), {});
  ASSERT_EQ(r.cycles.size(), 1u);
  EXPECT_EQ(r.cycles[0].verdict, "compatible");
}

TEST(Pipeline, DatabaseWithoutRunsOrAnalysis) {
  CampaignBuilder b;
  EXPECT_THROW(analyzeDatabase(b.store().database(), {}), std::runtime_error);
  EXPECT_THROW(requireAnalysis(b.store().database()), std::runtime_error);
  build(b, 1);
  try {
    requireAnalysis(b.store().database());
    FAIL();
  } catch (const std::runtime_error &e) {
    EXPECT_NE(std::string(e.what()).find("not analysed yet"), std::string::npos);
  }
}

TEST(Pipeline, RunWideConfigurationConflictRejectsTheStitch) {
  {
    CampaignBuilder b;
    buildConfigConflict(b, 1, 1);
    AnalysisResult r = analyzeDatabase(b.store().database(), {});
    ASSERT_EQ(r.cycles.size(), 1u);
    EXPECT_EQ(r.cycles[0].verdict, "compatible") << "both tests run with the same configuration";
  }
  CampaignBuilder b;
  buildConfigConflict(b, 1, 0);
  AnalysisResult r = analyzeDatabase(b.store().database(), {});
  ASSERT_EQ(r.cycles.size(), 1u);
  EXPECT_EQ(r.cycles[0].verdict, "rejected");
  const auto &why = r.cycles[0].evidence["rejected_junctions"];
  ASSERT_GE(why.size(), 1u);
  std::string core = why[0]["core"].dump();
  EXPECT_NE(core.find("src/node.cpp:27 `this.field.field`"), std::string::npos) << core;
}

// Between allocation rounds a campaign analyses effects only: same effects and edges as a
// full analysis, no cycles; a later full analysis stitches them.
TEST(Pipeline, FcaOnlyWritesEffectsAndEdgesWithoutCycles) {
  CampaignBuilder b;
  build(b, 1);
  AnalysisOptions fcaOnly;
  fcaOnly.stitch = false;
  AnalysisResult r = analyzeDatabase(b.store().database(), fcaOnly);
  CampaignDb &db = b.store().database();
  EXPECT_EQ(r.edges.size(), 2u);
  EXPECT_TRUE(r.cycles.empty());
  EXPECT_EQ(count(db, Table::Effects), 2);
  EXPECT_EQ(count(db, Table::Edges), 2);
  EXPECT_EQ(count(db, Table::Cycles), 0);
  analyzeDatabase(db, {});
  EXPECT_EQ(count(db, Table::Cycles), 1);
}

std::multiset<std::string> effectsOf(CampaignDb &db) {
  std::multiset<std::string> out;
  for (const EffectTokenRow &e : effectTokens(db))
    out.insert(std::to_string(e.experimentId) + " " + e.type + " " + e.site);
  return out;
}

// Between allocation rounds only experiments with new finished runs (of their own or of
// their test's profile) are analysed again, from a partial load; the effects equal a full
// analysis's, and other FCA options redo everything.
TEST(Pipeline, AnalysisBetweenRoundsRedoesOnlyExperimentsWithNewRuns) {
  CampaignBuilder b;
  build(b, 1);  // profiles TA, TB; T1 injected in TA, T2 in TB
  CampaignDb &db = b.store().database();
  IncrementalFcaResult first = analyzeNewRuns(db, {});
  EXPECT_EQ(first.reanalysed, 2u);
  EXPECT_EQ(first.unchanged, 0u);
  EXPECT_EQ(count(db, Table::Effects), 2);
  std::multiset<std::string> incremental = effectsOf(db);

  IncrementalFcaResult again = analyzeNewRuns(db, {});
  EXPECT_EQ(again.reanalysed, 0u) << "no run finished since";
  EXPECT_EQ(again.unchanged, 2u);
  EXPECT_EQ(effectsOf(db), incremental);

  // A new experiment in TB: only it is analysed (its test's profile is loaded with it).
  Trace x3;
  x3.loop(L1, 10).loop(L2, 10).path(L1, 0xA, {{B2, 0}}).path(L2, 0xB, {{B1, 0}}).path(L2, 0x77, {{B1, 1}});
  int64_t added = b.inject("TB", T1, L2, {x3, x3, x3});
  IncrementalFcaResult third = analyzeNewRuns(db, {});
  EXPECT_EQ(third.reanalysed, 1u);
  EXPECT_EQ(third.unchanged, 2u);
  std::set<int64_t> only{added};
  CampaignData partial = loadCampaign(db, &only);
  ASSERT_EQ(partial.experiments.size(), 2u) << "the experiment and TB's profile";
  for (const ExperimentData &e : partial.experiments) {
    EXPECT_EQ(e.runs.size(), 3u);
    for (const RunData &r : e.runs) EXPECT_FALSE(r.loops.empty()) << "per-run rows of a partial load";
  }
  std::multiset<std::string> afterRound = effectsOf(db);
  analyzeDatabase(db, {});
  EXPECT_EQ(effectsOf(db), afterRound) << "a full analysis finds the same effects";
  EXPECT_EQ(analyzeNewRuns(db, {}).reanalysed, 0u) << "the full analysis records its inputs too";
  EXPECT_EQ(count(db, Table::Cycles), 1);

  // Other FCA options redo every experiment; the between-rounds write drops the edges and
  // cycles built from the old effects.
  AnalysisOptions other;
  other.fca.pValue = 0.05;
  EXPECT_EQ(analyzeNewRuns(db, other).reanalysed, 3u) << "other FCA options";
  EXPECT_EQ(count(db, Table::Cycles), 0);
  EXPECT_EQ(count(db, Table::Edges), 0);
}

// A step whose effect shows the next fault happening on its own is observed; cycles with
// fewer inferred steps rank first.
TEST(Pipeline, StepWhoseNextFaultHappensOnItsOwnIsObserved) {
  CampaignBuilder b;
  // T1's new path in L2 takes T2's guard on its fault side (false: T2 has no
  // FAULT_ON_TRUE flag) in every repeat: T2 happened on its own.
  build(b, 1, 0);
  AnalysisResult r = analyzeDatabase(b.store().database(), {});
  ASSERT_EQ(r.cycles.size(), 1u);
  EXPECT_EQ(r.cycles[0].inferred, 1);  // T1 -> L2 observed, T2 -> L1 inferred
  nlohmann::json cycles = readCycles(b.store().database(), false);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0]["inferred_steps"], 1);
  EXPECT_EQ(cycles[0]["steps"][0]["next_fault_observed"], true);
}
