//===- SiteId.cpp - stable site ids ---------------------------------------===//
//
// Purpose: FNV-1a ids and root-relative paths (see SiteId.h for the exact format).
//
//===----------------------------------------------------------------------===//
#include "SiteId.h"

#include "instrument_policy.h"

#include "csnake/abi.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/Support/Path.h"

using namespace llvm;

namespace csnake {

uint64_t fnv1a64(StringRef Bytes, uint64_t H) {
  for (unsigned char C : Bytes) {
    H ^= C;
    H *= 0x100000001b3ull;
  }
  return H;
}

const char *kindName(unsigned Kind) {
  // The ABI's spelling is part of the id's hash input: one table for every layer.
  const char *Name = csnake_site_kind_name(Kind);
  return Name ? Name : "UNKNOWN";
}

uint64_t computeSiteId(StringRef RelFile, StringRef Function, unsigned Kind, int RelLine,
                       unsigned Ordinal) {
  std::string S;
  S.append(RelFile.data(), RelFile.size());
  S.push_back('\0');
  S.append(Function.data(), Function.size());
  S.push_back('\0');
  S.append(kindName(Kind));
  S.push_back('\0');
  S.append(std::to_string(RelLine));
  S.push_back('\0');
  S.append(std::to_string(Ordinal));
  return fnv1a64(S);
}

std::optional<std::string> relativeToRoot(const DIFile *File, StringRef Root) {
  if (!File)
    return std::nullopt;
  SmallString<256> P;
  StringRef Name = File->getFilename();
  if (sys::path::is_absolute(Name)) {
    P = Name;
  } else {
    P = File->getDirectory();
    sys::path::append(P, Name);
  }
  // Inside the root or not, and the relative path: the shared policy decides.
  return policy::relativeToRoot(std::string(P.str()), Root.str());
}

} // namespace csnake
