// Runs on this machine: each run is its own process in its own process group, with its
// own temp directory and port range, the plan passed through the runtime's environment
// interface (CSNAKE_PLAN, CSNAKE_TRACE_DIR), and a timeout that kills the whole group.
#pragma once

#include <deque>
#include <map>

#include "exec/executor.h"

namespace csnake {

struct LocalPoolOptions {
  size_t workers = 2;
  // Each worker slot gets CSNAKE_PORT_RANGE=lo-hi (a hint for tests that pick fixed
  // ports; tests on ephemeral ports need nothing).
  int portBase = 20000;
  int portsPerSlot = 200;
};

class LocalProcessPool : public Executor {
 public:
  explicit LocalProcessPool(LocalPoolOptions opts);
  ~LocalProcessPool() override;

  size_t capacity() const override { return opts_.workers; }
  size_t inFlight() const override { return running_.size(); }
  std::string submit(const RunSpec &spec) override;
  void reclaim(const std::string &handle) override;
  std::optional<RunResult> waitNext(std::chrono::milliseconds timeout) override;
  std::vector<int64_t> cancelAll() override;

 private:
  struct Running {
    RunSpec spec;
    RunResult result;
    size_t slot;
    std::chrono::steady_clock::time_point start, deadline;
  };
  std::optional<RunResult> reapOne();
  size_t freeSlot() const;

  LocalPoolOptions opts_;
  std::vector<std::string> baseEnv_;
  std::map<pid_t, Running> running_;
  std::deque<RunResult> ready_;  // runs that failed to start
};

}  // namespace csnake
