#include "csnake/common/site_id.h"

#include <cstdio>

namespace csnake {

std::string formatSiteId(uint64_t id) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(id));
  return buf;
}

bool parseSiteId(std::string_view s, uint64_t &out) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

std::optional<uint64_t> parseSiteId(std::string_view text) {
  uint64_t v = 0;
  if (!parseSiteId(text, v)) return std::nullopt;
  return v;
}

}  // namespace csnake
