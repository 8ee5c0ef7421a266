//===- OperandKey.h - name the value a branch compares with a constant -----===//
//
// Purpose: the analyzer's Z3 check (docs/analyzer.md §4) ties a branch site's Bool to an
// Int when the site's `detail` ends with "|op=<operand>|pred=<p>|k=<int>" (grammar in
// abi.h, written by SiteDetail), meaning "the branch condition is true iff (operand p
// k)". Two branches on the same configuration flag or field then constrain each other
// across runs. This file derives that key from pipeline-start IR, and only when the
// derivation is exact: a wrong key makes the analyzer reject a real chain, a missing key
// only makes the check boolean-only.
//
// Accepted conditions (C a ConstantInt, X an operand below; see docs/instrumentation.md
// "Operand keys"):
//   icmp P X, C / icmp P C, X (predicate swapped);  `xor c, true` and `(int)c == 0` /
//   `!= 1` (predicate inverted; `== 1` / `!= 0` keep it);
//   X itself when X is a C++ bool (pred=ne, k=0);
//   X seen through zext/sext into the compare: the key names the narrow value and k is
//   C read with the compare's signedness (unsigned compares of a sext, and constants
//   out of the narrow range, are refused).
// Operands (loads must be simple: not volatile, not atomic):
//   this.field@<off>:<Class>    load at a constant byte offset (GEPs summed with the
//                                DataLayout) from `this` of a member function of Class;
//   global:<name>[.field@<off>] load from a global (internal linkage: ":<file>" added);
//   load:<operand>->@<off>      load through a pointer that is itself such an operand
//                                (`cfg_->flag`), one level;
//   arg#<n>:<fnhash>             an integer argument (IR index n), directly or through
//                                its -O0/pipeline-start alloca when that alloca is only
//                                ever written with the argument.
// The qualifiers (:Class, :fnhash, :file) keep keys of different classes/functions/TUs
// apart: the analyzer uses one Int per distinct operand string.
//
//===----------------------------------------------------------------------===//
#ifndef CSNAKE_PASS_OPERANDKEY_H
#define CSNAKE_PASS_OPERANDKEY_H

#include "SiteDetail.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace llvm {
class Value;
} // namespace llvm

namespace csnake {

/// The key "the condition \p Cond of a conditional branch is true iff (operand pred k)",
/// or none when the operand or the predicate cannot be named exactly. \p TU names the
/// translation unit (qualifies internal-linkage globals). SiteDetail writes it.
std::optional<DetailKey> operandKey(llvm::Value *Cond, llvm::StringRef TU);

} // namespace csnake

#endif
