//===- SiteId.h - stable site ids -----------------------------------------===//
//
// Purpose: the site id of abi.h: FNV-1a 64 over
//   "<relfile>\0<mangled fn>\0<KIND>\0<line - DISubprogram line>\0<ordinal>"
// where KIND is the upper-case kind name (THROW, ERROR_RETURN, LIBCALL, LOOP, BRANCH)
// and the two numbers are decimal (the line delta may be negative). Also the mapping of
// debug-info paths to root-relative paths. Not a pass: used by SiteDiscovery.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_SITEID_H
#define CSNAKE_PASS_SITEID_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace llvm {
class DIFile;
}

namespace csnake {

uint64_t fnv1a64(llvm::StringRef Bytes, uint64_t Seed = 0xcbf29ce484222325ull);

const char *kindName(unsigned Kind);

uint64_t computeSiteId(llvm::StringRef RelFile, llvm::StringRef Function, unsigned Kind,
                       int RelLine, unsigned Ordinal);

/// Path of \p File relative to \p Root (normalised absolute directory), or nullopt
/// when the file is not under the root.
std::optional<std::string> relativeToRoot(const llvm::DIFile *File, llvm::StringRef Root);

} // namespace csnake

#endif
