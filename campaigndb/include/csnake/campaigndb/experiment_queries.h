// The injection experiments a campaign chose, read back: for the allocator's history
// (what was tried, and which effects the analysis found for it) and for `csnake plan`
// (why each was chosen, and how its runs ended).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "csnake/campaigndb/campaign_db.h"

namespace csnake {

struct InjectionExperimentRow {
  int64_t id = 0, testId = 0;
  uint64_t fault = 0, context = 0;  // context 0 = any
  int delayMs = 0;
  std::string mode, errnoName;
  int64_t skip = 0;
  std::string allocator, phase;
};

struct EffectTokenRow {
  int64_t experimentId = 0;
  std::string type;  // E, S+, parent_delay
  std::string site;  // as stored ("0x" + 16 hex digits)
};

// In id order.
std::vector<InjectionExperimentRow> injectionExperiments(CampaignDb &db);
std::vector<EffectTokenRow> effectTokens(CampaignDb &db);

struct PlanEntry {
  int64_t experiment = 0;
  std::string allocator, phase, reason;
  std::string fault, context;                       // as stored
  std::string faultKind, faultFile, faultFunction;  // "" when the site is unknown
  int64_t faultLine = 0;
  std::string mode, errnoName;
  int64_t delayMs = 0, skip = 0;
  double score = 0;
  std::string test;
  std::string runStates;  // "done,done,failed" in repeat order
};

// Injection experiments in id order, only those of `phase` unless it is "". Works on
// every schema version (skip is 0 before schema 3).
std::vector<PlanEntry> planEntries(CampaignDb &db, const std::string &phase);

}  // namespace csnake
