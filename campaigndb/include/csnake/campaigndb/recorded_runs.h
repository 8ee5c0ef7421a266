// Finished runs read back with their stored trace summaries: how a replay (bench/
// allocation) takes another campaign's outcome for the same test, plan and repeat instead
// of running the test.
#pragma once

#include <optional>
#include <string>

#include "csnake/campaigndb/campaign_store.h"
#include "csnake/trace_summary.h"

namespace csnake {

struct RecordedRunRow {
  RunState state = RunState::Done;
  std::optional<int> exitCode, signal;
  std::optional<int64_t> wallMs;
  std::string error;
  std::optional<TraceSummary> summary;  // absent when the run has none (failed, unreadable trace)
};

// The run of `plan` on `testName` with this repeat, if it finished (any final state).
// Plans with a skip never match in databases older than schema 3 (they ran skip 0).
std::optional<RecordedRunRow> findFinishedRun(CampaignDb &db, const std::string &testName, const ExperimentPlan &plan,
                                              int repeat);

// Profile repeats of `testName` that finished (indexes 0..n-1); 0 when none.
int finishedProfileRepeats(CampaignDb &db, const std::string &testName);

}  // namespace csnake
