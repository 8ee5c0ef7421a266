// Allocation policies on a hand-built campaign database: greedy cover order, TF-IDF
// clustering, 3PA phases and their determinism, the baselines.
#include <csnake/abi.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "allocation/allocator.h"
#include "allocation/experiment_history.h"
#include "allocation/fault_candidates.h"
#include "allocation/fault_clustering.h"
#include "csnake/campaigndb/analysis_rows.h"
#include "csnake/trace_summary.h"

using namespace csnake;
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kLoopA = 0xa0, kLoopB = 0xb0, kGuard1 = 0x11, kGuard2 = 0x12, kCall = 0x13;

FaultSite site(uint64_t id, SiteKind kind, uint32_t flags = 0, const char *detail = "") {
  FaultSite s;
  s.id = id;
  s.kind = kind;
  s.flags = flags;
  s.loopSize = 100;
  s.detail = detail;
  s.file = "f.cpp";
  return s;
}

// Four tests; test t reaches the guards in loop A, with test-specific loop signatures so
// greedy cover has something to choose by.
struct Fixture : ::testing::Test {
  std::string dir, path;
  std::unique_ptr<CampaignStore> store;
  SiteCatalog catalog =
      SiteCatalog::fromSites({site(kLoopA, SiteKind::Loop), site(kLoopB, SiteKind::Loop),
                              site(kGuard1, SiteKind::Throw, CSNAKE_FLAG_FAULT_ON_TRUE),
                              site(kGuard2, SiteKind::ErrorReturn), site(kCall, SiteKind::Libcall, 0, "connect")});
  std::vector<StoredTest> tests;

  void SetUp() override {
    char t[] = "/tmp/csnake-alloc-XXXXXX";
    dir = mkdtemp(t);
    path = dir + "/c.db";
    store = std::make_unique<CampaignStore>(path, OpenMode::Create);
    std::vector<TestCase> tcs;
    for (int i = 0; i < 4; ++i) tcs.push_back({"T." + std::to_string(i), "/bin/true", "gtest", {"/bin/true"}, "", {}, {}});
    tests = store->upsertTests(tcs, {});
    // Signatures of loop A per test: test 0 {1,2}, test 1 {1,2,3,4,5}, test 2 {6}, test 3 {1}.
    std::vector<std::vector<uint64_t>> sigs = {{1, 2}, {1, 2, 3, 4, 5}, {6}, {1}};
    for (size_t i = 0; i < tests.size(); ++i) {
      ExperimentPlan p;
      p.kind = ExperimentKind::Profile;
      p.testId = tests[i].id;
      store->ensureExperiment(p, 1);
      int64_t run = store->plannedRuns(ExperimentKind::Profile).back().runId;
      TraceSummary s;
      s.events[{kGuard1, kLoopA, 0, ""}] = {i == 3 ? 2u : 5u, 0, 0};
      if (i % 2 == 0) s.events[{kGuard2, kLoopA, 0, ""}] = {2, 0, 0};
      if (i == 3) s.events[{kCall, 0, 0, ""}] = {1, 0, 0};
      s.loops[{kLoopA, 0}] = LoopSummary{0, 1, 10, {{10, 1}}};
      s.loops[{kLoopB, 0}] = LoopSummary{0, 1, 10, {{10, 1}}};
      for (uint64_t sig : sigs[i]) s.paths[{kLoopA, 0, sig}] = PathSummary{1, {}};
      RunOutcome st;
      st.exitCode = 0;
      st.description = "exit 0";
      store->finishRun(run, RunState::Done, st, "", "", &s);
    }
  }
  void TearDown() override { fs::remove_all(dir); }

  std::vector<ExperimentPlan> batch(Allocator &a, ProfileIndex &idx, AllocationOptions o) {
    AllocationContext ctx{*store, catalog, idx, o};
    return a.nextBatch(ctx, 1000);
  }

