// `csnake campaign`: profile every test, then spend the injection budget on experiments
// chosen by the allocator, all state in the campaign database. Re-running the same
// command resumes: finished runs are never repeated, runs a killed campaign left in
// `running` are re-planned.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "campaign/injection_point.h"

namespace csnake {

class CampaignDb;

struct CampaignOptions {
  std::string buildDir;
  std::string dbPath;
  std::string testsFile;                  // explicit test list instead of discovery
  std::string testFilter;                 // GoogleTest-style filter on test ids
  std::string label;                      // CTest label filter ("" = every test)
  std::string resultsDir;                 // raw traces; default <db dir>/<db stem>.runs
  std::string keepTraces = "compressed";  // compressed | raw | none
  std::string allocator = "3pa";
  int64_t budgetRuns = 60;      // injection runs
  double timeLimitSeconds = 0;  // 0 = no wall-clock limit
  int jobs = 0;                 // 0 = number of cores
  int repeats = 3;
  // Profile runs per test (--profile-repeats); 0 = max(5, repeats). One profile
  // experiment per test against many injection experiments: more profile repeats buy the
  // analyzer's statistics (Welch t-test, "absent from every profile repeat") cheaply.
  // Fixed when a test's profile experiment is created (a resumed campaign keeps it).
  int profileRepeats = 0;
  // Where injections land (--inject-at): skip half of the profile's reaches (steady
  // state) or inject at the first reach (start-up). campaign/injection_point.h.
  InjectAt injectAt = InjectAt::Middle;
  // Points per (error fault, test) when the policy has nothing new and budget is left
  // (campaign/injection_point_rounds.h); 1 = only the --inject-at point.
  int injectionPoints = 8;
  uint64_t seed = 1;
  double runTimeoutSeconds = 60;
  std::vector<int> delaysMs = {100, 500};        // per-iteration delays of delay faults
  double phase1Share = 0.5, phase2Share = 0.25;  // 3PA budget split; phase 3 gets the rest
  // Replay: take every run's outcome and summary from this campaign database instead
  // of running the test (bench/allocation compares policies on one exhaustive campaign).
  std::string replayFrom;
  std::set<uint64_t> faultFilter;  // --faults: only these sites are injected (empty = all)
  // --inject-test-code: sites in the target's test code are injected too (by default they
  // are not, unless named by --faults; catalog/test_code.h).
  bool injectTestCode = false;
  // Analysis between allocation rounds (fault causality analysis fills `effects`, which
  // allocators such as 3PA read). Set by the command line, which links the analyzer.
  std::function<void(CampaignDb &)> analyze;
};

// 0: finished; 1: error (message printed); 130: interrupted (resumable).
int runCampaign(const CampaignOptions &opts, const std::atomic<bool> &stopRequested);

}  // namespace csnake
