// `csnake plan --db FILE [--json] [--phase PHASE]`: every experiment the allocator chose,
// in order, with its phase, fault, test, reason and score, and how its runs ended — so a
// user can ask why a run was chosen. `skip` is the plan's injection point: the runtime lets
// that many matching reaches (delay faults: loop invocations) pass before injecting.

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/experiment_queries.h"

namespace csnake::cli {

namespace {

struct PlanArgs {
  std::string dbPath, phase;
  bool json = false;
};

int runPlanCommand(const PlanArgs &a) {
  const std::string &dbPath = a.dbPath, &phase = a.phase;
  const bool json = a.json;
  CampaignDb db(dbPath, OpenMode::ReadOnly);
  nlohmann::json out = nlohmann::json::array();
  for (const PlanEntry &p : planEntries(db, phase)) {
    nlohmann::json e = {{"experiment", p.experiment},
                        {"allocator", p.allocator},
                        {"phase", p.phase},
                        {"fault",
                         {{"id", p.fault},
                          {"kind", p.faultKind},
                          {"file", p.faultFile},
                          {"line", p.faultLine},
                          {"function", p.faultFunction}}},
                        {"context", p.context},
                        {"mode", p.mode},
                        {"skip", p.skip},
                        {"delay_ms", p.delayMs},
                        {"errno", p.errnoName},
                        {"reason", p.reason},
                        {"score", p.score},
                        {"test", p.test},
                        {"runs", p.runStates}};
    if (json) {
      out.push_back(e);
      continue;
    }
    std::string what = p.faultKind + " " + p.faultFile + ":" + std::to_string(p.faultLine);
    if (p.delayMs) what += " delay " + std::to_string(p.delayMs) + " ms";
    if (!p.errnoName.empty()) what += " " + p.errnoName;
    if (p.skip) what += " skip " + std::to_string(p.skip);
    std::printf("#%-5lld %-10s %-11s %-60s on %s\n        why: %s (score %.3f)  runs: %s\n", (long long)p.experiment,
                p.allocator.c_str(), p.phase.c_str(), what.c_str(), p.test.c_str(), p.reason.c_str(), p.score,
                p.runStates.c_str());
  }
  if (json) std::cout << out.dump(2) << "\n";
  return 0;
}

}  // namespace

Command addPlanCommand(CLI::App &root) {
  auto a = std::make_shared<PlanArgs>();
  CLI::App *app = root.add_subcommand("plan", "show which experiments the allocator chose, and why");
  app->add_option("--db", a->dbPath, "campaign database")->type_name("FILE")->required();
  app->add_option("--phase", a->phase, "only experiments of this allocation phase")->type_name("PHASE");
  app->add_flag("--json", a->json, "print the experiments as JSON");
  return {app, [a] { return runPlanCommand(*a); }};
}

}  // namespace csnake::cli
