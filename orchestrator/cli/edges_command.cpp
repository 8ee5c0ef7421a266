// `csnake edges --db FILE [--json]`: the causal edges of the last analysis.

#include <cstdio>
#include <iostream>

#include "cli/arg_parser.h"
#include "commands.h"
#include "csnake/campaigndb/campaign_db.h"
#include "store/analysis_reader.h"

namespace csnake::cli {

namespace {
const char kUsage[] = "usage: csnake edges --db FILE [--json]\n";
}

int runEdgesCommand(int argc, char **argv) {
  std::string dbPath;
  bool json = false;
  ArgParser args("edges", kUsage);
  args.value("--db", dbPath).flag("--json", json);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (dbPath.empty()) return args.usageError("--db is required");
  try {
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
  } catch (const std::exception &e) {
    std::fprintf(stderr, "csnake edges: %s\n", e.what());
    return 1;
  }
}

}  // namespace csnake::cli
