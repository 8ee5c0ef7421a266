// A fault site's id (DESIGN.md §2): a 64-bit hash of stable source facts, never an index.
// This is the one place that spells it as text: "0x" + 16 lower-case hex digits, the form
// stored in the campaign database and printed by every command. Fixed width, so the text
// sorts like the number.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace csnake {

// "0x0123456789abcdef".
std::string formatSiteId(uint64_t id);

// Accepts 1..16 hex digits with or without "0x"/"0X"; nothing else (no sign, no spaces).
// Inline and dependency-free: the runtime's plan loader, which links nothing of the
// tools, parses ids with it too.
inline bool parseSiteId(std::string_view s, uint64_t &out) {
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

inline std::optional<uint64_t> parseSiteId(std::string_view text) {
  uint64_t v = 0;
  if (!parseSiteId(text, v)) return std::nullopt;
  return v;
}

}  // namespace csnake
