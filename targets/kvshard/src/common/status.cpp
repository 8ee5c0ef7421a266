#include "common/status.h"

namespace kvshard {

const char *codeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kWrongOwner: return "WRONG_OWNER";
    case Code::kOverloaded: return "OVERLOADED";
    case Code::kIoError: return "IO_ERROR";
    case Code::kTimeout: return "TIMEOUT";
    case Code::kNotFound: return "NOT_FOUND";
    case Code::kStaleEpoch: return "STALE_EPOCH";
    case Code::kInternal: return "INTERNAL";
    case Code::kCorrupt: return "CORRUPT";
    case Code::kBadRequest: return "BAD_REQUEST";
    case Code::kUnavailable: return "UNAVAILABLE";
  }
  return "UNKNOWN";
}

std::string Status::toString() const {
  if (ok()) return "OK";
  return std::string(codeName(code_)) + ": " + message_;
}

}  // namespace kvshard
