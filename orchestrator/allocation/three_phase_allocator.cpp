// The three-phase allocator (3PA, DESIGN.md §3.4). Each call derives the phase from the
// database (the experiments that exist and the effects analysis found), so the policy is
// deterministic under its seed and a resumed campaign continues mid-phase.
//   1. coverage:   every fault on its top-k tests (greedy cover of the context loop's
//                  signatures); delay faults at every configured duration.
//   2. uniqueness: faults clustered by their phase-1 consequences (TF-IDF, cosine,
//                  average linkage); every cluster gets k more draws, so a fault with
//                  unique consequences gets more budget than one of thirty look-alikes.
//                  Delay faults only on loops that showed contention (S+ / parent delay),
//                  at their minimum effective delay.
//   3. diversity:  the rest of the budget in weighted draws on unused tests: a fault is
//                  drawn with weight w = 1.01 - (0.75 E_sim + 0.25 S_sim) times its number
//                  of unused tests (faults whose consequences differ across tests are worth
//                  more tests, and a fault with more untried tests has more left to show),
//                  then runs on its next unused test in rank. Delay faults too,
//                  at their minimum effective delay: a slow loop's consequences depend on
//                  the test as much as an error's do. In rounds of half the remaining
//                  budget, so later weights see what earlier draws found.
#include <algorithm>
#include <cmath>
#include <random>

#include "allocation/allocator.h"
#include "allocation/experiment_history.h"
#include "allocation/fault_candidates.h"
#include "allocation/fault_clustering.h"

namespace csnake {

namespace {

int64_t share(const AllocationOptions &o, double fraction) {
  return std::max<int64_t>(1, static_cast<int64_t>(std::floor(static_cast<double>(o.budgetExperiments) * fraction)));
}

bool anyMissing(const std::vector<ExperimentPlan> &plans, const ExperimentHistory &h) {
  return std::any_of(plans.begin(), plans.end(), [&](const ExperimentPlan &p) { return !h.exists(p); });
}

// The shortest configured delay of a delay fault that had any consequence so far; the
// shortest configured one when none had.
int minimumEffectiveDelay(const FaultCandidate &c, const ExperimentHistory &h, const AllocationOptions &o) {
  for (int d : o.delaysMs)
    for (const ExperimentRecord &e : h.experiments)
      if (e.fault == c.fault && e.delayMs == d && !e.tokens.empty()) return d;
  return o.delaysMs.front();
}

class ThreePhaseAllocator : public Allocator {
 public:
  std::string name() const override { return "3pa"; }
  bool usesAnalysis() const override { return true; }

  std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t) override {
    std::vector<FaultCandidate> cands = faultCandidates(ctx);
    ExperimentHistory history = ExperimentHistory::load(ctx.store);
    std::vector<ExperimentPlan> p1 = phase1(ctx, cands);
    if (anyMissing(p1, history)) return p1;
    // Phase 2 is computed from phase 1 alone, so it is the same list on every call.
    std::vector<ExperimentPlan> p2 = phase2(ctx, cands, history.onlyPhases({"coverage"}));
    if (anyMissing(p2, history)) return p2;
    return phase3(ctx, cands, history);
  }

