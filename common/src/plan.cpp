#include "csnake/common/plan.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "csnake/common/site_id.h"

namespace csnake {

namespace {

using nlohmann::ordered_json;

// The runtime's spelling of ids in plans: "0x" and 1..16 hex digits (no bare hex).
bool parsePlanId(const std::string &s, uint64_t &out) {
  return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && parseSiteId(s, out);
}

// An errno name as the runtime's table spells them (E + capitals/digits), or a positive
// number below 100000. Only the runtime knows which names it has.
bool plausibleErrno(const std::string &e) {
  if (!e.empty() && e.find_first_not_of("0123456789") == std::string::npos)
    return e.size() < 6 && std::atoi(e.c_str()) > 0;
  if (e.size() < 2 || e[0] != 'E') return false;
  return e.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == std::string::npos;
}

void check(const Plan &p) {
  if (p.fault == 0) throw PlanError("bad fault id 0x0 (expected a non-zero site id)");
  if (!validPlanMode(p.mode)) throw PlanError("bad mode \"" + p.mode + "\" (expected once, always or p=<0..1>)");
  if (p.delayMs && (*p.delayMs < 0 || *p.delayMs > kMaxPlanDelayMs))
    throw PlanError("bad \"delay_ms\" (expected an integer 0.." + std::to_string(kMaxPlanDelayMs) + ")");
  if (!p.errnoName.empty() && !plausibleErrno(p.errnoName)) throw PlanError("unknown errno \"" + p.errnoName + "\"");
  if (p.skip > kMaxPlanSkip)
    throw PlanError("bad \"skip\" (expected an integer 0.." + std::to_string(kMaxPlanSkip) + ")");
}

}  // namespace

bool validPlanMode(std::string_view mode) {
  if (mode == "once" || mode == "always") return true;
  if (mode.substr(0, 2) != "p=" || mode.size() == 2) return false;
  // strtod exactly as the runtime's loader uses it, so both accept the same modes.
  std::string number(mode.substr(2));
  char *end = nullptr;
  errno = 0;
  double p = std::strtod(number.c_str(), &end);
  return *end == '\0' && errno == 0 && p > 0.0 && p <= 1.0;
}

bool operator==(const Plan &a, const Plan &b) {
  return a.fault == b.fault && a.context == b.context && a.mode == b.mode && a.delayMs == b.delayMs &&
         a.errnoName == b.errnoName && a.seed == b.seed && a.skip == b.skip;
}

std::string Plan::toJson() const {
  check(*this);
  ordered_json j;
  j["version"] = kPlanVersion;
  j["fault"] = formatSiteId(fault);
  if (context) j["context"] = formatSiteId(context);
  j["mode"] = mode;
  if (delayMs) j["delay_ms"] = *delayMs;
  if (!errnoName.empty()) j["errno"] = errnoName;
  if (seed) j["seed"] = *seed;
  if (skip) j["skip"] = skip;
  return j.dump(2);
}

Plan Plan::fromJson(const std::string &text) {
  ordered_json j;
  try {
    j = ordered_json::parse(text);
  } catch (const ordered_json::exception &e) {
    std::string m = e.what();
    for (char &c : m)
      if (c == '\n') c = ' ';
    throw PlanError("malformed JSON: " + m);
  }
  if (!j.is_object()) throw PlanError("not a JSON object");
  auto text_ = [&](const char *key, std::string &out) {
    if (!j.contains(key)) return false;
    if (!j[key].is_string()) throw PlanError(std::string("\"") + key + "\" must be a string");
    out = j[key].get<std::string>();
    return true;
  };
  if (!j.contains("version") || !j["version"].is_number_integer()) throw PlanError("missing \"version\"");
  if (j["version"].get<int64_t>() != kPlanVersion)
    throw PlanError("unsupported version " + j["version"].dump() + " (expected 1)");
  Plan p;
  std::string s;
  if (!text_("fault", s)) throw PlanError("missing \"fault\"");
  if (!parsePlanId(s, p.fault) || p.fault == 0) throw PlanError("bad fault id \"" + s + "\" (expected 0x<hex>)");
  if (text_("context", s) && !parsePlanId(s, p.context))
    throw PlanError("bad context id \"" + s + "\" (expected 0x<hex>)");
  if (text_("mode", p.mode) && !validPlanMode(p.mode))
    throw PlanError("bad mode \"" + p.mode + "\" (expected once, always or p=<0..1>)");
  if (j.contains("delay_ms")) {
    const ordered_json &d = j["delay_ms"];
    // A huge unsigned reads back negative as int64 and is refused with the rest.
    if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > kMaxPlanDelayMs)
      throw PlanError("bad \"delay_ms\" (expected an integer 0.." + std::to_string(kMaxPlanDelayMs) + ")");
    p.delayMs = d.get<int64_t>();
  }
  if (j.contains("errno")) {
    const ordered_json &e = j["errno"];
    p.errnoName = e.is_number_integer() ? e.dump() : e.is_string() ? e.get<std::string>() : "?";
    if (!plausibleErrno(p.errnoName)) throw PlanError("unknown errno \"" + p.errnoName + "\"");
  }
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) throw PlanError("bad \"seed\" (expected an integer 0..2^64-1)");
    p.seed = j["seed"].get<uint64_t>();
  }
  if (j.contains("skip")) {
    const ordered_json &k = j["skip"];
    bool ok = k.is_number_unsigned() || (k.is_number_integer() && k.get<int64_t>() >= 0);
    if (!ok || k.get<uint64_t>() > kMaxPlanSkip)
      throw PlanError("bad \"skip\" (expected an integer 0.." + std::to_string(kMaxPlanSkip) + ")");
    p.skip = k.get<uint64_t>();
  }
  return p;
}

Plan Plan::readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw PlanError(path + ": cannot read: " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return fromJson(ss.str());
  } catch (const PlanError &e) {
    throw PlanError(path + ": " + e.what());
  }
}

void Plan::writeFile(const std::string &path) const {
  std::string text = toJson() + "\n";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw PlanError(path + ": cannot write: " + std::strerror(errno));
}

}  // namespace csnake
