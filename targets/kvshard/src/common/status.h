// Status codes carried in RPC responses, the Status value type, and the exception
// hierarchy RPC handlers throw (the server turns a KvError into its status code).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kvshard {

enum class Code : uint16_t {
  kOk = 0,
  kWrongOwner = 1,    // the node does not own the shard (at the caller's epoch)
  kOverloaded = 2,    // server call queue full
  kIoError = 3,       // local disk failure (write-ahead log)
  kTimeout = 4,       // no answer within the receive timeout
  kNotFound = 5,
  kStaleEpoch = 6,    // the caller knows a newer epoch than the node
  kInternal = 7,      // unexpected server-side failure
  kCorrupt = 8,       // a batch failed its checksum
  kBadRequest = 9,    // malformed message or unknown method
  kUnavailable = 10,  // cannot connect / connection lost
};

const char *codeName(Code code);

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status OK() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string &message() const { return message_; }
  std::string toString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Base of every error an RPC handler may throw. `detail` is an encoded payload sent with
// the error status (WrongOwnerError uses it for the owner hint).
class KvError : public std::runtime_error {
 public:
  KvError(Code code, const std::string &msg, std::string detail = std::string())
      : std::runtime_error(msg), code_(code), detail_(std::move(detail)) {}
  Code code() const { return code_; }
  const std::string &detail() const { return detail_; }

 private:
  Code code_;
  std::string detail_;
};

class NotFoundError : public KvError {
 public:
  explicit NotFoundError(const std::string &what) : KvError(Code::kNotFound, what) {}
};

class IoError : public KvError {
 public:
  explicit IoError(const std::string &what) : KvError(Code::kIoError, what) {}
};

class StaleEpochError : public KvError {
 public:
  StaleEpochError(uint32_t shard, uint64_t known, uint64_t asked)
      : KvError(Code::kStaleEpoch, "shard " + std::to_string(shard) + ": node knows epoch " +
                                       std::to_string(known) + ", caller asked for " + std::to_string(asked)) {}
};

class CorruptBatchError : public KvError {
 public:
  CorruptBatchError(uint32_t shard, uint32_t expected, uint32_t actual)
      : KvError(Code::kCorrupt, "shard " + std::to_string(shard) + ": batch checksum " + std::to_string(actual) +
                                    " != " + std::to_string(expected)) {}
};

// A peer sent bytes that do not decode as a valid message.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace kvshard
