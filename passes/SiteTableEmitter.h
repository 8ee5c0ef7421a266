//===- SiteTableEmitter.h - per-module site table -------------------------===//
//
// Purpose: emit, for one module, the abi.h site table: the pointer-free blob
// (csnake_module_header + csnake_site_record[n] + string table, 8-aligned, size a
// multiple of 8) in section "csnake_sites", the internal zero-initialised state array
// `[n x i8]`, and a constructor calling __csnake_register_module(blob, state) added with
// appendToGlobalCtors (the ctor references the blob; the blob is also in llvm.used).
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_SITETABLEEMITTER_H
#define CSNAKE_PASS_SITETABLEEMITTER_H

#include "Site.h"

#include <vector>

namespace llvm {
class GlobalVariable;
class Module;
} // namespace llvm

namespace csnake {

class SiteTableEmitter {
public:
  explicit SiteTableEmitter(llvm::Module &M) : M(M) {}
  /// Returns the state array (null when there are no sites: nothing is emitted).
  llvm::GlobalVariable *emit(const std::vector<Site> &Sites);

private:
  llvm::Module &M;
};

} // namespace csnake

#endif
