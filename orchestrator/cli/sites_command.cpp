// `csnake sites BINARY [--json] [--kind KIND] [--all]`: the site catalogue of an
// instrumented binary, read from its csnake_sites section without running anything.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/site_catalog.h"
#include "commands.h"

namespace csnake::cli {

namespace {

const char kUsage[] =
    "usage: csnake sites BINARY [--json] [--kind THROW|ERROR_RETURN|LIBCALL|LOOP|BRANCH] [--all]\n"
    "  Lists the fault sites compiled into BINARY. BRANCH sites (branch points recorded\n"
    "  for path signatures) are shown only with --all or --kind BRANCH.\n";

nlohmann::json siteJson(const FaultSite &s) {
  nlohmann::json j = {{"id", formatSiteId(s.id)},
                      {"kind", siteKindName(s.kind)},
                      {"file", s.file},
                      {"line", s.line},
                      {"column", s.column},
                      {"function", s.demangled},
                      {"mangled", s.function},
                      {"injectable", s.injectable()}};
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

}  // namespace

int runSitesCommand(int argc, char **argv) {
  std::string binary;
  bool json = false, all = false, haveKind = false;
  SiteKind kind = SiteKind::Loop;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") json = true;
    else if (a == "--all") all = true;
    else if (a == "--kind" && i + 1 < argc) {
      if (!parseSiteKind(argv[++i], kind)) {
        std::fprintf(stderr, "csnake sites: unknown kind '%s'\n%s", argv[i], kUsage);
        return 2;
      }
      haveKind = true;
    } else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "csnake sites: unknown option '%s'\n%s", a.c_str(), kUsage);
      return 2;
    } else if (binary.empty()) binary = a;
    else {
      std::fprintf(stderr, "csnake sites: one binary at a time ('%s')\n", a.c_str());
      return 2;
    }
  }
  if (binary.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  SiteCatalog cat;
  try {
    cat = SiteCatalog::fromBinary(binary);
  } catch (const CatalogError &e) {
    std::fprintf(stderr, "csnake sites: %s\n", e.what());
    return 1;
  }
  auto shown = [&](const FaultSite &s) {
    if (haveKind) return s.kind == kind;
    return all || s.kind != SiteKind::Branch;
  };
  if (json) {
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
    std::printf("%s %-12s %s:%u %s", formatSiteId(s.id).c_str(), siteKindName(s.kind), s.file.c_str(),
                s.line, s.demangled.c_str());
    if (s.kind == SiteKind::Loop) std::printf(" [%s]", loopFacts(s).c_str());
    else if (!s.detail.empty()) std::printf(" [%s]", s.detail.c_str());
    std::printf("\n");
  }
  std::printf("%zu sites in %zu modules\n", n, cat.moduleCount());
  return 0;
}

}  // namespace csnake::cli
