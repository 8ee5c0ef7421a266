// The "coverage" baseline policy: 3PA's phase 1 alone (each fault on its tests ranked by
// greedy signature cover), extended round-robin over the ranks until the budget ends.
#include <algorithm>
#include <random>

#include "allocation/allocator.h"
#include "allocation/experiment_history.h"
#include "allocation/fault_candidates.h"

namespace csnake {

namespace {

class CoverageAllocator : public Allocator {
 public:
  std::string name() const override { return "coverage"; }
  std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t) override {
    // Phase 1 of 3PA extended round-robin: rank r of every fault before rank r + 1, for
    // every rank, until the budget ends.
    std::vector<FaultCandidate> cands = faultCandidates(ctx);
    size_t maxRank = 0;
    for (const FaultCandidate &c : cands) maxRank = std::max(maxRank, c.tests.size());
    std::mt19937_64 rng(ctx.options.seed);
    ExperimentHistory h = ExperimentHistory::load(ctx.store);
    std::vector<ExperimentPlan> out;
    for (size_t r = 0; r < maxRank; ++r) {
      std::vector<ExperimentPlan> rank;
      for (const FaultCandidate &c : cands) {
        if (r >= c.tests.size()) continue;
        std::string why = "coverage: test #" + std::to_string(r + 1) + " by greedy cover";
        if (!c.delay)
          rank.push_back(planFor(ctx, c, c.tests[r], 0, name(), "coverage", why, 1.0 / double(r + 1)));
        else
          for (int d : ctx.options.delaysMs)
            rank.push_back(planFor(ctx, c, c.tests[r], d, name(), "coverage", why, 1.0 / double(r + 1)));
      }
      std::shuffle(rank.begin(), rank.end(), rng);
      for (ExperimentPlan &p : rank)
        if (!h.exists(p)) out.push_back(std::move(p));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Allocator> makeCoverageAllocator() { return std::make_unique<CoverageAllocator>(); }

}  // namespace csnake
