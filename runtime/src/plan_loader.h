// PlanLoader: reads the JSON injection plan (CSNAKE_PLAN) once at start-up.
//
//   {"version":1, "fault":"0x<hex site id>", "context":"0x<hex loop id>" (optional, absent
//    or "0x0" = any context), "mode":"once"|"always"|"p=0.33" (default once),
//    "delay_ms":N (LOOP faults), "errno":"ECONNRESET" (LIBCALL, default EIO; a number is
//    accepted too), "seed":N (optional, for p=), "skip":N (optional, default 0: the
//    first N matching opportunities of the process are let pass before the mode applies)}
//
// Built as its own small static library so the unit tests can call it directly; it is the
// only runtime code that allocates (std::string, nlohmann::json), and only during init.
#pragma once

#include <csnake/trace_format.h>

#include <cstdint>
#include <string>

namespace csnake::rt {

struct Plan {
  bool present = false;
  uint64_t fault = 0;
  uint64_t context = 0;  // 0 = any context
  trace::PlanMode mode = trace::PlanMode::Once;
  double probability = 1.0;
  uint32_t delayMs = 0;
  int errnoValue = 5;  // EIO
  uint64_t seed = 0x6373'6e61'6b65ull;
  uint64_t skip = 0;  // matching opportunities to let pass first (per process)
};

// The largest accepted "skip" (far beyond any real reach count; guards against typos).
inline constexpr uint64_t kMaxPlanSkip = 1'000'000'000'000ull;

// Parses plan text; on error returns false and sets `problem` (one line).
bool parsePlan(const std::string &text, Plan &out, std::string &problem);
// Reads and parses the plan file PATH.
bool loadPlanFile(const char *path, Plan &out, std::string &problem);
// "ECONNRESET" -> 104. Accepts the common errno names and plain numbers.
bool errnoFromName(const std::string &name, int &out);
// 104 -> "ECONNRESET" (nullptr if not in the table).
const char *errnoName(int value);
// "0x1f" -> 0x1f (strict: 0x prefix, 1..16 hex digits).
bool parseHexId(const std::string &s, uint64_t &out);

}  // namespace csnake::rt