 private:
  std::vector<ExperimentPlan> phase1(const AllocationContext &ctx, const std::vector<FaultCandidate> &cands) {
    const AllocationOptions &o = ctx.options;
    // Rank 0 of every fault first, then rank 1, ...: a budget cut keeps breadth.
    std::vector<std::vector<ExperimentPlan>> byRank(static_cast<size_t>(o.topK));
    for (const FaultCandidate &c : cands) {
      for (size_t r = 0; r < byRank.size() && r < c.tests.size(); ++r) {
        std::string why = "phase 1: test #" + std::to_string(r + 1) + " of " + std::to_string(c.tests.size()) +
                          " by greedy cover of the context loop's signatures";
        if (!c.delay) {
          byRank[r].push_back(planFor(ctx, c, c.tests[r], 0, name(), "coverage", why, 1.0 / double(r + 1)));
          continue;
        }
        for (int d : o.delaysMs)
          byRank[r].push_back(planFor(ctx, c, c.tests[r], d, name(), "coverage",
                                      why + ", delay " + std::to_string(d) + " ms", 1.0 / double(r + 1)));
      }
    }
    std::mt19937_64 rng(o.seed);
    std::vector<ExperimentPlan> out;
    for (auto &rank : byRank) {
      std::shuffle(rank.begin(), rank.end(), rng);
      out.insert(out.end(), rank.begin(), rank.end());
    }
    out.resize(std::min<size_t>(out.size(), static_cast<size_t>(share(o, o.phase1Share))));
    return out;
  }

  // The consequences (effect tokens) of a fault's experiments in the given phases.
  static std::set<std::string> tokensOf(const ExperimentHistory &h, const Fault &f,
                                        const std::set<std::string> &phases) {
    std::set<std::string> t;
    for (const ExperimentRecord &e : h.experiments)
      if (e.fault == f && phases.count(e.phase)) t.insert(e.tokens.begin(), e.tokens.end());
    return t;
  }

  static std::vector<int64_t> unusedTests(const FaultCandidate &c, const ExperimentHistory &h,
                                          const std::set<int64_t> &taken) {
    std::vector<int64_t> out;
    auto used = h.testsUsed.find(c.fault);
    for (int64_t t : c.tests)
      if ((used == h.testsUsed.end() || !used->second.count(t)) && !taken.count(t)) out.push_back(t);
    return out;
  }

  static int64_t nextUnusedTest(const FaultCandidate &c, const ExperimentHistory &h, const std::set<int64_t> &taken) {
    std::vector<int64_t> unused = unusedTests(c, h, taken);
    return unused.empty() ? -1 : unused.front();
  }

  std::vector<ExperimentPlan> phase2(const AllocationContext &ctx, const std::vector<FaultCandidate> &cands,
                                     const ExperimentHistory &h) {
    const AllocationOptions &o = ctx.options;
    std::vector<const FaultCandidate *> errors;
    std::vector<std::set<std::string>> docs;
    for (const FaultCandidate &c : cands)
      if (!c.delay) {
        errors.push_back(&c);
        docs.push_back(tokensOf(h, c.fault, {"coverage"}));
      }
    std::vector<std::vector<size_t>> clusters = clusterByConsequences(docs, o.clusterDistance);
    std::mt19937_64 rng(o.seed ^ 0x9e3779b97f4a7c15ull);
    std::vector<ExperimentPlan> out;
    std::map<Fault, std::set<int64_t>> taken;
    for (size_t ci = 0; ci < clusters.size(); ++ci) {
      std::vector<size_t> members = clusters[ci];
      std::shuffle(members.begin(), members.end(), rng);
      int draws = 0;
      // Round-robin over the cluster's faults, each on its next unused ranked test.
      for (size_t round = 0; draws < o.topK && round < static_cast<size_t>(o.topK) * members.size() + 1; ++round) {
        const FaultCandidate &c = *errors[members[round % members.size()]];
        int64_t t = nextUnusedTest(c, h, taken[c.fault]);
        if (t < 0) continue;
        taken[c.fault].insert(t);
        ++draws;
        out.push_back(planFor(ctx, c, t, 0, name(), "uniqueness",
                              "phase 2: cluster " + std::to_string(ci + 1) + " of " + std::to_string(clusters.size()) +
                                  " (" + std::to_string(members.size()) + " fault(s) with like consequences)",
                              1.0 / double(members.size())));
      }
    }
    // Delay faults only where contention showed up, at the minimum effective delay.
    std::set<uint64_t> contention;
    for (const ExperimentRecord &e : h.experiments)
      if (e.phase == "coverage") contention.insert(e.contentionLoops.begin(), e.contentionLoops.end());
    for (const FaultCandidate &c : cands) {
      if (!c.delay || !contention.count(c.fault.first)) continue;
      int minEffective = minimumEffectiveDelay(c, h, o);
      for (int k = 0; k < o.topK; ++k) {
        int64_t t = nextUnusedTest(c, h, taken[c.fault]);
        if (t < 0) break;
        taken[c.fault].insert(t);
        out.push_back(planFor(ctx, c, t, minEffective, name(), "uniqueness",
                              "phase 2: loop showed contention (S+/parent delay); minimum effective delay " +
                                  std::to_string(minEffective) + " ms",
                              1));
      }
    }
    out.resize(std::min<size_t>(out.size(), static_cast<size_t>(share(o, o.phase2Share))));
    return out;
  }

