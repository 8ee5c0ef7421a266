// The faults a campaign can inject, derived from the profile: error faults (site,
// context) of injectable sites each reaching test reaches, and delay faults on loops
// that are delay candidates. Shared by every allocation policy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "allocation/allocator.h"

namespace csnake {

struct FaultCandidate {
  Fault fault;  // (site, context); a delay fault is (loop, loop)
  bool delay = false;
  const FaultSite *site = nullptr;
  // Tests that reach the fault, best first: greedy set cover of the signatures of the
  // fault's context loop (the tests that together show the most distinct behaviour of
  // that loop come first), ties by profile repeats reached (more first), then reach count
  // (fewer first: a one-time fault stands out in a quiet test), then an order drawn from
  // the seed.
  std::vector<int64_t> tests;
};

std::vector<FaultCandidate> faultCandidates(const AllocationContext &ctx);

// One experiment plan for a candidate on a test; `delayMs` only for delay faults.
ExperimentPlan planFor(const AllocationContext &ctx, const FaultCandidate &c, int64_t test, int delayMs,
                       const std::string &allocator, const std::string &phase, const std::string &reason, double score);

}  // namespace csnake
