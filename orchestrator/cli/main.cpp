// `csnake`: the command-line front end. Thin: each subcommand is its own file.
#include <cstdio>
#include <cstring>

#include "commands.h"

namespace {

struct Command {
  const char *name;
  int (*run)(int, char **);
  const char *summary;
};

const Command kCommands[] = {
    {"sites", csnake::cli::runSitesCommand, "list the fault sites of an instrumented binary"},
    {"exec", csnake::cli::runExecCommand, "run a command with one fault armed and record its trace"},
    {"trace", csnake::cli::runTraceCommand, "decode a trace directory"},
    {"tests", csnake::cli::runTestsCommand, "list the tests of a target build"},
    {"campaign", csnake::cli::runCampaignCommand, "profile and inject across a target's tests (resumable)"},
    {"status", csnake::cli::runStatusCommand, "show where a campaign stands"},
    {"plan", csnake::cli::runPlanCommand, "show which experiments the allocator chose, and why"},
    {"analyze", csnake::cli::runAnalyzeCommand, "find causal edges and cycles in a campaign database"},
    {"cycles", csnake::cli::runCyclesCommand, "list the cycles found by analyze, ranked"},
    {"edges", csnake::cli::runEdgesCommand, "list the causal edges found by analyze"},
};

void usage(FILE *out) {
  std::fprintf(out, "usage: csnake <command> [options]\n\ncommands:\n");
  for (const Command &c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\n'csnake <command> --help' describes a command.\n");
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  for (const Command &c : kCommands)
    if (!std::strcmp(argv[1], c.name)) return c.run(argc - 1, argv + 1);
  std::fprintf(stderr, "csnake: unknown command '%s' (try 'csnake --help')\n", argv[1]);
  return 2;
}
