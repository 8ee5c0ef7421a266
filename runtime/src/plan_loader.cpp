// PlanLoader implementation (init-time only; allowed to allocate).
#include "plan_loader.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "csnake/common/site_id.h"

namespace csnake::rt {

namespace {
struct ErrnoName {
  const char *name;
  int value;
};
// The errno values that distributed systems code typically handles.
const ErrnoName kErrnos[] = {
    {"EPERM", EPERM},
    {"ENOENT", ENOENT},
    {"EINTR", EINTR},
    {"EIO", EIO},
    {"EBADF", EBADF},
    {"EAGAIN", EAGAIN},
    {"EWOULDBLOCK", EWOULDBLOCK},
    {"ENOMEM", ENOMEM},
    {"EACCES", EACCES},
    {"EEXIST", EEXIST},
    {"EINVAL", EINVAL},
    {"ENFILE", ENFILE},
    {"EMFILE", EMFILE},
    {"ENOSPC", ENOSPC},
    {"EPIPE", EPIPE},
    {"EROFS", EROFS},
    {"EDQUOT", EDQUOT},
    {"ENOTCONN", ENOTCONN},
    {"ECONNRESET", ECONNRESET},
    {"ECONNREFUSED", ECONNREFUSED},
    {"ECONNABORTED", ECONNABORTED},
    {"ETIMEDOUT", ETIMEDOUT},
    {"EHOSTUNREACH", EHOSTUNREACH},
    {"ENETUNREACH", ENETUNREACH},
    {"ENETDOWN", ENETDOWN},
    {"EADDRINUSE", EADDRINUSE},
    {"EADDRNOTAVAIL", EADDRNOTAVAIL},
    {"EINPROGRESS", EINPROGRESS},
    {"EALREADY", EALREADY},
    {"EBUSY", EBUSY},
    {"EFBIG", EFBIG},
    {"ENOBUFS", ENOBUFS},
    {"EMSGSIZE", EMSGSIZE},
    {"ESHUTDOWN", ESHUTDOWN},
    {"EHOSTDOWN", EHOSTDOWN},
    {"ENOTSOCK", ENOTSOCK},
    {"EPROTO", EPROTO},
    {"ENODEV", ENODEV},
    {"ENXIO", ENXIO},
    {"ESTALE", ESTALE},
    {"ENOSYS", ENOSYS},
    {"ECANCELED", ECANCELED},
};
}  // namespace

bool errnoFromName(const std::string &name, int &out) {
  for (const auto &e : kErrnos)
    if (name == e.name) {
      out = e.value;
      return true;
    }
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos && name.size() < 6) {
    out = std::atoi(name.c_str());
    return out > 0;
  }
  return false;
}

const char *errnoName(int value) {
  for (const auto &e : kErrnos)
    if (e.value == value) return e.name;
  return nullptr;
}

// Plan files spell ids with their "0x" (formatSiteId's form); the digits are parsed as
// everywhere else.
bool parseHexId(const std::string &s, uint64_t &out) {
  if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
  return csnake::parseSiteId(s, out);
}

bool parsePlan(const std::string &text, Plan &out, std::string &problem) {
  using nlohmann::json;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception &e) {
    std::string m = e.what();
    for (char &c : m)
      if (c == '\n') c = ' ';
    problem = "malformed JSON: " + m;
    return false;
  }
  if (!j.is_object()) {
    problem = "not a JSON object";
    return false;
  }
  Plan p;
  p.present = true;
  auto str = [&](const char *key, std::string &v) -> bool {
    if (!j.contains(key)) return false;
    if (!j[key].is_string()) throw std::string("\"") + key + "\" must be a string";
    v = j[key].get<std::string>();
    return true;
  };
  try {
    if (!j.contains("version") || !j["version"].is_number_integer()) throw std::string("missing \"version\"");
    if (j["version"].get<int64_t>() != 1) throw "unsupported version " + j["version"].dump() + " (expected 1)";
    std::string s;
    if (!str("fault", s)) throw std::string("missing \"fault\"");
    if (!parseHexId(s, p.fault) || p.fault == 0) throw "bad fault id \"" + s + "\" (expected 0x<hex>)";
    if (str("context", s) && !parseHexId(s, p.context)) throw "bad context id \"" + s + "\" (expected 0x<hex>)";
    if (str("mode", s)) {
      if (s == "once")
        p.mode = trace::PlanMode::Once;
      else if (s == "always")
        p.mode = trace::PlanMode::Always;
      else if (s.rfind("p=", 0) == 0) {
        char *end = nullptr;
        errno = 0;
        double v = std::strtod(s.c_str() + 2, &end);
        if (s.size() == 2 || *end != '\0' || errno != 0 || !(v > 0.0) || v > 1.0)
          throw "bad mode \"" + s + "\" (p must be in (0, 1])";
        p.mode = trace::PlanMode::Probability;
        p.probability = v;
      } else
        throw "unknown mode \"" + s + "\" (expected once, always or p=<0..1>)";
    }
    if (j.contains("delay_ms")) {
      if (!j["delay_ms"].is_number_integer() || j["delay_ms"].get<int64_t>() < 0 ||
          j["delay_ms"].get<int64_t>() > 3600 * 1000)
        throw std::string("bad \"delay_ms\" (expected an integer 0..3600000)");
      p.delayMs = uint32_t(j["delay_ms"].get<int64_t>());
    }
    if (j.contains("errno")) {
      std::string e = j["errno"].is_number_integer() ? j["errno"].dump()
                      : j["errno"].is_string()       ? j["errno"].get<std::string>()
                                                     : std::string("?");
      if (!errnoFromName(e, p.errnoValue)) throw "unknown errno \"" + e + "\"";
    }
    if (j.contains("seed")) {
      // Unsigned only: a negative JSON integer would wrap around in get<uint64_t>().
      if (!j["seed"].is_number_unsigned()) throw std::string("bad \"seed\" (expected an integer 0..2^64-1)");
      p.seed = j["seed"].get<uint64_t>();
    }
    if (j.contains("skip")) {
      const json &k = j["skip"];
      bool ok = k.is_number_unsigned() || (k.is_number_integer() && k.get<int64_t>() >= 0);
      if (!ok || k.get<uint64_t>() > kMaxPlanSkip)
        throw std::string("bad \"skip\" (expected an integer 0..1000000000000)");
      p.skip = k.get<uint64_t>();
    }
  } catch (const std::string &m) {
    problem = m;
    return false;
  }
  out = p;
  return true;
}

bool loadPlanFile(const char *path, Plan &out, std::string &problem) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = std::string("cannot read: ") + std::strerror(errno);
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    problem = "read error";
    return false;
  }
  return parsePlan(ss.str(), out, problem);
}

}  // namespace csnake::rt
