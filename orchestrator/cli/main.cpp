// `csnake`: the command-line front end. Thin: each subcommand is its own file; this file
// parses (CLI11) and is the one place that turns errors into messages and exit statuses:
//   usage errors (parsing, bad option values, UsageError)  -> "csnake CMD: problem", exit 2
//   anything a command throws (DbError, TraceError, ...)   -> "csnake CMD: message", exit 1
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"

namespace {

using csnake::cli::Command;

std::string who(const CLI::App &root) {
  auto chosen = root.get_subcommands();
  return chosen.empty() ? "csnake" : "csnake " + chosen.front()->get_name();
}

}  // namespace

int main(int argc, char **argv) {
  CLI::App root("csnake: find self-sustaining cascading failures by fault injection.", "csnake");
  root.require_subcommand(1);
  root.footer("'csnake <command> --help' describes a command.");
  // A repeated option keeps its last value (as the hand-written parser did).
  root.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::vector<Command> commands = {
      csnake::cli::addSitesCommand(root), csnake::cli::addExecCommand(root),     csnake::cli::addTraceCommand(root),
      csnake::cli::addTestsCommand(root), csnake::cli::addCampaignCommand(root), csnake::cli::addStatusCommand(root),
      csnake::cli::addPlanCommand(root),  csnake::cli::addAnalyzeCommand(root),  csnake::cli::addCyclesCommand(root),
      csnake::cli::addEdgesCommand(root),
  };
  if (argc < 2) {
    std::cerr << root.help();
    return 2;
  }
  if (!std::strcmp(argv[1], "help")) {
    std::cout << root.help();
    return 0;
  }

  // A command that runs another program takes everything after the first "--" verbatim;
  // CLI11 sees only what comes before.
  int parsed = argc;
  for (Command &c : commands)
    if (c.trailing && c.app->get_name() == argv[1]) {
      int dashes = 1;
      while (dashes < argc && std::strcmp(argv[dashes], "--")) ++dashes;
      c.trailing->assign(argv + std::min(dashes + 1, argc), argv + argc);
      parsed = dashes;
    }

  try {
    root.parse(parsed, argv);
  } catch (const CLI::CallForHelp &e) {
    return root.exit(e);
  } catch (const CLI::ParseError &e) {
    if (root.get_subcommands().empty() && argv[1][0] != '-') {
      std::fprintf(stderr, "csnake: unknown command '%s' (try 'csnake --help')\n", argv[1]);
      return 2;
    }
    std::fprintf(stderr, "%s: %s\n", who(root).c_str(), e.what());
    return 2;
  }

  for (Command &c : commands) {
    if (!c.app->parsed()) continue;
    try {
      return c.run();
    } catch (const csnake::cli::UsageError &e) {
      std::fprintf(stderr, "%s: %s\n", who(root).c_str(), e.what());
      return 2;
    } catch (const std::exception &e) {
      std::fprintf(stderr, "%s: %s\n", who(root).c_str(), e.what());
      return 1;
    }
  }
  return 2;  // unreachable: require_subcommand(1)
}
