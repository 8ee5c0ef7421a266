// `csnake status --db FILE [--json]`: where a campaign stands. Safe while the campaign
// runs (WAL: this reader never blocks the writer).
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/status_queries.h"

namespace csnake::cli {

namespace {

struct StatusArgs {
  std::string dbPath;
  bool json = false;
};

int runStatusCommand(const StatusArgs &a) {
  const std::string &dbPath = a.dbPath;
  const bool json = a.json;
  CampaignDb db(dbPath, OpenMode::ReadOnly);
  CampaignStatus cs = campaignStatus(db);
  const RunCounts &all = cs.all, &profile = cs.profile, &injection = cs.injection;
  std::string phase = all.total == 0     ? "not started"
                      : profile.open()   ? "profile"
                      : injection.open() ? "injection"
                                         : "finished";
  int64_t finished = all.total - all.open();
  double elapsed = cs.lastActivity > cs.firstStart ? cs.lastActivity - cs.firstStart : 0;
  int64_t faults = cs.faultsReached;
  nlohmann::json j = {
      {"database", dbPath},
      {"phase", phase},
      {"runs_total", all.total},
      {"profile_runs", profile.total},
      {"injection_runs", injection.total},
      {"experiments", cs.experiments},
      {"injection_experiments", cs.injectionExperiments},
      {"tests", cs.tests},
      {"flaky_tests", cs.flakyTests},
      {"failing_tests", cs.failingTests},
      {"sites", cs.sites},
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
              (long long)all.byState.at("planned"), (long long)all.byState.at("running"),
              (long long)all.byState.at("done"), (long long)all.byState.at("failed"),
              (long long)all.byState.at("timed_out"), (long long)all.byState.at("not_fired"));
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
