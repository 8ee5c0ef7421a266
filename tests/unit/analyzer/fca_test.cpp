// Fault causality analysis on hand-built campaigns: each rule and its edge cases.
#include <gtest/gtest.h>

#include "campaign_builder.h"
#include "csnake/abi.h"
#include "fca/causal_edge.h"
#include "fca/effect_detector.h"

using namespace csnake;
using namespace csnake::analyzer;
using csnake::testing::CampaignBuilder;
using csnake::testing::RunSpec;
using csnake::testing::sid;
using csnake::testing::Trace;

namespace {

constexpr uint64_t L1 = 0x1001, L2 = 0x1002, L3 = 0x1003, CHILD = 0x1004, T1 = 0x2001, T2 = 0x2002, B1 = 0x3001,
                   B2 = 0x3002;

std::vector<Effect> detectAll(CampaignBuilder &b, std::vector<ExperimentVerdict> &verdicts, FcaOptions o = {}) {
  static CampaignData data;  // effects keep no pointers into it, but keep it alive anyway
  data = b.load();
  return EffectDetector(data, o).detectAll(verdicts);
}

std::vector<const Effect *> ofRule(const std::vector<Effect> &fx, const std::string &rule) {
  std::vector<const Effect *> out;
  for (const Effect &e : fx)
    if (e.rule == rule) out.push_back(&e);
  return out;
}

Trace base() { return std::move(Trace(false).loop(L1, 10).path(L1, 0xA, {{B1, 0}})); }
Trace injected() {
  Trace t;
  t.loop(L1, 10).path(L1, 0xA, {{B1, 0}}).event(T1, L1, 1, 1);
  return t;
}

}  // namespace

TEST(Fca, NewPathSignatureInEveryInjectionRepeat) {
  CampaignBuilder b;
  b.profile("T", {base(), base(), base()});
  Trace inj = injected();
  inj.path(L1, 0xB, {{B1, 1}, {B2, 0}}, 3);
  b.inject("T", T1, L1, {inj, inj, inj});
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  auto e = ofRule(fx, "new_path");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->type, EffectType::E);
  EXPECT_EQ(e[0]->site, sid(L1));
  EXPECT_EQ(e[0]->cause, sid(T1));
  EXPECT_EQ(e[0]->causeContext, sid(L1));
  ASSERT_EQ(e[0]->evidence["new_signatures"].size(), 1u);
  EXPECT_EQ(e[0]->evidence["new_signatures"][0]["signature"], sid(0xB));
  EXPECT_EQ(e[0]->evidence["new_signatures"][0]["count"], 9);
  EXPECT_EQ(e[0]->evidence["injection_runs"].size(), 3u);
  EXPECT_EQ(e[0]->evidence["profile_runs"].size(), 3u);
  // The injected fault's own event is not an effect.
  EXPECT_TRUE(ofRule(fx, "new_event").empty());
}

TEST(Fca, PathMissingFromOneRepeatOrSeenInAProfileIsNoEffect) {
  CampaignBuilder b;
  Trace p3 = base();
  p3.path(L1, 0xC, {{B1, 1}});
  b.profile("T", {base(), base(), p3});
  Trace withB = injected(), withC = injected();
  withB.path(L1, 0xB, {{B1, 1}});
  withC.path(L1, 0xC, {{B1, 1}});
  withC.path(L1, 0xB, {{B1, 1}});
  b.inject("T", T1, L1, {withB, withC, injected()});  // B missing from repeat 3
  b.inject("T", T2, L1, {withC, withC, withC});       // C was seen in a profile; B only with C
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(v[0].analysed);
  EXPECT_TRUE(ofRule(fx, "new_path").size() == 1);  // experiment 2: B (present in all 3), not C
  EXPECT_EQ(ofRule(fx, "new_path")[0]->evidence["new_signatures"].size(), 1u);
  EXPECT_EQ(ofRule(fx, "new_path")[0]->evidence["new_signatures"][0]["signature"], sid(0xB));
}