  std::vector<ExperimentPlan> phase3(const AllocationContext &ctx, const std::vector<FaultCandidate> &cands,
                                     const ExperimentHistory &h) {
    const AllocationOptions &o = ctx.options;
    struct Option {
      const FaultCandidate *c;
      double weight;
      int delayMs;  // delay faults: their minimum effective delay
    };
    std::vector<Option> options;
    for (const FaultCandidate &c : cands) {
      std::vector<const ExperimentRecord *> done;
      for (const ExperimentRecord &e : h.experiments)
        if (e.fault == c.fault) done.push_back(&e);
      // Mean pairwise similarity of the consequences across the tests it ran on; with
      // fewer than two tests nothing is known yet, so the fault counts as diverse.
      double eSim = 0, sSim = 0;
      size_t pairs = 0;
      for (size_t i = 0; i < done.size(); ++i)
        for (size_t j = i + 1; j < done.size(); ++j, ++pairs) {
          eSim += jaccard(done[i]->eTokens, done[j]->eTokens);
          sSim += jaccard(done[i]->sTokens, done[j]->sTokens);
        }
      if (pairs) eSim /= double(pairs), sSim /= double(pairs);
      options.push_back({&c, 1.01 - (0.75 * eSim + 0.25 * sSim), c.delay ? minimumEffectiveDelay(c, h, o) : 0});
    }
    int64_t used = static_cast<int64_t>(h.experiments.size());
    // Rounds of half the remaining budget: each round's weights see what the rounds
    // before it found (a fault that turned out diverse gets more of the rest).
    int64_t room = std::max<int64_t>(0, o.budgetExperiments - used);
    int64_t round = std::max<int64_t>(1, (room + 1) / 2);
    std::mt19937_64 rng(o.seed ^ 0x3c6ef372fe94f82bull ^ static_cast<uint64_t>(used));
    std::vector<ExperimentPlan> out;
    std::map<Fault, std::set<int64_t>> taken;
    while (static_cast<int64_t>(out.size()) < round) {
      std::vector<double> w;
      std::vector<size_t> idx;
      for (size_t i = 0; i < options.size(); ++i)
        if (size_t n = unusedTests(*options[i].c, h, taken[options[i].c->fault]).size()) {
          w.push_back(options[i].weight * static_cast<double>(n));
          idx.push_back(i);
        }
      if (idx.empty()) break;
      std::discrete_distribution<size_t> pick(w.begin(), w.end());
      const Option &chosen = options[idx[pick(rng)]];
      // The test: the fault's next unused one in its ranking (below the cover's
      // informative top, the quietest tests first: where one fault's consequences are
      // easiest to see).
      int64_t t = nextUnusedTest(*chosen.c, h, taken[chosen.c->fault]);
      taken[chosen.c->fault].insert(t);
      char why[96];
      std::snprintf(why, sizeof why, "phase 3: diversity weight %.3f", chosen.weight);
      out.push_back(planFor(ctx, *chosen.c, t, chosen.delayMs, name(), "diversity", why, chosen.weight));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Allocator> makeThreePhaseAllocator() { return std::make_unique<ThreePhaseAllocator>(); }

}  // namespace csnake
