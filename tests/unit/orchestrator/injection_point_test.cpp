// The injection point (--inject-at): skip = half of the fewest reaches over the test's
// profile runs, on hand-built profile rows.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "campaign/injection_point.h"
#include "campaign/injection_point_rounds.h"
#include "csnake/trace_summary.h"

using namespace csnake;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kGuard = 0x11, kLoop = 0xa0, kOtherLoop = 0xb0;

struct InjectionPointTest : ::testing::Test {
  std::string dir;
  std::unique_ptr<CampaignStore> store;
  int64_t test = 0, otherTest = 0;

  void SetUp() override {
    char t[] = "/tmp/csnake-inject-XXXXXX";
    dir = mkdtemp(t);
    store = std::make_unique<CampaignStore>(dir + "/c.db", OpenMode::Create);
    auto tests = store->upsertTests(
        {{"T.a", "/bin/true", "gtest", {"/bin/true"}, "", {}, {}}, {"T.b", "/bin/true", "gtest", {"/bin/true"}, "", {}, {}}},
        {});
    test = tests[0].id;
    otherTest = tests[1].id;
  }
  void TearDown() override {
    store.reset();
    fs::remove_all(dir);
  }

  // One profile experiment per test with one run per summary, all finished in `state`.
  void profile(int64_t testId, const std::vector<TraceSummary> &runs, RunState state = RunState::Done) {
    ExperimentPlan p;
    p.kind = ExperimentKind::Profile;
    p.testId = testId;
    auto [id, fresh] = store->ensureExperiment(p, static_cast<int>(runs.size()));
    ASSERT_TRUE(fresh);
    size_t i = 0;
    for (const PlannedRun &r : store->plannedRuns(ExperimentKind::Profile)) {
      if (r.experimentId != id) continue;
      RunOutcome st;
      st.exitCode = 0;
      st.description = "exit 0";
      store->finishRun(r.runId, state, st, "", "", &runs.at(i++));
    }
  }

  ExperimentPlan guardPlan(uint64_t context = 0) {
    ExperimentPlan p;
    p.testId = test;
    p.fault = kGuard;
    p.context = context;
    p.mode = "once";
    return p;
  }
  ExperimentPlan loopPlan() {
    ExperimentPlan p;
    p.testId = test;
    p.fault = p.context = kLoop;
    p.mode = "always";
    p.delayMs = 100;
    return p;
  }
};

TraceSummary reaches(uint64_t n, uint64_t context = kLoop, const std::string &node = "", uint64_t callsig = 0) {
  TraceSummary s;
  s.events[{kGuard, context, callsig, node}] = {n, 0, 0};
  return s;
}

}  // namespace

TEST(InjectAt, Names) {
  InjectAt a = InjectAt::First;
  EXPECT_TRUE(parseInjectAt("middle", a));
  EXPECT_EQ(a, InjectAt::Middle);
  EXPECT_TRUE(parseInjectAt("first", a));
  EXPECT_EQ(a, InjectAt::First);
  EXPECT_FALSE(parseInjectAt("last", a));
  EXPECT_STREQ(injectAtName(InjectAt::Middle), "middle");
}

TEST_F(InjectionPointTest, MiddleOfTenReachesSkipsFive) {
  profile(test, {reaches(10)});
  InjectionPoint ip = injectionPoint(store->database(), guardPlan(kLoop), InjectAt::Middle);
  EXPECT_EQ(ip.skip, 5);
  EXPECT_EQ(ip.minReaches, 10);
  EXPECT_EQ(ip.profileRuns, 1);
  ExperimentPlan p = guardPlan(kLoop);
  p.reason = "phase 1";
  applyInjectionPoint(store->database(), p, InjectAt::Middle);
  EXPECT_EQ(p.skip, 5);
  EXPECT_EQ(p.reason, "phase 1; inject after skipping 5 (middle of min 10 reaches over 1 profile runs)");
}

TEST_F(InjectionPointTest, FirstSkipsNothing) {
  profile(test, {reaches(10)});
  ExperimentPlan p = guardPlan(kLoop);
  p.reason = "why";
  applyInjectionPoint(store->database(), p, InjectAt::First);
  EXPECT_EQ(p.skip, 0);
  EXPECT_EQ(p.reason, "why");
}

