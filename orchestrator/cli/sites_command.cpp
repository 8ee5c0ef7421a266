// `csnake sites BINARY [--json] [--kind KIND] [--all]`: the site catalogue of an
// instrumented binary, read from its csnake_sites section without running anything.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "catalog/site_catalog.h"
#include "cli/options.h"
#include "commands.h"

namespace csnake::cli {

namespace {

nlohmann::json siteJson(const FaultSite &s) {
  nlohmann::json j = {{"id", formatSiteId(s.id)}, {"kind", siteKindName(s.kind)}, {"file", s.file},
                      {"line", s.line},           {"column", s.column},           {"function", s.demangled},
                      {"mangled", s.function},    {"injectable", s.injectable()}};
  if (!s.detail.empty()) j["detail"] = s.detail;
  if (s.parentLoop) j["parent_loop"] = formatSiteId(s.parentLoop);
  if (s.kind == SiteKind::Loop) {
    j["size"] = s.loopSize;
    j["io"] = s.loopDoesIo();
    j["sleeps"] = s.loopSleeps();
    j["const_trip"] = s.loopConstTrip();
    j["small"] = s.loopSmall();
    j["delay_candidate"] = s.delayCandidate();
  }
  if (s.kind == SiteKind::Throw) j["plain_throw"] = s.plainThrow();
  return j;
}

std::string loopFacts(const FaultSite &s) {
  std::string f = "size=" + std::to_string(s.loopSize);
  if (s.loopDoesIo()) f += " io";
  if (s.loopSleeps()) f += " sleeps";
  if (s.loopConstTrip()) f += " const-trip";
  if (s.loopSmall()) f += " small";
  return f;
}

struct SitesArgs {
  std::string binary;
  bool json = false, all = false;
  std::optional<SiteKind> kind;
};

int runSitesCommand(const SitesArgs &a) {
  SiteCatalog cat = SiteCatalog::fromBinary(a.binary);
  auto shown = [&](const FaultSite &s) {
    if (a.kind) return s.kind == *a.kind;
    return a.all || s.kind != SiteKind::Branch;
  };
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const FaultSite &s : cat.sites())
      if (shown(s)) out.push_back(siteJson(s));
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  size_t n = 0;
  for (const FaultSite &s : cat.sites()) {
    if (!shown(s)) continue;
    ++n;
    std::printf("%s %-12s %s:%u %s", formatSiteId(s.id).c_str(), siteKindName(s.kind), s.file.c_str(), s.line,
                s.demangled.c_str());
    if (s.kind == SiteKind::Loop)
      std::printf(" [%s]", loopFacts(s).c_str());
    else if (!s.detail.empty())
      std::printf(" [%s]", s.detail.c_str());
    std::printf("\n");
  }
  std::printf("%zu sites in %zu modules\n", n, cat.moduleCount());
  return 0;
}

}  // namespace

Command addSitesCommand(CLI::App &root) {
  auto a = std::make_shared<SitesArgs>();
  CLI::App *app = root.add_subcommand("sites", "list the fault sites of an instrumented binary");
  app->add_option("BINARY", a->binary, "instrumented binary (or shared library)")->required();
  app->add_flag("--json", a->json, "print the catalogue as JSON");
  addChecked(
      *app, "--kind",
      [a](const std::string &text) {
        SiteKind k;
        if (!parseSiteKind(text, k)) return false;
        a->kind = k;
        return true;
      },
      "is THROW, ERROR_RETURN, LIBCALL, LOOP or BRANCH", "only sites of this kind")
      ->type_name("KIND");
  app->add_flag("--all", a->all, "include BRANCH sites");
  app->footer("BRANCH sites (branch points recorded for path signatures) are shown only with --all or --kind BRANCH.");
  return {app, [a] { return runSitesCommand(*a); }};
}

}  // namespace csnake::cli
