// `csnake plan --db FILE [--json] [--phase PHASE]`: every experiment the allocator chose,
// in order, with its phase, fault, test, reason and score, and how its runs ended — so a
// user can ask why a run was chosen. `skip` is the plan's injection point: the runtime lets
// that many matching reaches (delay faults: loop invocations) pass before injecting.
#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "db/schema.h"
#include "db/sqlite.h"

namespace csnake::cli {

namespace {

struct PlanArgs {
  std::string dbPath, phase;
  bool json = false;
};

int runPlanCommand(const PlanArgs &a) {
  const std::string &dbPath = a.dbPath, &phase = a.phase;
  const bool json = a.json;
  struct stat st;
  if (stat(dbPath.c_str(), &st) != 0) {
    std::fprintf(stderr, "csnake plan: %s: no such campaign database\n", dbPath.c_str());
    return 1;
  }
  Database db(dbPath, false);
  if (schemaVersion(db) > kSchemaVersion) {
    std::fprintf(stderr, "csnake plan: %s: schema version %d is newer than this csnake supports (%d)\n",
                 dbPath.c_str(), schemaVersion(db), kSchemaVersion);
    return 1;
  }
  // Databases older than schema 3 (not migrated by this read-only command) have no skip.
  std::string skipColumn = schemaVersion(db) >= 3 ? "e.skip" : "0";
  Statement q = db.prepare(
      "SELECT e.id, e.allocator, e.phase, e.fault, e.context, e.mode, e.delay_ms, e.errno_name, e.reason, e.score, "
      "t.name, COALESCE(s.kind, ''), COALESCE(s.file, ''), COALESCE(s.line, 0), COALESCE(s.function, ''), "
      "(SELECT group_concat(state, ',') FROM (SELECT state FROM runs WHERE experiment_id = e.id ORDER BY repeat)), " +
      skipColumn +
      " FROM experiments e JOIN tests t ON t.id = e.test_id LEFT JOIN sites s ON s.id = e.fault "
      "WHERE e.kind = 'injection' AND (? = '' OR e.phase = ?) ORDER BY e.id");
  q.bind(1, phase).bind(2, phase);
  nlohmann::json out = nlohmann::json::array();
  while (q.step()) {
    nlohmann::json e = {{"experiment", q.getInt(0)}, {"allocator", q.getText(1)}, {"phase", q.getText(2)},
                        {"fault", {{"id", q.getText(3)}, {"kind", q.getText(11)}, {"file", q.getText(12)},
                                   {"line", q.getInt(13)}, {"function", q.getText(14)}}},
                        {"context", q.getText(4)}, {"mode", q.getText(5)}, {"skip", q.getInt(16)}, {"delay_ms", q.getInt(6)},
                        {"errno", q.getText(7)}, {"reason", q.getText(8)}, {"score", q.getDouble(9)},
                        {"test", q.getText(10)}, {"runs", q.getText(15)}};
    if (json) {
      out.push_back(e);
      continue;
    }
    std::string what = q.getText(11) + " " + q.getText(12) + ":" + std::to_string(q.getInt(13));
    if (q.getInt(6)) what += " delay " + std::to_string(q.getInt(6)) + " ms";
    if (!q.getText(7).empty()) what += " " + q.getText(7);
    if (q.getInt(16)) what += " skip " + std::to_string(q.getInt(16));
    std::printf("#%-5lld %-10s %-11s %-60s on %s\n        why: %s (score %.3f)  runs: %s\n", (long long)q.getInt(0),
                q.getText(1).c_str(), q.getText(2).c_str(), what.c_str(), q.getText(10).c_str(), q.getText(8).c_str(),
                q.getDouble(9), q.getText(15).c_str());
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