TEST_F(InjectionPointTest, MinimumOverRepeatsOfTheMaximumOverNodes) {
  // Run 1: nodes dn1 (3 + 4 over two call sites = 7) and dn2 (9): 9. Run 2: 13. Run 3: 21.
  TraceSummary r1 = reaches(3, kLoop, "dn1", 1);
  r1.events[{kGuard, kLoop, 2, "dn1"}] = {4, 0, 0};
  r1.events[{kGuard, kLoop, 1, "dn2"}] = {9, 0, 0};
  profile(test, {r1, reaches(13), reaches(21)});
  InjectionPoint ip = injectionPoint(store->database(), guardPlan(kLoop), InjectAt::Middle);
  EXPECT_EQ(ip.minReaches, 9);
  EXPECT_EQ(ip.skip, 4);
  EXPECT_EQ(ip.profileRuns, 3);
}

TEST_F(InjectionPointTest, ContextFiltersAndZeroContextCountsEveryContext) {
  TraceSummary s = reaches(6, kLoop);
  s.events[{kGuard, kOtherLoop, 0, ""}] = {10, 0, 0};
  profile(test, {s});
  EXPECT_EQ(injectionPoint(store->database(), guardPlan(kLoop), InjectAt::Middle).skip, 3);
  EXPECT_EQ(injectionPoint(store->database(), guardPlan(kOtherLoop), InjectAt::Middle).skip, 5);
  EXPECT_EQ(injectionPoint(store->database(), guardPlan(0), InjectAt::Middle).skip, 8);
}

TEST_F(InjectionPointTest, ARunWithoutTheFaultMakesTheMinimumZero) {
  TraceSummary none;
  none.events[{0x99, 0, 0, ""}] = {1, 0, 0};
  profile(test, {reaches(10), none});
  InjectionPoint ip = injectionPoint(store->database(), guardPlan(kLoop), InjectAt::Middle);
  EXPECT_EQ(ip.skip, 0);
  EXPECT_EQ(ip.profileRuns, 2);
}

TEST_F(InjectionPointTest, NoProfileDataSkipsNothing) {
  // Profiles of another test, and unusable (timed out) runs of this one, do not count.
  profile(otherTest, {reaches(10)});
  profile(test, {reaches(10)}, RunState::TimedOut);
  ExperimentPlan p = guardPlan(kLoop);
  applyInjectionPoint(store->database(), p, InjectAt::Middle);
  EXPECT_EQ(p.skip, 0);
  EXPECT_EQ(p.reason, "inject at the first opportunity (no profile data)");
  // Profile plans are never touched.
  ExperimentPlan prof;
  prof.kind = ExperimentKind::Profile;
  prof.testId = test;
  applyInjectionPoint(store->database(), prof, InjectAt::Middle);
  EXPECT_EQ(prof.skip, 0);
  EXPECT_EQ(prof.reason, "");
}

TEST_F(InjectionPointTest, DelayFaultsCountLoopInvocationsButKeepTheFirst) {
  // Invocations summed over call sites: run 1 has 4 + 6 = 10, run 2 has 12 (iterations
  // and guard reaches do not matter).
  TraceSummary r1 = reaches(100);
  r1.loops[{kLoop, 1}] = LoopSummary{0, 4, 400, {{100, 4}}};
  r1.loops[{kLoop, 2}] = LoopSummary{0, 6, 60, {{10, 6}}};
  r1.loops[{kOtherLoop, 1}] = LoopSummary{0, 50, 50, {{1, 50}}};
  TraceSummary r2;
  r2.loops[{kLoop, 1}] = LoopSummary{0, 12, 12, {{1, 12}}};
  profile(test, {r1, r2});
  InjectionPoint ip = injectionPoint(store->database(), loopPlan(), InjectAt::Middle);
  EXPECT_EQ(ip.minReaches, 10);
  EXPECT_EQ(ip.skip, 0);  // a delay keeps its first invocation (injection_point.h)
  ExperimentPlan p = loopPlan();
  applyInjectionPoint(store->database(), p, InjectAt::Middle);
  EXPECT_EQ(p.skip, 0);
  EXPECT_EQ(p.reason, "delay from the first invocation (threads enter long-lived loops at start-up)");
  EXPECT_EQ(injectionPoint(store->database(), loopPlan(), InjectAt::First).skip, 0);
}

