//===- RootNote.cpp - record the instrumentation root in the object -------===//
//
// Purpose: see RootNote.h.
//
//===----------------------------------------------------------------------===//
#include "RootNote.h"

#include "csnake/abi.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

namespace csnake {

void recordInstrumentationRoot(Module &M, StringRef Root) {
  Constant *Str = ConstantDataArray::getString(M.getContext(), Root, /*AddNull=*/true);
  // Private and alignment 1: the linker concatenates the notes of all modules into one
  // run of NUL-terminated strings. Not unnamed_addr, so no string merging moves it out of
  // its section; in llvm.used, so the optimizer keeps the unreferenced global.
  auto *Note = new GlobalVariable(M, Str->getType(), /*isConstant=*/true,
                                  GlobalValue::PrivateLinkage, Str, "csnake.root");
  Note->setSection(CSNAKE_ROOTS_SECTION);
  Note->setAlignment(Align(1));
  appendToUsed(M, {Note});
}

} // namespace csnake
