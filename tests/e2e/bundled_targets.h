// The bundled targets as the ground-truth tests see them: each target's cascades.json,
// instrumented build and test binary, and how a documented location (file, function,
// line) is found in `csnake sites --json`.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace e2e {

struct Target {
  std::string name, cascadesJson, buildDir, testBinary;
  // Documented cycles the ground-truth campaign must find. Raise it when a fix makes
  // another one detectable; never lower it to make the test pass.
  size_t minCyclesFound = 0;
  // Documented cycles an untargeted default campaign at the discovery test's budget must
  // find (the Discovery test; measured floor, a ratchet like minCyclesFound).
  size_t minDiscovered = 0;
  std::string testBinaryPath() const { return buildDir + "/" + testBinary; }
};

inline void PrintTo(const Target &t, std::ostream *os) { *os << t.name; }

std::vector<Target> bundledTargets();

// A source location as cascades.json and `csnake sites` name it; functions compare
// without parameters and ABI tags.
struct Loc {
  std::string file, function;
  int line = 0;
  bool operator<(const Loc &o) const;
  bool operator==(const Loc &o) const;
  std::string str() const;
};

std::string normFunction(std::string f);
Loc locOf(const nlohmann::json &j);
// The id ("0x...") of the site of `kind` at `l` in a `csnake sites --json` array; "" if none.
std::string findSite(const nlohmann::json &sites, const std::string &kind, const Loc &l);

}  // namespace e2e
