// The campaign's writes (and the reads it plans from): target build, binaries, sites,
// tests, experiments and the state machine of their runs, with each finished run's trace
// summary. The campaign is the single writer; every state change of a run is one
// transaction, so a kill at any moment leaves a consistent database that the next
// `csnake campaign` resumes. Schema: src/schema.cpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/run_counts.h"
#include "csnake/common/experiment_kind.h"
#include "csnake/common/fault_site.h"
#include "csnake/common/run_state.h"
#include "csnake/common/test_case.h"

namespace csnake {

struct TraceSummary;

// What an allocator asks for: one test with one fault armed (or nothing, for profiles).
struct ExperimentPlan {
  ExperimentKind kind = ExperimentKind::Injection;
  int64_t testId = 0;
  uint64_t fault = 0, context = 0;
  std::string mode;       // "once", "always", "p=0.33"; "" for profiles
  int delayMs = 0;        // LOOP faults
  std::string errnoName;  // LIBCALL faults
  // Matching opportunities the runtime lets pass before injecting (plan "skip"; set by
  // the campaign from --inject-at, campaign/injection_point.h). Part of the identity.
  int64_t skip = 0;
  std::string allocator, phase, reason;
  double score = 0;
};

struct PlannedRun {
  int64_t runId = 0, experimentId = 0, testId = 0;
  int repeat = 0;
  ExperimentPlan plan;
};

struct StoredTest {
  int64_t id = 0;
  TestCase test;
  bool instrumented = true, flaky = false, broken = false;
};

// How a run's process ended, as stored in runs (exit_code, signal, outcome, wall_ms).
struct RunOutcome {
  std::optional<int> exitCode;  // when it exited normally
  std::optional<int> signal;    // when a signal ended it
  std::string description;      // "exit 1", "killed by SIGSEGV", "timed out after 5.0 s"
  double wallSeconds = 0;
};

class CampaignStore {
 public:
  // Opens (ReadWrite or Create) and migrates. Throws DbError.
  CampaignStore(const std::string &path, OpenMode mode);

  CampaignDb &database() { return db_; }
  const std::string &path() const { return db_.path(); }

  // The target a database belongs to: set on first use, then checked. Throws DbError
  // "FILE: belongs to target build X, not Y".
  void bindTarget(const std::string &buildDir);
  std::string meta(const std::string &key) { return db_.meta(key); }
  void setMeta(const std::string &key, const std::string &value) { db_.setMeta(key, value); }

  // Records a binary and its content hash; throws DbError when a binary the campaign
  // already ran changed since (the target was rebuilt under a running campaign).
  void recordBinary(const std::string &path, const std::string &contentHash, bool instrumented, size_t nSites);
  void upsertSites(const std::vector<FaultSite> &sites);
  std::vector<FaultSite> sites();
  // Inserts new tests, keeps known ones; returns them all with ids.
  std::vector<StoredTest> upsertTests(const std::vector<TestCase> &tests,
                                      const std::map<std::string, bool> &instrumented);
  std::vector<StoredTest> tests();
  void setTestHealth(int64_t testId, bool flaky, bool broken);

  // Inserts the experiment unless the same plan exists, and its `repeats` planned runs.
  // Returns the experiment id and whether it was new.
  std::pair<int64_t, bool> ensureExperiment(const ExperimentPlan &plan, int repeats);
  int64_t countExperiments(ExperimentKind kind);

  // Runs left in `running` by a killed campaign go back to `planned`; returns their
  // executor handles (for Executor::reclaim).
  std::vector<std::string> replanInterruptedRuns();
  std::vector<PlannedRun> plannedRuns(ExperimentKind kind);
  std::vector<int64_t> runIds(int64_t experimentId);  // in repeat order
  void markRunning(int64_t runId);
  void setExecutorHandle(int64_t runId, const std::string &handle);
  void markPlanned(int64_t runId);  // a cancelled run (Ctrl-C)
  // Final state with the process outcome, an optional tool-side error, and the trace
  // summary (ingested in the same transaction).
  void finishRun(int64_t runId, RunState state, const RunOutcome &outcome, const std::string &error,
                 const std::string &tracePath, const TraceSummary *summary);
  RunState runState(int64_t runId);

  // Per test, how each of its profile runs ended: the outcome ("exit 0", ...) of a done
  // run, the state name of any other.
  std::map<int64_t, std::vector<std::string>> profileOutcomes();

  RunCounts runCounts() { return countRuns(db_); }
  RunCounts runCounts(ExperimentKind kind) { return countRuns(db_, kind); }

 private:
  CampaignDb db_;
};

std::string fileContentHash(const std::string &path);  // "fnv1a64:<hex>", "" if unreadable

}  // namespace csnake
