// Executes runs. Planning and ingest only see this interface, so nothing above it assumes
// one machine; LocalProcessPool is the implementation for this machine.
#pragma once

#include <chrono>
#include <optional>

#include "exec/run_spec.h"

namespace csnake {

class Executor {
 public:
  virtual ~Executor() = default;
  // How many runs may be in flight at once.
  virtual size_t capacity() const = 0;
  virtual size_t inFlight() const = 0;
  // Starts a run; a run that cannot even start is reported by the next waitNext().
  // Returns a handle that finds the run again from another process ("" if none), stored
  // with the run so a resumed campaign can reclaim what a killed one left running.
  virtual std::string submit(const RunSpec &spec) = 0;
  // Kills whatever is left of a run started by an earlier (killed) campaign.
  virtual void reclaim(const std::string &handle) = 0;
  // The next finished run, or nothing after `timeout`.
  virtual std::optional<RunResult> waitNext(std::chrono::milliseconds timeout) = 0;
  // Kills every run in flight (Ctrl-C); they are reported as nothing: the caller re-plans them.
  virtual std::vector<int64_t> cancelAll() = 0;
};

}  // namespace csnake
