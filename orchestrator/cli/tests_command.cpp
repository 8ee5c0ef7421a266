// `csnake tests --build DIR [--json] [--tests-file FILE] [--label L] [--tests FILTER]`:
// what test discovery finds, without running any test.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "discovery/test_discovery.h"

namespace csnake::cli {

namespace {

struct TestsArgs {
  std::string build, listFile, filter;
  bool json = false;
  DiscoveryOptions discovery;
};

int runTestsCommand(const TestsArgs &a) {
  if (a.build.empty() && a.listFile.empty()) throw UsageError("--build or --tests-file is required");
  std::vector<TestCase> tests = filterTests(discoverTests(a.build, a.listFile, a.discovery), a.filter);
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const TestCase &t : tests)
      out.push_back({{"id", t.id},
                     {"binary", t.binary},
                     {"adapter", t.adapter},
                     {"argv", t.argv},
                     {"cwd", t.cwd},
                     {"labels", t.labels},
                     {"env", t.env}});
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  for (const TestCase &t : tests) std::printf("%-60s %-12s %s\n", t.id.c_str(), t.adapter.c_str(), t.binary.c_str());
  std::printf("%zu tests\n", tests.size());
  return 0;
}

}  // namespace

Command addTestsCommand(CLI::App &root) {
  auto a = std::make_shared<TestsArgs>();
  CLI::App *app = root.add_subcommand("tests", "list the tests of a target build");
  app->add_option("--build", a->build, "target build directory (CTest or GoogleTest binaries)")->type_name("DIR");
  app->add_option("--tests-file", a->listFile, "explicit test list instead of discovery")->type_name("FILE");
  app->add_option("--label", a->discovery.labelFilter, "only CTest tests with this label")->type_name("LABEL");
  app->add_option("--tests", a->filter, "GoogleTest-style filter on test ids, e.g. 'Dfs*:-*Slow*'")
      ->type_name("FILTER");
  app->add_flag("--json", a->json, "print the tests as JSON");
  return {app, [a] { return runTestsCommand(*a); }};
}

}  // namespace csnake::cli
