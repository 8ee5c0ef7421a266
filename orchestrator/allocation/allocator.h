// The budget allocator: a policy that chooses injection experiments (fault, test) after
// the profile phase. Every choice is stored with its phase, reason and score, so a user
// can ask why a run was chosen.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "allocation/profile_index.h"
#include "catalog/site_catalog.h"
#include "csnake/campaigndb/campaign_store.h"

namespace csnake {

struct AllocationOptions {
  uint64_t seed = 1;
  std::vector<int> delaysMs = {200};             // per-iteration delays of delay faults, shortest first
  int64_t budgetExperiments = 0;                 // the whole injection budget, in experiments
  int topK = 3;                                  // 3PA: tests per fault in phase 1, draws per cluster in phase 2
  double phase1Share = 0.5, phase2Share = 0.25;  // 3PA: budget shares; phase 3 gets the rest
  double clusterDistance = 0.5;                  // 3PA: average-linkage cut (cosine distance)
  std::set<uint64_t> faultFilter;                // only faults at these sites (empty = every site)
  std::set<uint64_t> excludedSites;              // never faults (sites in test code, catalog/test_code.h)
};

struct AllocationContext {
  CampaignStore &store;
  const SiteCatalog &sites;
  const ProfileIndex &profile;
  AllocationOptions options;
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual std::string name() const = 0;
  // Whether the policy reads analysis results (effects): only then does the campaign
  // analyse between allocation rounds.
  virtual bool usesAnalysis() const { return false; }
  // The experiments the policy wants next (the caller keeps at most `maxExperiments` of
  // those not yet in the database). Called again after they ran and were analysed; a
  // policy derives its state from the database, never from earlier calls, so a resumed
  // campaign continues exactly where the killed one was. Nothing new = done.
  virtual std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t maxExperiments) = 0;
};

// "simple": every reachable fault once, on its best-covering test, in an order shuffled
// by the seed (delay faults at the shortest delay).
std::unique_ptr<Allocator> makeSimpleAllocator();
// "random": uniform draws over reachable (fault, test) pairs (and delays).
std::unique_ptr<Allocator> makeRandomAllocator();
// "coverage": 3PA's phase 1 only, extended round-robin over each fault's ranked tests.
std::unique_ptr<Allocator> makeCoverageAllocator();
// "3pa": coverage, uniqueness, diversity (DESIGN.md §3.4).
std::unique_ptr<Allocator> makeThreePhaseAllocator();

// Creates an allocator by name; nullptr for an unknown name.
std::unique_ptr<Allocator> makeAllocator(const std::string &name);
std::vector<std::string> allocatorNames();

// The errno a LIBCALL fault injects by default, chosen by the failing call's name.
std::string defaultErrnoFor(const std::string &callee);

}  // namespace csnake
