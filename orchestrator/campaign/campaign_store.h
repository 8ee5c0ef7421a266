// All campaign state, in one SQLite database (schema: db/schema.cpp). The campaign is the
// single writer; every state change of a run is one transaction, so a kill at any moment
// leaves a consistent database that the next `csnake campaign` resumes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/site_catalog.h"
#include "csnake/common/run_state.h"
#include "campaign/trace_summary.h"
#include "db/sqlite.h"
#include "discovery/test_case.h"
#include "process/subprocess.h"

namespace csnake {

// What an allocator asks for: one test with one fault armed (or nothing, for profiles).
struct ExperimentPlan {
  std::string kind = "injection";  // or "profile"
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

struct RunCounts {
  std::map<std::string, int64_t> byState;  // every state name, zeros included
  int64_t total = 0;
};

class CampaignStore {
 public:
  // Opens (or creates) and migrates. Throws DbError.
  CampaignStore(const std::string &path, bool create);

  Database &db() { return db_; }

  // The target a database belongs to: set on first use, then checked. Throws DbError
  // "FILE: belongs to target build X, not Y".
  void bindTarget(const std::string &buildDir);
  std::string meta(const std::string &key) const;
  void setMeta(const std::string &key, const std::string &value);

  // Records a binary and its content hash; throws DbError when a binary the campaign
  // already ran changed since (the target was rebuilt under a running campaign).
  void recordBinary(const std::string &path, const std::string &contentHash, bool instrumented, size_t nSites);
  void upsertSites(const SiteCatalog &catalog);
  // Inserts new tests, keeps known ones; returns them all with ids.
  std::vector<StoredTest> upsertTests(const std::vector<TestCase> &tests, const std::map<std::string, bool> &instrumented);
  std::vector<StoredTest> tests();
  void setTestHealth(int64_t testId, bool flaky, bool broken);

  // Inserts the experiment unless the same plan exists, and its `repeats` planned runs.
  // Returns the experiment id and whether it was new.
  std::pair<int64_t, bool> ensureExperiment(const ExperimentPlan &plan, int repeats);
  int64_t countExperiments(const std::string &kind);

  // Runs left in `running` by a killed campaign go back to `planned`; returns their
  // executor handles (for Executor::reclaim).
  std::vector<std::string> replanInterruptedRuns();
  std::vector<PlannedRun> plannedRuns(const std::string &kind);
  void markRunning(int64_t runId);
  void setExecutorHandle(int64_t runId, const std::string &handle);
  void markPlanned(int64_t runId);  // a cancelled run (Ctrl-C)
  // Final state with the process outcome, an optional tool-side error, and the trace
  // summary (ingested in the same transaction).
  void finishRun(int64_t runId, RunState state, const ProcessStatus &status, const std::string &error,
                 const std::string &tracePath, const TraceSummary *summary);

  RunCounts runCounts(const std::string &kind = "");

 private:
  Database db_;
};

std::string fileContentHash(const std::string &path);  // "fnv1a64:<hex>", "" if unreadable

}  // namespace csnake
