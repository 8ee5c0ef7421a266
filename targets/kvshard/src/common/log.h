// Leveled logging to stderr, silent unless KVSHARD_LOG=debug|info|warn. Every line names
// the node of the calling thread (see nameThread).
#pragma once

#include <sstream>
#include <string>

namespace kvshard {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kOff = 3 };

bool logEnabled(LogLevel level);

class LogLine {
 public:
  explicit LogLine(LogLevel level) : level_(level) {}
  ~LogLine();
  LogLine(const LogLine &) = delete;
  LogLine &operator=(const LogLine &) = delete;
  template <class T>
  LogLine &operator<<(const T &v) {
    out_ << v;
    return *this;
  }

 private:
  LogLevel level_;
  std::ostringstream out_;
};

// Names the calling thread after its node ("coord", "n1", "client"): kept for log lines
// and set as the OS thread name, so all threads of one node are recognisable even when
// every node shares one process.
void nameThread(const std::string &node);
const std::string &threadNode();

}  // namespace kvshard

#define KV_LOG(level) \
  if (!::kvshard::logEnabled(::kvshard::LogLevel::level)) {} else ::kvshard::LogLine(::kvshard::LogLevel::level)
