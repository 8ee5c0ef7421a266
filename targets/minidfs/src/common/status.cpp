#include "common/status.h"

namespace minidfs {

const char *codeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kError: return "ERROR";
    case Code::kBusy: return "BUSY";
    case Code::kExpired: return "EXPIRED";
    case Code::kTimeout: return "TIMEOUT";
    case Code::kUnavailable: return "UNAVAILABLE";
    case Code::kNotFound: return "NOT_FOUND";
    case Code::kAlreadyExists: return "ALREADY_EXISTS";
    case Code::kLeaseExpired: return "LEASE_EXPIRED";
    case Code::kNotRegistered: return "NOT_REGISTERED";
    case Code::kBadRequest: return "BAD_REQUEST";
    case Code::kIoError: return "IO_ERROR";
    case Code::kChecksum: return "CHECKSUM";
    case Code::kNotReplicated: return "NOT_REPLICATED";
    case Code::kNoSpace: return "NO_SPACE";
  }
  return "UNKNOWN";
}

bool Status::retriable() const {
  switch (code_) {
    case Code::kBusy:
    case Code::kExpired:
    case Code::kTimeout:
    case Code::kUnavailable:
      return true;
    default:
      return false;
  }
}

std::string Status::toString() const {
  if (ok()) return "OK";
  return std::string(codeName(code_)) + ": " + message_;
}

}  // namespace minidfs
