// Replaying a campaign from another campaign's database instead of running tests: each
// planned run takes the recorded outcome and trace summary of the same run (same test,
// same plan, same repeat) from the source. Policies and analysis see exactly what a real
// campaign would have seen, at no test cost — how bench/allocation compares allocators on
// one exhaustive campaign.
#pragma once

#include <optional>
#include <string>

#include "campaign/campaign_store.h"

namespace csnake {

struct RecordedRun {
  RunState state = RunState::Done;
  ProcessStatus status;
  std::string error;
  std::optional<TraceSummary> summary;
};

class ReplaySource {
 public:
  explicit ReplaySource(const std::string &path);  // throws DbError
  // The source's run of `plan` on `testName` with this repeat, if it was recorded in a
  // final state.
  std::optional<RecordedRun> find(const std::string &testName, const ExperimentPlan &plan, int repeat);

 private:
  Database db_;
};

}  // namespace csnake
