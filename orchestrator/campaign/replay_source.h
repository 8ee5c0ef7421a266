// Replaying a campaign from another campaign's database instead of running tests: each
// planned run takes the recorded outcome and trace summary of the same run (same test,
// same plan, same repeat) from the source. Policies and analysis see exactly what a real
// campaign would have seen, at no test cost — how bench/allocation compares allocators on
// one exhaustive campaign.
#pragma once

#include <optional>
#include <string>

#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/campaign_store.h"
#include "csnake/trace_summary.h"
#include "process/subprocess.h"

namespace csnake {

struct RecordedRun {
  RunState state = RunState::Done;
  ProcessStatus status;
  std::string error;
  std::optional<TraceSummary> summary;
};

class ReplaySource {
 public:
  explicit ReplaySource(const std::string &path);  // opens read-only; throws DbError
  // The source's run of `plan` on `testName` with this repeat, if it was recorded in a
  // final state.
  // The plan's skip must match too (a source older than schema 3 ran every plan with
  // skip 0).
  std::optional<RecordedRun> find(const std::string &testName, const ExperimentPlan &plan, int repeat);
  // How many profile repeats of `testName` the source recorded (repeat indexes 0..n-1 in
  // a final state); 0 when none. A replay cannot profile a test more often than that.
  int profileRepeats(const std::string &testName);

 private:
  CampaignDb db_;
};

}  // namespace csnake
