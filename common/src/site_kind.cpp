#include "csnake/common/site_kind.h"

namespace csnake {

const char *siteKindName(SiteKind kind) {
  const char *name = csnake_site_kind_name(static_cast<uint32_t>(kind));
  return name ? name : "UNKNOWN";
}

bool parseSiteKind(const std::string &name, SiteKind &out) {
  for (uint32_t k = CSNAKE_KIND_FIRST; k <= CSNAKE_KIND_LAST; ++k) {
    if (name == csnake_site_kind_name(k)) {
      out = static_cast<SiteKind>(k);
      return true;
    }
  }
  return false;
}

bool isErrorKind(SiteKind kind) {
  return kind == SiteKind::Throw || kind == SiteKind::ErrorReturn || kind == SiteKind::Libcall;
}

}  // namespace csnake
