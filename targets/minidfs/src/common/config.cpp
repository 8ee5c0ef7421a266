#include "common/config.h"

#include <cstdlib>
#include <type_traits>

namespace minidfs {

Config Config::forTests() {
  Config c;
  c.handler_threads = 3;
  c.call_queue_capacity = 64;
  c.call_expiry = Millis(800);
  c.rpc_timeout = Millis(400);
  c.rpc_max_retries = 4;
  c.retry_base_backoff = Millis(10);
  c.retry_max_backoff = Millis(100);
  c.heartbeat_interval = Millis(20);
  c.heartbeat_expiry = Millis(400);
  c.heartbeat_check_interval = Millis(25);
  c.full_report_interval = Millis(2000);
  c.default_replication = 2;
  c.replication_interval = Millis(30);
  c.pending_replication_timeout = Millis(1500);
  c.lease_renew_interval = Millis(50);
  c.lease_hard_limit = Millis(400);
  c.lease_check_interval = Millis(50);
  c.block_size = 64 << 10;
  c.packet_size = 16 << 10;
  c.chunk_size = 4 << 10;
  c.socket_timeout = Millis(500);
  c.complete_attempts = 40;
  return c;
}

namespace {

struct ArgWriter {
  std::vector<std::string> *out;
  void operator()(const char *name, int v) { out->push_back(std::string(name) + "=" + std::to_string(v)); }
  void operator()(const char *name, bool v) { out->push_back(std::string(name) + "=" + (v ? "1" : "0")); }
  void operator()(const char *name, Millis v) {
    out->push_back(std::string(name) + "=" + std::to_string(v.count()));
  }
};

struct ArgReader {
  const std::string *key;
  const std::string *value;
  bool found = false;
  template <class T>
  void operator()(const char *name, T &field) {
    if (*key != name) return;
    found = true;
    long long v = std::strtoll(value->c_str(), nullptr, 10);
    if constexpr (std::is_same_v<T, Millis>) {
      field = Millis(v);
    } else if constexpr (std::is_same_v<T, bool>) {
      field = v != 0;
    } else {
      field = static_cast<T>(v);
    }
  }
};

}  // namespace

std::vector<std::string> Config::toArgs() const {
  std::vector<std::string> out;
  Config copy = *this;
  copy.visit(ArgWriter{&out});
  return out;
}

bool Config::set(const std::string &key, const std::string &value) {
  ArgReader reader{&key, &value};
  visit(reader);
  return reader.found;
}

}  // namespace minidfs
