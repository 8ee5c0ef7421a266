// Typed, range-checked option bindings for the `csnake` subcommands (CLI11). Every
// binding refuses what it cannot represent exactly — "nan", "inf", "1e999", negative or
// overflowing integers, trailing junk — with one line naming the option:
//   "--jobs must be an integer from 1 to 256"
// thrown as CLI::ValidationError, which the command line turns into exit status 2.
// The parsers are exposed too, so they can be tested without an App.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace csnake::cli {

// ---- parsers: nothing on anything but a plain, in-range value ----

// Decimal digits with an optional leading '-' (no '+', no spaces, no 0x), within [lo, hi].
std::optional<int64_t> parseInteger(std::string_view text, int64_t lo, int64_t hi);
std::optional<uint64_t> parseUnsigned(std::string_view text, uint64_t lo, uint64_t hi);

// An interval of reals; open ends exclude the bound. Describes itself for messages:
// "from 0 to 1", "in (0, 1]".
struct Interval {
  double lo, hi;
  bool loOpen = false, hiOpen = false;
  bool contains(double v) const;
  std::string describe(const char *unit = "") const;
};

// A finite decimal number within `range`.
std::optional<double> parseReal(std::string_view text, const Interval &range);
// "90", "90s", "30m", "2h", "1.5h" -> seconds, finite and within `range` (in seconds).
std::optional<double> parseDuration(std::string_view text, const Interval &range);
// "100,500" -> {100, 500}: one or more finite numbers, each within `range`.
std::optional<std::vector<double>> parseRealList(std::string_view text, const Interval &range);

// ---- bindings ----

// The one binding the others are made of: `accept` parses TEXT and stores it, or returns
// false; then parsing stops with "NAME EXPECTATION". Repeating an option: the last wins.
CLI::Option *addChecked(CLI::App &app, const std::string &name, std::function<bool(const std::string &)> accept,
                        const std::string &expectation, const std::string &help);

// An integer option (int, int64_t, uint64_t, or std::optional of one: "given or not").
template <class T>
CLI::Option *addCount(CLI::App &app, const std::string &name, T &var, int64_t lo, int64_t hi, const std::string &help);
// An unsigned 64-bit integer over its whole range (seeds).
CLI::Option *addSeed(CLI::App &app, const std::string &name, uint64_t &var, const std::string &help);
CLI::Option *addSeed(CLI::App &app, const std::string &name, std::optional<uint64_t> &var, const std::string &help);
CLI::Option *addReal(CLI::App &app, const std::string &name, double &var, const Interval &range,
                     const std::string &help);
// A duration in seconds ("90s", "30m", "2h"; a bare number is seconds).
CLI::Option *addSeconds(CLI::App &app, const std::string &name, double &var, const Interval &range,
                        const std::string &help);
// Comma-separated whole milliseconds, each in [lo, hi] ("100,500"); kept in the given order.
CLI::Option *addMillisList(CLI::App &app, const std::string &name, std::vector<int> &var, int lo, int hi,
                           const std::string &help);
// Comma-separated site ids ("0x45bcab058caf9e7b,0x...").
CLI::Option *addSiteIds(CLI::App &app, const std::string &name, std::set<uint64_t> &var, const std::string &help);

// ---- template implementation ----

namespace detail {
template <class T>
struct Unwrap {
  using type = T;
};
template <class T>
struct Unwrap<std::optional<T>> {
  using type = T;
};
std::string integerExpectation(int64_t lo, uint64_t hi);
}  // namespace detail

template <class T>
CLI::Option *addCount(CLI::App &app, const std::string &name, T &var, int64_t lo, int64_t hi, const std::string &help) {
  using V = typename detail::Unwrap<T>::type;
  static_assert(std::is_integral_v<V>, "addCount binds integers");
  // The range must fit the variable, or a value could be accepted and then truncated.
  if constexpr (std::is_signed_v<V>) {
    if (lo < int64_t(std::numeric_limits<V>::min()) || hi > int64_t(std::numeric_limits<V>::max()))
      throw std::logic_error(name + ": range does not fit the variable");
  } else if (lo < 0 || uint64_t(hi) > uint64_t(std::numeric_limits<V>::max())) {
    throw std::logic_error(name + ": range does not fit the variable");
  }
  auto accept = [&var, lo, hi](const std::string &text) {
    std::optional<int64_t> v = parseInteger(text, lo, hi);
    if (v) var = static_cast<V>(*v);
    return v.has_value();
  };
  return addChecked(app, name, accept, "must be " + detail::integerExpectation(lo, uint64_t(hi)), help)->type_name("N");
}

}  // namespace csnake::cli
