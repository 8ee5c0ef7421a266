// `csnake cycles --db FILE [--json] [--all] [--id ID]`: the fault cycles of the last
// analysis, ranked (docs/analyzer.md §3, "Ranking"), each with the steps of its best
// chain. --all adds the fault cycles the compatibility check rejected, with the reason, and
// the composite ones (a shorter accepted fault cycle runs through a subset of their faults);
// --id shows one fault cycle with every step's evidence and its other chains.

#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands.h"
#include "csnake/campaigndb/campaign_db.h"
#include "store/analysis_reader.h"

namespace csnake::cli {

namespace {

std::string joinTests(const nlohmann::json &tests) {
  std::string s;
  for (const auto &t : tests) s += (s.empty() ? "" : ", ") + t.get<std::string>();
  return s.empty() ? "-" : s;
}

struct CyclesArgs {
  std::string dbPath, id;
  bool json = false, all = false;
};

void printSteps(const nlohmann::json &c) {
  for (const auto &s : c["steps"]) {
    std::printf("  [%s] edge %lld%s\n", s["type"].get<std::string>().c_str(),
                static_cast<long long>(s["edge"].get<int64_t>()),
                s.value("next_fault_observed", true) ? "" : "  (next fault reached, not observed)");
    std::printf("      cause  %s  in context %s\n", analyzer::siteLine(s["cause"]).c_str(),
                s["cause_context"].value("id", "").c_str());
    std::printf("      effect %s\n", analyzer::siteLine(s["effect"]).c_str());
    if (s.contains("hop"))
      std::printf("      hop    child %s -> parent %s (parent_delay edge %lld)\n",
                  s["hop"]["child"].value("id", "").c_str(), s["hop"]["parent"].value("id", "").c_str(),
                  static_cast<long long>(s["hop"]["edge"].get<int64_t>()));
    std::printf("      tests  %s\n", joinTests(s["tests"]).c_str());
    const auto &j = s["junction"];
    if (j.is_object() && j.contains("verdict")) {
      std::printf("      junction at %s: %s\n", j.value("loop", "").c_str(), j["verdict"].get<std::string>().c_str());
      for (const auto &line : j.value("core", nlohmann::json::array()))
        std::printf("        unsat: %s\n", line.get<std::string>().c_str());
    }
  }
}

void printHeader(int rank, const nlohmann::json &c) {
  std::printf("#%d  fault cycle %s: %zu fault(s), %lld delay fault(s), %lld test(s), %s", rank,
              c["id"].get<std::string>().c_str(), c["faults"].size(), static_cast<long long>(c["delays"].get<int64_t>()),
              static_cast<long long>(c["n_tests"].get<int64_t>()), c["verdict"].get<std::string>().c_str());
  if (c.value("inferred_steps", 0) > 0)
    std::printf(", %d step(s) inferred", c.value("inferred_steps", 0));
  else
    std::printf(", every step observed");
  if (c["chains"].get<int64_t>() > 1) std::printf(" (+%lld other chain(s))", (long long)(c["chains"].get<int64_t>() - 1));
  std::printf("\n");
  if (!c["composite_of"].empty()) {
    std::string of;
    for (const auto &id : c["composite_of"]) of += (of.empty() ? "" : ", ") + id.get<std::string>();
    std::printf("    composite: runs through the faults of %s\n", of.c_str());
  }
  if (!c.value("variant_of", std::string()).empty())
    std::printf("    nesting variant of %s: the same cascade with a delay at an enclosing or enclosed loop\n",
                c["variant_of"].get<std::string>().c_str());
}

int showOneCycle(CampaignDb &db, const CyclesArgs &a) {
  nlohmann::json c = analyzer::readCycle(db, a.id);
  if (c.is_null()) throw std::runtime_error(a.dbPath + ": no fault cycle " + a.id + " in the last analysis");
  if (a.json) {
    std::cout << c.dump(2) << "\n";
    return 0;
  }
  printHeader(static_cast<int>(c["rank"].get<int64_t>()), c);
  std::printf("  faults in cycle order:\n");
  for (const auto &f : c["faults"])
    std::printf("    %s%s  in context %s\n", analyzer::siteLine(f["site"]).c_str(),
                f.value("delay", false) ? " (delay)" : "", f["context"].value("id", "").c_str());
  if (c["steps"].empty() && !c["composite_of"].empty()) {
    // Composites keep no steps (docs/analyzer.md §5): the fault cycles they run through
    // are their evidence.
    std::printf("  chain edges: %s (a composite fault cycle stores no steps: `cycles --id` of the fault cycles "
                "above shows them)\n",
                c["representative_chain"]["edges"].dump().c_str());
  } else {
    std::printf("  best chain:\n");
    printSteps(c);
  }
  for (const auto &s : c["steps"]) {
    const auto &ev = s.value("evidence", nlohmann::json::object());
    std::printf("  edge %lld evidence: %s\n", static_cast<long long>(s["edge"].get<int64_t>()), ev.dump().c_str());
  }
  if (!c["alternatives"].empty()) {
    std::printf("  other chains (edges, verdict):\n");
    for (const auto &alt : c["alternatives"])
      std::printf("    %s  %s\n", alt["edges"].dump().c_str(), alt.value("verdict", "").c_str());
  }
  return 0;
}

int runCyclesCommand(const CyclesArgs &a) {
  const std::string &dbPath = a.dbPath;
  const bool json = a.json, all = a.all;
  CampaignDb db(dbPath, OpenMode::ReadOnly);
  analyzer::requireAnalysis(db);
  if (!a.id.empty()) return showOneCycle(db, a);
  nlohmann::json cycles = analyzer::readCycles(db, all);
  if (json) {
    std::cout << cycles.dump(2) << "\n";
    return 0;
  }
  if (cycles.empty()) {
    size_t rejected = all ? 0 : analyzer::readCycles(db, true).size();
    if (rejected)
      std::printf("no fault cycles (%zu rejected, composite or variants: --all shows them)\n",
                  rejected);
    else
      std::printf("no fault cycles\n");
    return 0;
  }
  int n = 0;
  for (const auto &c : cycles) {
    printHeader(++n, c);
    printSteps(c);
  }
  return 0;
}

}  // namespace

Command addCyclesCommand(CLI::App &root) {
  auto a = std::make_shared<CyclesArgs>();
  CLI::App *app = root.add_subcommand("cycles", "list the fault cycles found by analyze, ranked");
  app->add_option("--db", a->dbPath, "campaign database")->type_name("FILE")->required();
  app->add_flag("--json", a->json, "print the cycles as JSON");
  app->add_flag("--all", a->all,
                "include fault cycles rejected by the compatibility check, composite ones and nesting variants");
  app->add_option("--id", a->id, "show one fault cycle (its stable id, e.g. fc0123456789abcdef) with its evidence")
      ->type_name("ID");
  return {app, [a] { return runCyclesCommand(*a); }};
}

}  // namespace csnake::cli
