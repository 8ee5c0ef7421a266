// What the injection experiments done so far found: per experiment its fault, test,
// phase and the effect tokens the analyzer recorded ("<loop>:E", "<loop>:S+",
// "<loop>:parent_delay"). Allocation policies that adapt (3PA) read it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "allocation/profile_index.h"
#include "csnake/campaigndb/campaign_store.h"

namespace csnake {

struct ExperimentRecord {
  int64_t id = 0, testId = 0;
  Fault fault;
  int delayMs = 0;
  std::string phase;
  std::set<std::string> tokens;        // all effect tokens
  std::set<std::string> eTokens;       // E effects only
  std::set<std::string> sTokens;       // S+ and parent_delay effects
  std::set<uint64_t> contentionLoops;  // loops with S+ / parent_delay effects
};

struct ExperimentHistory {
  std::vector<ExperimentRecord> experiments;
  // (fault) -> tests it was injected on (any delay)
  std::map<Fault, std::set<int64_t>> testsUsed;
  bool exists(const ExperimentPlan &p) const;
  ExperimentHistory onlyPhases(const std::set<std::string> &phases) const;

  static ExperimentHistory load(CampaignStore &store);
};

}  // namespace csnake
