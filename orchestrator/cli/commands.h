// The `csnake` subcommands. Each lives in its own file and takes the arguments after its
// name (argv[0] is the subcommand). Return value = process exit status.
#pragma once

#include <string>

namespace csnake::analyzer {
struct AnalysisOptions;
}

namespace csnake::cli {

int runSitesCommand(int argc, char **argv);  // sites_command.cpp
int runExecCommand(int argc, char **argv);   // exec_command.cpp
int runTraceCommand(int argc, char **argv);  // trace_command.cpp
int runTestsCommand(int argc, char **argv);  // tests_command.cpp
int runCampaignCommand(int argc, char **argv);  // campaign_command.cpp
int runStatusCommand(int argc, char **argv);  // status_command.cpp
int runPlanCommand(int argc, char **argv);    // plan_command.cpp
int runAnalyzeCommand(int argc, char **argv);  // analyze_command.cpp
int runCyclesCommand(int argc, char **argv);   // cycles_command.cpp
int runEdgesCommand(int argc, char **argv);    // edges_command.cpp

// Analyses a campaign database and prints the one-paragraph summary (analyze_command.cpp);
// `who` names the command in error messages. Exit status.
int analyzeDatabaseFile(const std::string &dbPath, const analyzer::AnalysisOptions &opts, bool json, const char *who);

}  // namespace csnake::cli
