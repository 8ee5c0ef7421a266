// Write-ahead log of one storage node: one append-only file, every mutation appended with
// ::write (and ::fsync when wal_fsync is set) before it is applied in memory. A failed or
// short write is reported as IoError and is not retried.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"

namespace kvshard {

class WriteAheadLog {
 public:
  WriteAheadLog() = default;
  ~WriteAheadLog();
  WriteAheadLog(const WriteAheadLog &) = delete;
  WriteAheadLog &operator=(const WriteAheadLog &) = delete;

  Status open(const std::string &path, bool fsyncEachAppend);
  // Calls `apply` with every intact record body, oldest first; stops at the first torn
  // or damaged record (the tail of a crash). Only regular files are replayed.
  Status replay(const std::function<void(const std::string &)> &apply);
  // Appends one record; throws IoError when the write or fsync fails.
  void append(const std::string &body);
  void close();
  // Test knob: the next `n` appends fail as if the disk refused the write (ENOSPC).
  void failNextAppends(int n) { fail_pending_ = n; }

  uint64_t appends() const { return appends_; }
  uint64_t errors() const { return errors_; }
  const std::string &path() const { return path_; }

 private:
  int fd_ = -1;
  bool fsync_ = false;
  std::string path_;
  std::atomic<uint64_t> appends_{0}, errors_{0};
  std::atomic<int> fail_pending_{0};
};

}  // namespace kvshard
