// The `csnake` subcommands. Each lives in its own file: it adds its CLI11 subcommand to the
// root with every option bound, and returns how to run it once parsing succeeded. main.cpp
// is the one place that turns errors into messages and exit statuses.
#pragma once

#include <atomic>

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace csnake::analyzer {
struct AnalysisOptions;
}

namespace csnake::cli {

// A command-line problem only visible after parsing (a missing required option, options
// that need each other): "csnake CMD: problem", exit 2, like a parse error.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Command {
  CLI::App *app = nullptr;
  // Exit status. Anything it throws becomes "csnake CMD: what()" and exit 1.
  std::function<int()> run;
  // Set by commands that run another program: receives everything after the first "--".
  std::vector<std::string> *trailing = nullptr;
};

Command addSitesCommand(CLI::App &root);     // sites_command.cpp
Command addExecCommand(CLI::App &root);      // exec_command.cpp
Command addTraceCommand(CLI::App &root);     // trace_command.cpp
Command addTestsCommand(CLI::App &root);     // tests_command.cpp
Command addCampaignCommand(CLI::App &root);  // campaign_command.cpp
Command addStatusCommand(CLI::App &root);    // status_command.cpp
Command addPlanCommand(CLI::App &root);      // plan_command.cpp
Command addAnalyzeCommand(CLI::App &root);   // analyze_command.cpp
Command addCyclesCommand(CLI::App &root);    // cycles_command.cpp
Command addEdgesCommand(CLI::App &root);     // edges_command.cpp

// Analyses a campaign database and prints the one-paragraph summary (analyze_command.cpp).
// Exit status; throws on a database or analysis error.
// Analyses a database and prints the summary. `stop`: the caller's SIGINT/SIGTERM flag; when
// it is set the analysis stops before writing and this returns 130.
int analyzeDatabaseFile(const std::string &dbPath, analyzer::AnalysisOptions opts, bool json,
                        const std::atomic<bool> *stop = nullptr);

}  // namespace csnake::cli
