// SiteRegistry: every registered site, indexed by id (lock-free open addressing), so hooks
// can find a site's kind, flags and enclosing loop from the id the pass passes them.
// Inline functions are instrumented in every TU, so the same id can arrive from several
// modules: the first registration wins (the records are identical).
#pragma once

#include "rt_common.h"

namespace csnake::rt {

struct SiteInfo {
  std::atomic<uint64_t> id{0};  // 0 = empty slot; published last (release)
  uint64_t parentLoop = 0;
  uint32_t kind = 0;
  uint32_t flags = 0;
};

// Registers one module's sites: validates the header, indexes the records and sets the
// state bytes according to the configuration and the plan. Returns false (after one line
// on stderr) for a table of another ABI version or a bad magic.
bool registerModule(const csnake_module_header *table, uint8_t *state);

// nullptr if unknown.
const SiteInfo *findSite(uint64_t id);

}  // namespace csnake::rt
