// `csnake edges --db FILE [--json]`: the causal edges of the last analysis.

#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "csnake/campaigndb/campaign_db.h"
#include "store/analysis_reader.h"

namespace csnake::cli {

namespace {

struct EdgesArgs {
  std::string dbPath;
  bool json = false;
};

int runEdgesCommand(const EdgesArgs &a) {
  const std::string &dbPath = a.dbPath;
  const bool json = a.json;
  CampaignDb db(dbPath, OpenMode::ReadOnly);
  analyzer::requireAnalysis(db);
  nlohmann::json edges = analyzer::readEdges(db);
  if (json) {
    std::cout << edges.dump(2) << "\n";
    return 0;
  }
  if (edges.empty()) {
    std::printf("no causal edges\n");
    return 0;
  }
  for (const auto &e : edges) {
    std::string tests;
    for (const auto &t : e["tests"]) tests += (tests.empty() ? "" : ", ") + t.get<std::string>();
    std::printf("edge %lld [%s]\n  cause  %s  in context %s\n  effect %s\n  tests  %s\n",
                static_cast<long long>(e["id"].get<int64_t>()), e["type"].get<std::string>().c_str(),
                analyzer::siteLine(e["cause"]).c_str(), e["cause_context"].value("id", "").c_str(),
                analyzer::siteLine(e["effect"]).c_str(), tests.c_str());
  }
  return 0;
}

}  // namespace

Command addEdgesCommand(CLI::App &root) {
  auto a = std::make_shared<EdgesArgs>();
  CLI::App *app = root.add_subcommand("edges", "list the causal edges found by analyze");
  app->add_option("--db", a->dbPath, "campaign database")->type_name("FILE")->required();
  app->add_flag("--json", a->json, "print the edges as JSON");
  return {app, [a] { return runEdgesCommand(*a); }};
}

}  // namespace csnake::cli