TEST(InjectionPointFraction, HalvesTheLargestGapsInOrder) {
  std::vector<double> middle, first;
  for (int k = 0; k < 8; ++k) middle.push_back(injectionPointFraction(InjectAt::Middle, k));
  for (int k = 0; k < 4; ++k) first.push_back(injectionPointFraction(InjectAt::First, k));
  EXPECT_EQ(middle, (std::vector<double>{0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875, 0.0625}));
  EXPECT_EQ(first, (std::vector<double>{0.0, 0.5, 0.25, 0.75}));
}

// Further injection points (campaign/injection_point_rounds.h): one new point per tried
// (test, error fault) and round, delay faults never, only the selected tests and faults.
TEST_F(InjectionPointTest, RoundsAddTheNextUntriedPointOfEachErrorFault) {
  profile(test, {reaches(40), reaches(42)});
  profile(otherTest, {reaches(10)});
  auto store1 = [&](ExperimentPlan p) {
    applyInjectionPoint(store->database(), p, InjectAt::Middle);
    p.allocator = "coverage";
    ASSERT_TRUE(store->ensureExperiment(p, 3).second);
  };
  store1(guardPlan(kLoop));  // skip 20
  store1(loopPlan());        // a delay: one point only
  ExperimentPlan other = guardPlan(kLoop);
  other.testId = otherTest;
  store1(other);  // skip 5

  std::set<int64_t> both{test, otherTest};
  std::vector<ExperimentPlan> r1 = nextInjectionPointRound(store->database(), both, {}, InjectAt::Middle, 8);
  ASSERT_EQ(r1.size(), 2u);
  EXPECT_EQ(r1[0].testId, test);
  EXPECT_EQ(r1[0].skip, 10);  // 1/4 of 40
  EXPECT_EQ(r1[0].fault, kGuard);
  EXPECT_EQ(r1[0].context, kLoop);
  EXPECT_EQ(r1[0].mode, "once");
  EXPECT_EQ(r1[0].phase, "points");
  EXPECT_EQ(r1[0].allocator, "coverage");
  EXPECT_EQ(r1[0].reason,
            "injection point 2 of at most 8 (the policy had nothing new): skip 10 = 1/4 of min 40 reaches over 2 "
            "profile runs");
  EXPECT_EQ(r1[1].testId, otherTest);
  EXPECT_EQ(r1[1].skip, 2);  // floor(10 / 4)
  for (const ExperimentPlan &p : r1) ASSERT_TRUE(store->ensureExperiment(p, 3).second);

  std::vector<ExperimentPlan> r2 = nextInjectionPointRound(store->database(), both, {}, InjectAt::Middle, 8);
  ASSERT_EQ(r2.size(), 2u);
  EXPECT_EQ(r2[0].skip, 30);  // 3/4 of 40
  EXPECT_EQ(r2[1].skip, 7);

  // Only the selected tests; only the selected fault sites.
  EXPECT_EQ(nextInjectionPointRound(store->database(), {otherTest}, {}, InjectAt::Middle, 8).size(), 1u);
  EXPECT_TRUE(nextInjectionPointRound(store->database(), both, {0x77}, InjectAt::Middle, 8).empty());
  // A cap of 3 points is reached after two rounds; 1 never adds a point.
  for (const ExperimentPlan &p : r2) ASSERT_TRUE(store->ensureExperiment(p, 3).second);
  EXPECT_TRUE(nextInjectionPointRound(store->database(), both, {}, InjectAt::Middle, 3).empty());
  EXPECT_TRUE(nextInjectionPointRound(store->database(), both, {}, InjectAt::Middle, 1).empty());
}

TEST_F(InjectionPointTest, RoundsEndWhenEveryDistinctSkipWasTried) {
  profile(test, {reaches(3)});
  ExperimentPlan p = guardPlan(kLoop);
  applyInjectionPoint(store->database(), p, InjectAt::Middle);  // skip 1
  ASSERT_TRUE(store->ensureExperiment(p, 1).second);
  std::set<int64_t> skips{p.skip};
  for (int round = 0; round < 10; ++round) {
    std::vector<ExperimentPlan> r = nextInjectionPointRound(store->database(), {test}, {}, InjectAt::Middle, 64);
    if (r.empty()) break;
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(skips.insert(r[0].skip).second) << "skip " << r[0].skip << " planned twice";
    ASSERT_TRUE(store->ensureExperiment(r[0], 1).second);
  }
  EXPECT_EQ(skips, (std::set<int64_t>{0, 1, 2}));  // 3 reaches: 3 distinct points
}
