#include "cli/options.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "csnake/common/site_id.h"

namespace csnake::cli {

namespace {

// strtod would skip leading blanks and accept "nan", "inf", hex floats and "1e999"
// (HUGE_VAL): only plain decimal text gets through to it, and only finite results out.
bool plainDecimal(std::string_view t) {
  if (t.empty()) return false;
  size_t i = t[0] == '-' ? 1 : 0;
  bool digit = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c != '.' && c != 'e' && c != 'E' && !((c == '-' || c == '+') && (t[i - 1] == 'e' || t[i - 1] == 'E')))
      return false;
  }
  return digit;
}

std::optional<double> toFinite(std::string_view t) {
  if (!plainDecimal(t)) return std::nullopt;
  std::string s(t);
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

// 604800 -> "168h": the largest of h, m, s that states the bound exactly.
std::string seconds(double v) {
  if (v != 0 && std::fmod(v, 3600) == 0) return number(v / 3600) + "h";
  if (v != 0 && std::fmod(v, 60) == 0) return number(v / 60) + "m";
  return number(v) + "s";
}

}  // namespace

std::optional<int64_t> parseInteger(std::string_view text, int64_t lo, int64_t hi) {
  int64_t v = 0;
  const char *end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<uint64_t> parseUnsigned(std::string_view text, uint64_t lo, uint64_t hi) {
  uint64_t v = 0;
  const char *end = text.data() + text.size();
  // from_chars for unsigned refuses a '-' sign (no wrap-around of "-1").
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < lo || v > hi) return std::nullopt;
  return v;
}

bool Interval::contains(double v) const {
  // NaN fails every comparison: test membership positively so it can never pass.
  bool aboveLo = loOpen ? v > lo : v >= lo;
  bool belowHi = hiOpen ? v < hi : v <= hi;
  return aboveLo && belowHi;
}

std::string Interval::describe(const char *unit) const {
  auto fmt = [&](double v) { return std::string(unit) == "s" ? seconds(v) : number(v); };
  if (!loOpen && !hiOpen) return "from " + fmt(lo) + " to " + fmt(hi);
  return std::string("in ") + (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hiOpen ? ")" : "]");
}

std::optional<double> parseReal(std::string_view text, const Interval &range) {
  std::optional<double> v = toFinite(text);
  if (!v || !range.contains(*v)) return std::nullopt;
  return v;
}

std::optional<double> parseDuration(std::string_view text, const Interval &range) {
  double scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 's': text.remove_suffix(1); break;
      case 'm': scale = 60, text.remove_suffix(1); break;
      case 'h': scale = 3600, text.remove_suffix(1); break;
      default: break;
    }
  }
  std::optional<double> v = toFinite(text);
  if (!v) return std::nullopt;
  double s = *v * scale;
  if (!std::isfinite(s) || !range.contains(s)) return std::nullopt;
  return s;
}

std::optional<std::vector<double>> parseRealList(std::string_view text, const Interval &range) {
  std::vector<double> out;
  for (;;) {
    size_t comma = text.find(',');
    std::optional<double> v = parseReal(text.substr(0, comma), range);
    if (!v) return std::nullopt;
    out.push_back(*v);
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

CLI::Option *addChecked(CLI::App &app, const std::string &name, std::function<bool(const std::string &)> accept,
                        const std::string &expectation, const std::string &help) {
  std::string problem = name + " " + expectation;
  CLI::Option *opt = app.add_option_function<std::string>(
      name,
      [accept = std::move(accept), problem](const std::string &text) {
        if (!accept(text)) throw CLI::ValidationError(problem + " (not '" + text + "')");
      },
      help);
  return opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

std::string detail::integerExpectation(int64_t lo, uint64_t hi) {
  return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
}

namespace {
template <class T>
CLI::Option *bindSeed(CLI::App &app, const std::string &name, T &var, const std::string &help) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  auto accept = [&var](const std::string &text) {
    std::optional<uint64_t> v = parseUnsigned(text, 0, kMax);
    if (v) var = *v;
    return v.has_value();
  };
  return addChecked(app, name, accept, "must be an integer from 0 to " + std::to_string(kMax), help)->type_name("N");
}
}  // namespace

CLI::Option *addSeed(CLI::App &app, const std::string &name, uint64_t &var, const std::string &help) {
  return bindSeed(app, name, var, help);
}

CLI::Option *addSeed(CLI::App &app, const std::string &name, std::optional<uint64_t> &var, const std::string &help) {
  return bindSeed(app, name, var, help);
}

CLI::Option *addReal(CLI::App &app, const std::string &name, double &var, const Interval &range,
                     const std::string &help) {
  auto accept = [&var, range](const std::string &text) {
    std::optional<double> v = parseReal(text, range);
    if (v) var = *v;
    return v.has_value();
  };
  return addChecked(app, name, accept, "must be a number " + range.describe(), help)->type_name("X");
}

CLI::Option *addSeconds(CLI::App &app, const std::string &name, double &var, const Interval &range,
                        const std::string &help) {
  auto accept = [&var, range](const std::string &text) {
    std::optional<double> v = parseDuration(text, range);
    if (v) var = *v;
    return v.has_value();
  };
  return addChecked(app, name, accept, "must be a duration " + range.describe("s") + ", like 90s, 30m or 2h", help)
      ->type_name("DURATION");
}

CLI::Option *addMillisList(CLI::App &app, const std::string &name, std::vector<int> &var, int lo, int hi,
                           const std::string &help) {
  auto accept = [&var, lo, hi](const std::string &text) {
    std::optional<std::vector<double>> v = parseRealList(text, Interval{double(lo), double(hi)});
    if (!v) return false;
    var.clear();
    // Whole milliseconds: a fraction is dropped, as the runtime sleeps in whole ms.
    for (double ms : *v) var.push_back(static_cast<int>(ms));
    return true;
  };
  return addChecked(app, name, accept,
                    "must be comma-separated milliseconds from " + std::to_string(lo) + " to " + std::to_string(hi) +
                        ", like 100,500",
                    help)
      ->type_name("MS,MS");
}

CLI::Option *addSiteIds(CLI::App &app, const std::string &name, std::set<uint64_t> &var, const std::string &help) {
  auto accept = [&var](const std::string &text) {
    std::set<uint64_t> ids;
    std::string_view rest = text;
    for (;;) {
      size_t comma = rest.find(',');
      std::optional<uint64_t> id = parseSiteId(rest.substr(0, comma));
      if (!id) return false;
      ids.insert(*id);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    var = std::move(ids);
    return true;
  };
  return addChecked(app, name, accept, "must be site ids like 0x45bcab058caf9e7b,0x...", help)->type_name("IDS");
}

}  // namespace csnake::cli