  // Runs 3PA's earlier phases (plans stored, nothing analysed) and returns its first
  // phase-3 batch (or the last batch, if phase 3 never came within four rounds).
  std::vector<ExperimentPlan> firstDiversityBatch(Allocator &a, ProfileIndex &idx, AllocationOptions o) {
    std::vector<ExperimentPlan> p;
    for (int round = 0; round < 4; ++round) {
      p = batch(a, idx, o);
      if (p.empty() || p.front().phase == "diversity") break;
      for (const ExperimentPlan &x : p) store->ensureExperiment(x, 1);
    }
    return p;
  }
};

}  // namespace

TEST_F(Fixture, CandidatesRankTestsByGreedyCoverOfTheContextLoop) {
  ProfileIndex idx = ProfileIndex::load(*store);
  AllocationOptions o;
  AllocationContext ctx{*store, catalog, idx, o};
  std::vector<FaultCandidate> c = faultCandidates(ctx);
  auto find = [&](uint64_t s) {
    for (const FaultCandidate &x : c)
      if (x.fault.first == s) return x;
    return FaultCandidate{};
  };
  // Test 1 covers 5 signatures, then test 2 adds {6}, then 0 and 3 add nothing: the one
  // that reaches the guard fewer times (test 3: 2 against 5) comes first.
  EXPECT_EQ(find(kGuard1).tests, (std::vector<int64_t>{tests[1].id, tests[2].id, tests[3].id, tests[0].id}));
  EXPECT_EQ(find(kGuard2).tests, (std::vector<int64_t>{tests[0].id, tests[2].id})) << "two signatures beat one";
  EXPECT_TRUE(find(kLoopA).delay);
  ExperimentPlan p = planFor(ctx, find(kCall), tests[3].id, 0, "x", "y", "z", 1);
  EXPECT_EQ(p.errnoName, "ECONNREFUSED");
  EXPECT_EQ(p.mode, "once");
}

TEST_F(Fixture, ExactTiesOfTheCoverAreOrderedByTheSeedNotTheTestId) {
  // Loop A's delay fault: tests 0 and 3 add no signature and run the loop equally often.
  ProfileIndex idx = ProfileIndex::load(*store);
  std::set<std::vector<int64_t>> orders;
  for (uint64_t seed = 1; seed <= 16; ++seed) {
    AllocationOptions o;
    o.seed = seed;
    AllocationContext ctx{*store, catalog, idx, o};
    std::vector<int64_t> first, again;
    for (const FaultCandidate &c : faultCandidates(ctx))
      if (c.fault.first == kLoopA) first = c.tests;
    for (const FaultCandidate &c : faultCandidates(ctx))
      if (c.fault.first == kLoopA) again = c.tests;
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first, again) << "deterministic under a seed";
    EXPECT_EQ(first[0], tests[1].id);
    EXPECT_EQ(first[1], tests[2].id);
    orders.insert(first);
  }
  EXPECT_EQ(orders.size(), 2u) << "both orders of the tied tests occur over 16 seeds";
}

TEST(FaultClustering, LookAlikesClusterAndSilentFaultsGroup) {
  std::vector<std::set<std::string>> docs = {{"a:E", "b:S+"}, {"a:E", "b:S+"}, {"a:E", "b:S+", "c:E"}, {"z:E"}, {}, {}};
  std::vector<std::vector<size_t>> c = clusterByConsequences(docs, 0.5);
  EXPECT_EQ(c, (std::vector<std::vector<size_t>>{{0, 1, 2}, {3}, {4, 5}}));
  EXPECT_NEAR(cosineSimilarity(tfidf(docs)[0], tfidf(docs)[1]), 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(cosineSimilarity(tfidf(docs)[0], tfidf(docs)[3]), 0.0);
  EXPECT_DOUBLE_EQ(jaccard({"a", "b"}, {"b", "c"}), 1.0 / 3);
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 1.0);
}

