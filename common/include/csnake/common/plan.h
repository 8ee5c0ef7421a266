// The injection plan of one run (plan.json, named by CSNAKE_PLAN): which fault to arm and
// how (DESIGN.md §4: the armed fault is chosen at run time, never by recompiling). Written
// by `csnake exec` and by the campaign's executor; read at start-up by the runtime, which
// keeps its own minimal reader inside the injected library (runtime/src/plan_loader.cpp).
// tests/unit/common/plan_test.cpp holds the two to reading every file the same way.
//
//   {"version":1, "fault":"0x<hex>", "context":"0x<hex>" (absent or 0x0 = any context),
//    "mode":"once"|"always"|"p=X" (default once), "delay_ms":N, "errno":"NAME"|N,
//    "seed":N, "skip":N}
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace csnake {

inline constexpr int kPlanVersion = 1;
inline constexpr int64_t kMaxPlanDelayMs = 3'600'000;           // one hour per iteration
inline constexpr uint64_t kMaxPlanSkip = 1'000'000'000'000ull;  // far beyond any real reach count

// One line: "problem", or "FILE: problem" for files.
class PlanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Plan {
  uint64_t fault = 0;              // non-zero site id
  uint64_t context = 0;            // innermost loop on the stack; 0 = any context
  std::string mode = "once";       // once, always or p=X with X in (0, 1]
  std::optional<int64_t> delayMs;  // LOOP faults: delay per iteration, 0..kMaxPlanDelayMs
  std::string errnoName;           // LIBCALL faults: "ECONNRESET" or a number; "" = EIO
  std::optional<uint64_t> seed;    // of the p= mode; absent = the runtime's default
  uint64_t skip = 0;               // matching opportunities per process let pass first

  // Throws PlanError("problem") for a plan no reader would accept.
  std::string toJson() const;
  static Plan fromJson(const std::string &text);
  static Plan readFile(const std::string &path);
  void writeFile(const std::string &path) const;
};

bool operator==(const Plan &a, const Plan &b);

// once, always, or p=X with 0 < X <= 1 (read the way the runtime reads it).
bool validPlanMode(std::string_view mode);

}  // namespace csnake
