// The simple allocator: one experiment per reachable fault on its best-covering test.
#include <algorithm>
#include <random>

#include "allocation/allocator.h"
#include "allocation/fault_candidates.h"

namespace csnake {

namespace {

class SimpleAllocator : public Allocator {
 public:
  std::string name() const override { return "simple"; }

  std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t maxExperiments) override {
    std::vector<ExperimentPlan> plans;
    for (const FaultCandidate &c : faultCandidates(ctx)) {
      if (c.tests.empty()) continue;
      std::string why =
          c.delay ? "delay candidate loop; its best-covering test" : "reached in the profile; its best-covering test";
      plans.push_back(planFor(ctx, c, c.tests.front(), ctx.options.delaysMs.front(), name(), "simple", why, 1));
    }
    std::mt19937_64 rng(ctx.options.seed);
    std::shuffle(plans.begin(), plans.end(), rng);
    return plans;
  }
};

}  // namespace

std::unique_ptr<Allocator> makeSimpleAllocator() { return std::make_unique<SimpleAllocator>(); }

}  // namespace csnake