TEST_F(Fixture, ThreePhaseStartsWithCoverageWithinItsShareAndIsDeterministic) {
  ProfileIndex idx = ProfileIndex::load(*store);
  AllocationOptions o;
  o.seed = 9;
  o.delaysMs = {10, 50};
  o.budgetExperiments = 20;
  auto a = makeThreePhaseAllocator();
  std::vector<ExperimentPlan> p1 = batch(*a, idx, o);
  ASSERT_FALSE(p1.empty());
  EXPECT_LE(p1.size(), 10u) << "phase 1 keeps to half the budget";
  for (const ExperimentPlan &p : p1) EXPECT_EQ(p.phase, "coverage");
  // Rank 1 (each fault's best test) comes before rank 2.
  EXPECT_EQ(p1.front().score, 1.0);
  std::vector<ExperimentPlan> again = batch(*makeThreePhaseAllocator(), idx, o);
  ASSERT_EQ(again.size(), p1.size());
  for (size_t i = 0; i < p1.size(); ++i) {
    EXPECT_EQ(again[i].fault, p1[i].fault);
    EXPECT_EQ(again[i].testId, p1[i].testId);
    EXPECT_EQ(again[i].delayMs, p1[i].delayMs);
  }
}

TEST_F(Fixture, ThreePhaseMovesToUniquenessThenDiversityOnceEarlierPhasesExist) {
  ProfileIndex idx = ProfileIndex::load(*store);
  AllocationOptions o;
  o.delaysMs = {10};
  o.budgetExperiments = 30;
  o.phase1Share = 0.2;  // 6 experiments
  auto a = makeThreePhaseAllocator();
  for (const ExperimentPlan &p : batch(*a, idx, o)) store->ensureExperiment(p, 1);
  // Phase 1 ran: guard 1 made loop B do more work (S+) on every test it ran on.
  AnalysisRows analysis;
  for (const ExperimentRecord &e : ExperimentHistory::load(*store).experiments)
    if (e.fault.first == kGuard1)
      analysis.effects.push_back({e.id, "S+", formatSiteId(kLoopB), "", nlohmann::json::object(), "", 0});
  replaceAnalysis(store->database(), analysis);
  std::vector<ExperimentPlan> p2 = batch(*a, idx, o);
  ASSERT_FALSE(p2.empty());
  bool delayOnB = false;
  for (const ExperimentPlan &p : p2) {
    EXPECT_EQ(p.phase, "uniqueness");
    delayOnB |= p.fault == kLoopB && p.delayMs == 10;
    EXPECT_NE(p.fault, kLoopA) << "no contention was seen on loop A: no phase-2 delay there";
  }
  EXPECT_TRUE(delayOnB) << "loop B showed S+: it gets delay faults in phase 2";
  for (const ExperimentPlan &p : p2) store->ensureExperiment(p, 1);
  std::vector<ExperimentPlan> p3 = batch(*a, idx, o);
  for (const ExperimentPlan &p : p3) {
    EXPECT_EQ(p.phase, "diversity");
    EXPECT_GT(p.score, 0.0);
  }
  for (const ExperimentPlan &p : p3) store->ensureExperiment(p, 1);
  EXPECT_LE(ExperimentHistory::load(*store).experiments.size(), 30u);
}

