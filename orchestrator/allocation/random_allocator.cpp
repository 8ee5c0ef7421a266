// The "random" baseline policy: uniform draws without replacement over every reachable
// (fault, test[, delay]) pair — what 3PA is measured against (bench/allocation).
#include <algorithm>
#include <random>

#include "allocation/allocator.h"
#include "allocation/experiment_history.h"
#include "allocation/fault_candidates.h"

namespace csnake {

namespace {

class RandomAllocator : public Allocator {
 public:
  std::string name() const override { return "random"; }
  std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t) override {
    // Every reachable (fault, test[, delay]) pair, shuffled once by the seed: draws without
    // replacement, the same sequence on every call.
    std::vector<ExperimentPlan> all;
    for (const FaultCandidate &c : faultCandidates(ctx)) {
      std::vector<int64_t> tests = c.tests;
      std::sort(tests.begin(), tests.end());
      for (int64_t t : tests) {
        if (!c.delay)
          all.push_back(planFor(ctx, c, t, 0, name(), "random", "uniform draw", 1));
        else
          for (int d : ctx.options.delaysMs) all.push_back(planFor(ctx, c, t, d, name(), "random", "uniform draw", 1));
      }
    }
    std::mt19937_64 rng(ctx.options.seed);
    std::shuffle(all.begin(), all.end(), rng);
    ExperimentHistory h = ExperimentHistory::load(ctx.store);
    std::vector<ExperimentPlan> out;
    for (ExperimentPlan &p : all)
      if (!h.exists(p)) out.push_back(std::move(p));
    return out;
  }
};

}  // namespace

std::unique_ptr<Allocator> makeRandomAllocator() { return std::make_unique<RandomAllocator>(); }

}  // namespace csnake
