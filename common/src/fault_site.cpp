#include "csnake/common/fault_site.h"

#include "csnake/abi.h"

namespace csnake {

bool FaultSite::loopDoesIo() const { return flags & CSNAKE_FLAG_LOOP_IO; }
bool FaultSite::loopSleeps() const { return flags & CSNAKE_FLAG_LOOP_SLEEPS; }
bool FaultSite::loopConstTrip() const { return flags & CSNAKE_FLAG_LOOP_CONST_TRIP; }
bool FaultSite::loopSmall() const { return flags & CSNAKE_FLAG_LOOP_SMALL; }
bool FaultSite::plainThrow() const { return flags & CSNAKE_FLAG_PLAIN_THROW; }

bool FaultSite::delayCandidate() const {
  return kind == SiteKind::Loop && !loopSmall() && !loopConstTrip() && !loopSleeps();
}

bool FaultSite::injectable() const {
  switch (kind) {
    case SiteKind::Throw: return !plainThrow();
    case SiteKind::ErrorReturn:
    case SiteKind::Libcall:
    case SiteKind::Loop: return true;
    case SiteKind::Branch: return false;
  }
  return false;
}

}  // namespace csnake
