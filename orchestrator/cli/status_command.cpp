// `csnake status --db FILE [--json]`: where a campaign stands. Safe while the campaign
// runs (WAL: this reader never blocks the writer).
#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "campaign/campaign_store.h"
#include "commands.h"
#include "db/schema.h"

namespace csnake::cli {

namespace {

int64_t scalar(Database &db, const std::string &sql) {
  Statement q = db.prepare(sql);
  return q.step() ? q.getInt(0) : 0;
}

double scalarReal(Database &db, const std::string &sql) {
  Statement q = db.prepare(sql);
  return q.step() && !q.isNull(0) ? q.getDouble(0) : 0;
}

struct StatusArgs {
  std::string dbPath;
  bool json = false;
};

int runStatusCommand(const StatusArgs &a) {
  const std::string &dbPath = a.dbPath;
  const bool json = a.json;
  struct stat st;
  if (stat(dbPath.c_str(), &st) != 0) {
    std::fprintf(stderr, "csnake status: %s: no such campaign database\n", dbPath.c_str());
    return 1;
  }
  Database db(dbPath, false);
  int version = schemaVersion(db);
  // Older schemas hold every table status reads; a newer one may not mean the same.
  if (version > kSchemaVersion) {
    std::fprintf(stderr, "csnake status: %s: schema version %d is newer than this csnake supports (%d)\n",
                 dbPath.c_str(), version, kSchemaVersion);
    return 1;
  }
  RunCounts all, profile, injection;
  {
    // CampaignStore would migrate; a reader only reads.
    auto counts = [&](const std::string &kind) {
      RunCounts c;
      for (const char *s : {"planned", "running", "done", "failed", "timed_out", "not_fired"}) c.byState[s] = 0;
      std::string sql = "SELECT r.state, COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id";
      if (!kind.empty()) sql += " WHERE e.kind = '" + kind + "'";
      Statement q = db.prepare(sql + " GROUP BY r.state");
      while (q.step()) {
        c.byState[q.getText(0)] = q.getInt(1);
        c.total += q.getInt(1);
      }
      return c;
    };
    all = counts("");
    profile = counts("profile");
    injection = counts("injection");
  }
  auto open = [](RunCounts &c) { return c.byState["planned"] + c.byState["running"]; };
  std::string phase = all.total == 0 ? "not started"
                      : open(profile)  ? "profile"
                      : open(injection) ? "injection"
                                        : "finished";
  int64_t finished = all.total - open(all);
  double first = scalarReal(db, "SELECT MIN(started_at) FROM runs");
  double last = scalarReal(db, "SELECT MAX(COALESCE(finished_at, started_at)) FROM runs");
  double elapsed = last > first ? last - first : 0;
  int64_t faults = scalar(db,
                          "SELECT COUNT(*) FROM (SELECT DISTINCT ev.site, ev.context FROM run_events ev JOIN runs r ON "
                          "r.id = ev.run_id JOIN experiments e ON e.id = r.experiment_id WHERE e.kind = 'profile' AND "
                          "ev.reached > 0)");
  nlohmann::json j = {
      {"database", dbPath},
      {"phase", phase},
      {"runs_total", all.total},
      {"profile_runs", profile.total},
      {"injection_runs", injection.total},
      {"experiments", scalar(db, "SELECT COUNT(*) FROM experiments")},
      {"injection_experiments", scalar(db, "SELECT COUNT(*) FROM experiments WHERE kind = 'injection'")},
      {"tests", scalar(db, "SELECT COUNT(*) FROM tests")},
      {"flaky_tests", scalar(db, "SELECT COUNT(*) FROM tests WHERE flaky = 1")},
      {"failing_tests", scalar(db, "SELECT COUNT(*) FROM tests WHERE broken = 1")},
      {"sites", scalar(db, "SELECT COUNT(*) FROM sites")},
      {"faults_reached", faults},
      {"elapsed_seconds", elapsed},
      {"runs_per_second", elapsed > 0 ? finished / elapsed : 0.0},
  };
  for (auto &[state, n] : all.byState) j["runs_" + state] = n;
  if (json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("campaign %s: phase %s\n", dbPath.c_str(), phase.c_str());
  std::printf("  runs: %lld total (%lld profile, %lld injection)\n", (long long)all.total, (long long)profile.total,
              (long long)injection.total);
  std::printf("        planned %lld, running %lld, done %lld, failed %lld, timed out %lld, not fired %lld\n",
              (long long)all.byState["planned"], (long long)all.byState["running"], (long long)all.byState["done"],
              (long long)all.byState["failed"], (long long)all.byState["timed_out"],
              (long long)all.byState["not_fired"]);
  std::printf("  tests: %lld (%lld flaky, %lld failing without faults)\n", (long long)j["tests"].get<int64_t>(),
              (long long)j["flaky_tests"].get<int64_t>(), (long long)j["failing_tests"].get<int64_t>());
  std::printf("  sites: %lld, faults reached in profiles: %lld, injection experiments: %lld\n",
              (long long)j["sites"].get<int64_t>(), (long long)faults,
              (long long)j["injection_experiments"].get<int64_t>());
  std::printf("  elapsed %.0f s, %.2f runs/s\n", elapsed, elapsed > 0 ? finished / elapsed : 0.0);
  return 0;
}

}  // namespace

Command addStatusCommand(CLI::App &root) {
  auto a = std::make_shared<StatusArgs>();
  CLI::App *app = root.add_subcommand("status", "show where a campaign stands");
  app->add_option("--db", a->dbPath, "campaign database")->type_name("FILE")->required();
  app->add_flag("--json", a->json, "print the status as JSON");
  return {app, [a] { return runStatusCommand(*a); }};
}

}  // namespace csnake::cli
