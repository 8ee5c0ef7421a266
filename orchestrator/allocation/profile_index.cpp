#include "allocation/profile_index.h"

#include "csnake/campaigndb/profile_queries.h"

namespace csnake {

ProfileIndex ProfileIndex::load(CampaignStore &store, const std::set<int64_t> &selected) {
  ProfileIndex idx;
  for (const StoredTest &t : store.tests())
    if (t.instrumented && !t.broken && (selected.empty() || selected.count(t.id))) idx.healthyTests.insert(t.id);
  for (const ProfileFaultReach &r : profileFaultReaches(store.database()))
    if (idx.healthyTests.count(r.testId)) idx.faults[{r.site, r.context}][r.testId] = {r.runs, r.reached};
  for (const ProfileLoopIterations &r : profileLoopIterations(store.database()))
    if (idx.healthyTests.count(r.testId)) idx.loops[r.loop][r.testId] = {r.runs, r.iterations};
  for (const ProfileLoopSignature &r : profileLoopSignatures(store.database()))
    if (idx.healthyTests.count(r.testId)) idx.loopSignatures[r.loop][r.testId].insert(r.signature);
  return idx;
}

}  // namespace csnake