TEST(Fca, OneRepeatFailedIsExcludedAndCounted) {
  CampaignBuilder b;
  b.profile("T", {base(), base(), base()});
  Trace inj = injected();
  inj.path(L1, 0xB, {{B1, 1}});
  b.inject("T", T1, L1, {inj, RunSpec(RunState::Failed, Trace()), inj});
  b.inject("T", T2, L1, {inj, RunSpec(RunState::Failed, Trace()), RunSpec(RunState::NotFired, Trace(false))});
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(v[0].analysed);
  EXPECT_EQ(v[0].usable, 2);
  EXPECT_EQ(v[0].failed, 1);
  ASSERT_EQ(fx.size(), 1u);
  EXPECT_EQ(fx[0].evidence["excluded"]["failed"], 1);
  // Only one usable repeat left: not analysed, and why.
  EXPECT_FALSE(v[1].analysed);
  EXPECT_EQ(v[1].notFired, 1);
  EXPECT_EQ(v[1].failed, 1);
  EXPECT_NE(v[1].skipReason.find("fewer than 2 usable injection repeats"), std::string::npos);
}

TEST(Fca, TimedOutRunsAreExcludedUnlessAsked) {
  CampaignBuilder b;
  b.profile("T", {base(), base(), base()});
  Trace inj = injected();
  inj.path(L1, 0xB, {{B1, 1}});
  b.inject("T", T1, L1, {inj, RunSpec(RunState::TimedOut, inj), RunSpec(RunState::TimedOut, inj)});
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  EXPECT_FALSE(v[0].analysed);
  EXPECT_EQ(v[0].timedOut, 2);
  FcaOptions o;
  o.useTimedOut = true;
  v.clear();
  fx = detectAll(b, v, o);
  EXPECT_TRUE(v[0].analysed);
  EXPECT_EQ(v[0].usable, 3);
  EXPECT_EQ(ofRule(fx, "new_path").size(), 1u);
}

TEST(Fca, NewFaultEventIntoItsContextLoop) {
  CampaignBuilder b;
  b.profile("T", {base(), base(), base()});
  Trace inj = injected();
  inj.event(T2, L2, 4);  // a new throw in loop L2
  inj.event(B2, 0, 1);   // outside any loop: no loop to stitch at
  Trace partial = injected();
  b.inject("T", T1, L1, {inj, inj, inj});
  b.inject("T", T1, L3, {inj, inj, partial});  // not in every repeat
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  auto e = ofRule(fx, "new_event");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->site, sid(L2));
  EXPECT_EQ(e[0]->evidence["event"]["site"], sid(T2));
  EXPECT_EQ(e[0]->evidence["event"]["occurred"], nlohmann::json({4, 4, 4}));
  EXPECT_EQ(e[0]->callsig, "");
}

TEST(Fca, MoreIterationsByWelch) {
  CampaignBuilder b;
  auto prof = [](uint64_t n) { return RunSpec(Trace(false).loop(L2, n)); };
  auto inj = [](uint64_t n) { return RunSpec(Trace().loop(L2, n).event(T1, L1, 1, 1)); };
  b.profile("T", {prof(10), prof(11), prof(10)});
  b.inject("T", T1, L1, {inj(20), inj(22), inj(21)});  // clearly more
  b.inject("T", T2, L1, {inj(10), inj(12), inj(9)});   // noise
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  auto s = ofRule(fx, "more_iterations");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]->type, EffectType::SPlus);
  EXPECT_EQ(s[0]->cause, sid(T1));
  EXPECT_LT(s[0]->evidence["p"].get<double>(), 0.01);
  EXPECT_NEAR(s[0]->evidence["means"][0].get<double>(), 21, 1e-9);
  EXPECT_NEAR(s[0]->evidence["means"][1].get<double>(), 31.0 / 3, 1e-9);
  // A stricter threshold removes it.
  FcaOptions strict;
  strict.pValue = 1e-6;
  v.clear();
  fx = detectAll(b, v, strict);
  EXPECT_TRUE(ofRule(fx, "more_iterations").empty());
}

