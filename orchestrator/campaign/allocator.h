// The budget allocator: a policy that chooses injection experiments (fault, test) after
// the profile phase. Every choice is stored with its phase, reason and score, so a user
// can ask why a run was chosen.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "campaign/campaign_store.h"
#include "campaign/profile_index.h"
#include "catalog/site_catalog.h"

namespace csnake {

struct AllocationContext {
  CampaignStore &store;
  const SiteCatalog &sites;
  const ProfileIndex &profile;
  uint64_t seed = 1;
  int delayMs = 200;  // default delay per loop iteration for delay faults
};

class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual std::string name() const = 0;
  // The experiments the policy wants next (the caller keeps at most `maxExperiments` of
  // those not yet in the database). Called again after they ran and were analysed; a
  // policy derives its state from the database, never from earlier calls, so a resumed
  // campaign continues exactly where the killed one was. Nothing new = done.
  virtual std::vector<ExperimentPlan> nextBatch(AllocationContext &ctx, int64_t maxExperiments) = 0;
};

// "simple": every reachable fault once, on the test that reaches it most reliably
// (most profile repeats, then most reaches), in an order shuffled by the seed.
std::unique_ptr<Allocator> makeSimpleAllocator();

// Creates an allocator by name; nullptr for an unknown name.
std::unique_ptr<Allocator> makeAllocator(const std::string &name);
std::vector<std::string> allocatorNames();

// The errno a LIBCALL fault injects by default, chosen by the failing call's name.
std::string defaultErrnoFor(const std::string &callee);

}  // namespace csnake
