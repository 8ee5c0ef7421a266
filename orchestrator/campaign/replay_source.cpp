#include "campaign/replay_source.h"

#include "csnake/campaigndb/recorded_runs.h"

namespace csnake {

ReplaySource::ReplaySource(const std::string &path) : db_(path, OpenMode::ReadOnly) {}

int ReplaySource::profileRepeats(const std::string &testName) { return finishedProfileRepeats(db_, testName); }

std::optional<RecordedRun> ReplaySource::find(const std::string &testName, const ExperimentPlan &p, int repeat) {
  std::optional<RecordedRunRow> row = findFinishedRun(db_, testName, p, repeat);
  if (!row) return std::nullopt;
  RecordedRun out;
  out.state = row->state;
  out.status.spawned = true;
  out.status.timedOut = out.state == RunState::TimedOut;
  if (row->exitCode) out.status.exitCode = *row->exitCode;
  if (row->signal) out.status.signal = *row->signal;
  out.error = row->error;
  out.status.wallSeconds = row->wallMs ? *row->wallMs / 1000.0 : 0;
  out.summary = std::move(row->summary);
  return out;
}

}  // namespace csnake