TEST(Fca, TiesAreDecidedByTheMeans) {
  CampaignBuilder b;
  auto prof = [](uint64_t n) { return RunSpec(Trace(false).loop(L2, n)); };
  auto inj = [](uint64_t n) { return RunSpec(Trace().loop(L2, n).event(T1, L1, 1, 1)); };
  b.profile("T", {prof(5), prof(5), prof(5)});
  b.inject("T", T1, L1, {inj(5), inj(5), inj(5)});  // identical: nothing
  b.inject("T", T2, L1, {inj(6), inj(6), inj(6)});  // constant but higher: S+, p = 0
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  auto s = ofRule(fx, "more_iterations");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]->cause, sid(T2));
  EXPECT_EQ(s[0]->evidence["p"], 0.0);
  EXPECT_EQ(s[0]->evidence["ties"], true);
}

TEST(Fca, LoopAbsentFromProfiles) {
  CampaignBuilder b;
  b.profile("T", {base(), base(), base()});
  Trace inj = injected();
  inj.loop(L3, 7);
  Trace without = injected();
  b.inject("T", T1, L1, {inj, inj, inj});
  b.inject("T", T2, L1, {inj, inj, without});  // not in every repeat: no effect
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  auto s = ofRule(fx, "new_loop");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0]->site, sid(L3));
  EXPECT_EQ(s[0]->cause, sid(T1));
  EXPECT_EQ(s[0]->type, EffectType::SPlus);
}

TEST(Fca, EmptyTraces) {
  CampaignBuilder b;
  // Empty profiles: everything the injection runs did is new.
  b.profile("A", {Trace(false), Trace(false)});
  Trace inj = injected();
  b.inject("A", T1, L1, {inj, inj});
  // Empty injection runs against a busy profile: nothing is "more", nothing is new.
  b.profile("B", {base(), base()});
  b.inject("B", T2, L1, {Trace(), Trace()});
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_TRUE(v[0].analysed);
  EXPECT_TRUE(v[1].analysed);
  for (const Effect &e : fx) EXPECT_EQ(e.cause, sid(T1)) << e.rule;
  EXPECT_EQ(ofRule(fx, "new_loop").size(), 1u);
  EXPECT_EQ(ofRule(fx, "new_path").size(), 1u);
}

TEST(Fca, ParentDelayFromTheChildHistogram) {
  CampaignBuilder b;
  auto prof = [] { return RunSpec(Trace(false).loop(L1, 10).loop(CHILD, 10, L1, {{1, 10}})); };
  auto inj = [] { return RunSpec(Trace().loop(L1, 10).loop(CHILD, 25, L1, {{1, 5}, {4, 5}}).event(T1, L1, 1, 1)); };
  auto slight = [] { return RunSpec(Trace().loop(L1, 10).loop(CHILD, 10, L1, {{1, 99}, {2, 1}}).event(T2, L1, 1, 1)); };
  b.profile("T", {prof(), prof(), prof()});
  b.inject("T", T1, L1, {inj(), inj(), inj()});
  b.inject("T", T2, L1, {slight(), slight(), slight()});  // TVD 0.01 < 0.05
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  auto p = ofRule(fx, "parent_delay");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]->cause, sid(T1));
  EXPECT_EQ(p[0]->site, sid(CHILD));
  EXPECT_EQ(p[0]->evidence["parent"], sid(L1));
  EXPECT_NEAR(p[0]->evidence["tvd"].get<double>(), 0.5, 1e-12);
  FcaOptions loose;
  loose.tvd = 0.005;
  v.clear();
  fx = detectAll(b, v, loose);
  EXPECT_EQ(ofRule(fx, "parent_delay").size(), 2u);
}

