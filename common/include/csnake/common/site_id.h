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
bool parseSiteId(std::string_view text, uint64_t &out);
std::optional<uint64_t> parseSiteId(std::string_view text);

}  // namespace csnake
