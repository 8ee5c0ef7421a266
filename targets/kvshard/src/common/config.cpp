#include "common/config.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <type_traits>

namespace kvshard {

const char *routeRefreshName(RouteRefresh r) { return r == RouteRefresh::kLazy ? "lazy" : "eager"; }
const char *retryBackoffName(RetryBackoff b) { return b == RetryBackoff::kNone ? "none" : "exponential"; }

bool parseRouteRefresh(const std::string &s, RouteRefresh *out) {
  if (s == "eager") *out = RouteRefresh::kEager;
  else if (s == "lazy") *out = RouteRefresh::kLazy;
  else return false;
  return true;
}

bool parseRetryBackoff(const std::string &s, RetryBackoff *out) {
  if (s == "none") *out = RetryBackoff::kNone;
  else if (s == "exponential") *out = RetryBackoff::kExponential;
  else return false;
  return true;
}

Config Config::forTests() {
  Config c;
  c.coord_handler_threads = 2;
  c.node_handler_threads = 4;
  c.coord_queue_capacity = 64;
  c.node_queue_capacity = 64;
  c.rpc_timeout = Millis(300);
  c.connect_timeout = Millis(300);
  c.lease_duration = Millis(300);
  c.renew_interval = Millis(20);
  c.renew_attempts = 3;
  c.renew_backoff_base = Millis(10);
  c.renew_backoff_max = Millis(40);
  c.liveness_interval = Millis(25);
  c.rebalance_enabled = false;
  c.rebalance_interval = Millis(50);
  c.handoff_batch_keys = 16;
  c.max_attempts = 8;
  c.retry_base_backoff = Millis(10);
  c.retry_max_backoff = Millis(80);
  return c;
}

namespace {

struct ArgWriter {
  std::vector<std::string> *out;
  void emit(const char *name, const std::string &v) { out->push_back(std::string(name) + "=" + v); }
  void operator()(const char *name, const int &v) { emit(name, std::to_string(v)); }
  void operator()(const char *name, const bool &v) { emit(name, v ? "true" : "false"); }
  void operator()(const char *name, const Millis &v) { emit(name, std::to_string(v.count()) + "ms"); }
  void operator()(const char *name, const double &v) {
    std::ostringstream os;
    os.precision(17);
    os << v;
    emit(name, os.str());
  }
  void operator()(const char *name, const std::string &v) { emit(name, v); }
  void operator()(const char *name, const RouteRefresh &v) { emit(name, routeRefreshName(v)); }
  void operator()(const char *name, const RetryBackoff &v) { emit(name, retryBackoffName(v)); }
};

bool parseInteger(const std::string &s, long long *out, const char *allowedSuffix) {
  if (s.empty()) return false;
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == s.c_str()) return false;
  std::string rest(end);
  if (!rest.empty() && rest != allowedSuffix) return false;
  *out = v;
  return true;
}

struct ArgReader {
  const std::string &key;
  const std::string &value;
  bool found = false;
  bool valid = false;

  template <class T>
  void operator()(const char *name, T &field) {
    if (key != name) return;
    found = true;
    valid = parse(field);
  }

  bool parse(int &f) {
    long long v;
    if (!parseInteger(value, &v, "")) return false;
    f = static_cast<int>(v);
    return true;
  }
  bool parse(bool &f) {
    if (value == "true" || value == "1") f = true;
    else if (value == "false" || value == "0") f = false;
    else return false;
    return true;
  }
  bool parse(Millis &f) {
    long long v;
    if (!parseInteger(value, &v, "ms") || v < 0) return false;
    f = Millis(v);
    return true;
  }
  bool parse(double &f) {
    char *end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') return false;
    f = v;
    return true;
  }
  bool parse(std::string &f) {
    f = value;
    return true;
  }
  bool parse(RouteRefresh &f) { return parseRouteRefresh(value, &f); }
  bool parse(RetryBackoff &f) { return parseRetryBackoff(value, &f); }
};

}  // namespace

std::vector<std::string> Config::toArgs() const {
  std::vector<std::string> out;
  Config copy = *this;
  copy.visit(ArgWriter{&out});
  return out;
}

bool Config::set(const std::string &key, const std::string &value) {
  ArgReader reader{key, value};
  visit(reader);
  return reader.found && reader.valid;
}

}  // namespace kvshard