TEST(Fca, NoProfileMeansNotAnalysed) {
  CampaignBuilder b;
  Trace inj = injected();
  b.inject("T", T1, L1, {inj, inj, inj});
  std::vector<ExperimentVerdict> v;
  EXPECT_TRUE(detectAll(b, v).empty());
  EXPECT_FALSE(v[0].analysed);
  EXPECT_EQ(v[0].skipReason, "no profile experiment for the test");
}

TEST(Fca, ContextResolvedFromInjectedEvents) {
  CampaignBuilder b;
  b.profile("T", {base(), base()});
  Trace inj = injected();  // T1 injected in L1
  inj.loop(L3, 4);
  b.inject("T", T1, 0, {inj, inj});
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  ASSERT_FALSE(fx.empty());
  EXPECT_EQ(fx[0].causeContext, sid(L1));
}

TEST(Fca, EdgesFoldEffectsOfSeveralTests) {
  CampaignBuilder b;
  b.profile("A", {base(), base()});
  b.profile("B", {base(), base()});
  Trace inj = injected();
  inj.loop(L3, 4);
  b.inject("A", T1, L1, {inj, inj});
  b.inject("B", T1, L1, {inj, inj});
  CampaignData data = b.load();
  std::vector<ExperimentVerdict> v;
  auto fx = EffectDetector(data, {}).detectAll(v);
  auto edges = buildEdges(fx);
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_EQ(edges[0].tests.size(), 2u);
  EXPECT_EQ(edges[0].effects.size(), 2u);
  nlohmann::json ev = edges[0].evidence(fx, data);
  EXPECT_EQ(ev["tests"], nlohmann::json({"A", "B"}));
  EXPECT_EQ(ev["supports"].size(), 2u);
}

// What an E effect's new behaviour touches, for the continuation rule of the grammar:
// every site decided in a new path is reached; a guard decided on its fault side, an
// event decision and a new fault event are failures that happened on their own.
TEST(Fca, EffectsRecordTheSitesTheyReachAndTheFailuresTheyShow) {
  CampaignBuilder b;
  constexpr uint64_t G_TRUE = 0x2101, G_FALSE = 0x2102, IO = 0x2103;
  b.site(G_TRUE, SiteKind::Throw, "a.cpp", 1, "f", "", 0, CSNAKE_FLAG_FAULT_ON_TRUE);
  b.site(G_FALSE, SiteKind::ErrorReturn, "a.cpp", 2, "f");
  b.site(IO, SiteKind::Libcall, "a.cpp", 3, "f");
  b.profile("T", {base(), base(), base()});
  Trace inj = injected();
  // G_TRUE on its fault side (true), G_FALSE not on its fault side (true; faults on false),
  // IO failed (event), B2 a plain branch.
  inj.path(L1, 0xB, {{G_TRUE, 1}, {G_FALSE, 1}, {IO, 2}, {B2, 0}}, 3);
  inj.event(T2, L2, 4);
  b.inject("T", T1, L1, {inj, inj, inj});
  std::vector<ExperimentVerdict> v;
  auto fx = detectAll(b, v);
  auto p = ofRule(fx, "new_path");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]->reached, (std::set<SiteRef>{sid(G_TRUE), sid(G_FALSE), sid(IO), sid(B2)}));
  EXPECT_EQ(p[0]->failed, (std::set<SiteRef>{sid(G_TRUE), sid(IO)}));
  auto e = ofRule(fx, "new_event");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0]->failed, (std::set<SiteRef>{sid(T2)}));
  // Edges carry the union of their supports.
  auto edges = buildEdges(fx);
  bool sawL1 = false;
  for (const CausalEdge &edge : edges)
    if (edge.type == EffectType::E && edge.effect == sid(L1)) {
      sawL1 = true;
      EXPECT_EQ(edge.failed, p[0]->failed);
    }
  EXPECT_TRUE(sawL1);
}
