// `csnake tests --build DIR [--json] [--tests-file FILE] [--label L] [--tests FILTER]`:
// what test discovery finds, without running any test.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/arg_parser.h"
#include "commands.h"
#include "discovery/test_discovery.h"

namespace csnake::cli {

namespace {
const char kUsage[] =
    "usage: csnake tests --build DIR [--json] [--tests-file FILE] [--label LABEL] [--tests FILTER]\n";
}

int runTestsCommand(int argc, char **argv) {
  std::string build, listFile, filter;
  bool json = false;
  DiscoveryOptions opts;
  ArgParser args("tests", kUsage);
  args.value("--build", build).value("--tests-file", listFile).value("--label", opts.labelFilter);
  args.value("--tests", filter).flag("--json", json);
  if (int rc = args.parse(argc, argv); rc >= 0) return rc;
  if (build.empty() && listFile.empty()) return args.usageError("--build or --tests-file is required");
  std::vector<TestCase> tests;
  try {
    tests = filterTests(discoverTests(build, listFile, opts), filter);
  } catch (const DiscoveryError &e) {
    std::fprintf(stderr, "csnake tests: %s\n", e.what());
    return 1;
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const TestCase &t : tests)
      out.push_back({{"id", t.id}, {"binary", t.binary}, {"adapter", t.adapter}, {"argv", t.argv}, {"cwd", t.cwd},
                     {"labels", t.labels}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const TestCase &t : tests) std::printf("%-60s %-12s %s\n", t.id.c_str(), t.adapter.c_str(), t.binary.c_str());
  std::printf("%zu tests\n", tests.size());
  return 0;
}

}  // namespace csnake::cli
