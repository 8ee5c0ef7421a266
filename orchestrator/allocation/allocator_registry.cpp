// Allocation policies by name (`csnake campaign --allocator NAME`): the one list a new
// policy is added to.
#include "allocation/allocator.h"

namespace csnake {

std::unique_ptr<Allocator> makeAllocator(const std::string &name) {
  if (name == "simple") return makeSimpleAllocator();
  if (name == "random") return makeRandomAllocator();
  if (name == "coverage") return makeCoverageAllocator();
  if (name == "3pa") return makeThreePhaseAllocator();
  return nullptr;
}

std::vector<std::string> allocatorNames() { return {"3pa", "coverage", "random", "simple"}; }

}  // namespace csnake
