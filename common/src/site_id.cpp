#include "csnake/common/site_id.h"

#include <cstdio>

namespace csnake {

std::string formatSiteId(uint64_t id) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(id));
  return buf;
}

}  // namespace csnake
