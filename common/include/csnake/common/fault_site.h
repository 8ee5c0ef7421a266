// A fault site as the catalogue describes it (DESIGN.md §2, §3.1): what the pass recorded
// about one site, read from a binary's site table or from a campaign database.
#pragma once

#include <cstdint>
#include <string>

#include "csnake/common/site_kind.h"

namespace csnake {

struct FaultSite {
  uint64_t id = 0;
  SiteKind kind = SiteKind::Loop;
  uint32_t flags = 0;
  std::string file;  // relative to the project root of the build
  uint32_t line = 0;
  uint32_t column = 0;
  std::string function;   // mangled
  std::string demangled;  // human-readable
  uint64_t parentLoop = 0;
  uint32_t loopSize = 0;
  std::string detail;

  bool loopDoesIo() const;
  bool loopSleeps() const;
  bool loopConstTrip() const;
  bool loopSmall() const;
  bool plainThrow() const;
  // A LOOP site usable for delay faults (DESIGN.md §3.1): not small, no constant trip
  // count, not a timer.
  bool delayCandidate() const;
  // THROW guards, ERROR_RETURN branches and LIBCALLs can be injected; plain throws and
  // BRANCH sites are observed only.
  bool injectable() const;
};

}  // namespace csnake