TEST_F(Fixture, ThreePhaseDiversityDrawsDelayFaultsAndTheNextRankedUnusedTest) {
  AllocationOptions o;
  o.delaysMs = {10, 50};
  o.topK = 1;
  o.phase1Share = 0.1;
  o.phase2Share = 0.1;
  o.budgetExperiments = 100;  // more than every pair: phase 3 gets what is left
  std::set<Fault> delayFaultsInPhase3;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    TearDown();  // a fresh campaign per seed
    SetUp();
    ProfileIndex idx = ProfileIndex::load(*store);
    o.seed = seed;
    auto a = makeThreePhaseAllocator();
    std::vector<ExperimentPlan> p = firstDiversityBatch(*a, idx, o);
    ASSERT_FALSE(p.empty());
    // Guard 1's ranking is tests 1, 2, 3, 0: its phase-3 tests follow it from the first
    // one phases 1 and 2 left unused.
    std::vector<int64_t> rank = {tests[1].id, tests[2].id, tests[3].id, tests[0].id};
    ExperimentHistory h = ExperimentHistory::load(*store);
    std::vector<int64_t> expected;
    for (int64_t t : rank)
      if (!h.testsUsed[{kGuard1, kLoopA}].count(t)) expected.push_back(t);
    std::vector<int64_t> guard1Tests;
    std::set<std::pair<uint64_t, int64_t>> pairs;
    for (const ExperimentPlan &x : p) {
      EXPECT_EQ(x.phase, "diversity");
      EXPECT_TRUE(pairs.insert({x.fault, x.testId}).second) << "each (fault, test) once";
      if (x.fault == kLoopA || x.fault == kLoopB) {
        delayFaultsInPhase3.insert({x.fault, x.context});
        EXPECT_EQ(x.delayMs, 10) << "no delay had consequences: the shortest configured one";
      }
      if (x.fault == kGuard1) guard1Tests.push_back(x.testId);
    }
    ASSERT_LE(guard1Tests.size(), expected.size());
    expected.resize(guard1Tests.size());
    EXPECT_EQ(guard1Tests, expected) << "seed " << seed;
  }
  EXPECT_EQ(delayFaultsInPhase3.size(), 2u) << "both loops' delay faults get diversity draws";
}

TEST_F(Fixture, ThreePhaseDiversityPlansInRoundsOfHalfTheRemainingBudget) {
  AllocationOptions o;
  o.delaysMs = {10};
  o.topK = 1;
  o.phase1Share = 0.1;
  o.phase2Share = 0.1;
  o.budgetExperiments = 12;  // fewer than the 15 pairs: the rounds, not the pairs, end it
  ProfileIndex idx = ProfileIndex::load(*store);
  auto a = makeThreePhaseAllocator();
  std::vector<ExperimentPlan> p = firstDiversityBatch(*a, idx, o);
  ASSERT_FALSE(p.empty());
  ASSERT_EQ(p.front().phase, "diversity");
  int64_t used = static_cast<int64_t>(ExperimentHistory::load(*store).experiments.size());
  // Weights are recomputed after every round, so a round takes half of what is left.
  EXPECT_EQ(static_cast<int64_t>(p.size()), (o.budgetExperiments - used + 1) / 2);
  for (const ExperimentPlan &x : p) store->ensureExperiment(x, 1);
  int64_t left = o.budgetExperiments - used - static_cast<int64_t>(p.size());
  EXPECT_EQ(static_cast<int64_t>(batch(*a, idx, o).size()), (left + 1) / 2);
}

TEST_F(Fixture, RandomAndCoverageBaselinesOfferEveryPairOnce) {
  ProfileIndex idx = ProfileIndex::load(*store);
  AllocationOptions o;
  o.delaysMs = {10};
  // Pairs: guard1 x4 tests, guard2 x2, call x1, loop A x4, loop B x4 = 15.
  std::vector<ExperimentPlan> r = batch(*makeRandomAllocator(), idx, o);
  EXPECT_EQ(r.size(), 15u);
  std::vector<ExperimentPlan> c = batch(*makeCoverageAllocator(), idx, o);
  EXPECT_EQ(c.size(), 15u);
  o.seed = 2;
  std::vector<ExperimentPlan> r2 = batch(*makeRandomAllocator(), idx, o);
  bool differs = false;
  for (size_t i = 0; i < r.size(); ++i) differs |= r[i].fault != r2[i].fault || r[i].testId != r2[i].testId;
  EXPECT_TRUE(differs) << "another seed gives another order";
  for (size_t i = 0; i < 5; ++i) store->ensureExperiment(r[i], 1);
  AllocationOptions ten;
  ten.delaysMs = {10};
  EXPECT_EQ(batch(*makeRandomAllocator(), idx, ten).size(), 10u) << "done pairs are not offered again";
}
