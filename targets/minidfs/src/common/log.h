// Minimal leveled logging. Quiet unless MINIDFS_LOG is set (to debug|info|warn), so test
// output stays readable while a failing test can be rerun with logs.
#pragma once

#include <sstream>

namespace minidfs {

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

}  // namespace minidfs

#define MINIDFS_LOG(level) \
  if (!::minidfs::logEnabled(::minidfs::LogLevel::level)) {} else ::minidfs::LogLine(::minidfs::LogLevel::level)
