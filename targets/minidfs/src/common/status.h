// Status objects for recoverable errors and the exception types used where unwinding is
// the natural way out (disk failures deep in a write, malformed frames deep in a decoder).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace minidfs {

enum class Code : uint16_t {
  kOk = 0,
  kError = 1,           // unspecified server-side failure
  kBusy = 2,            // server call queue full: back off and retry
  kExpired = 3,         // call waited in the server queue past its deadline
  kTimeout = 4,         // no answer in time
  kUnavailable = 5,     // cannot connect / connection lost
  kNotFound = 6,
  kAlreadyExists = 7,
  kLeaseExpired = 8,    // caller no longer holds the lease on the file
  kNotRegistered = 9,   // DataNode unknown to the NameNode: must register again
  kBadRequest = 10,     // malformed message
  kIoError = 11,        // disk or pipeline I/O failure
  kChecksum = 12,       // replica data does not match its checksum
  kNotReplicated = 13,  // last block not yet reported by enough DataNodes
  kNoSpace = 14,        // not enough live DataNodes for the request
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
  // Transport-level and overload failures are worth retrying; application errors are not.
  bool retriable() const;
  std::string toString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Thrown by RPC handlers to answer a call with an error status.
class DfsError : public std::runtime_error {
 public:
  explicit DfsError(Status st) : std::runtime_error(st.toString()), status_(std::move(st)) {}
  DfsError(Code code, const std::string &msg) : DfsError(Status(code, msg)) {}
  const Status &status() const { return status_; }

 private:
  Status status_;
};

// Local disk failure on a DataNode.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stored data does not match its checksum (bit rot, torn write).
class ChecksumError : public IoError {
 public:
  using IoError::IoError;
};

// A peer sent bytes that do not decode as a valid message.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace minidfs
