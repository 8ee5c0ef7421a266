//===- OperandKey.cpp - name the value a branch compares with a constant ---===//
//
// Purpose: see OperandKey.h. Everything here refuses (returns no key) on any shape it
// does not fully understand. Whether a key can be written at all (length, characters)
// is SiteDetail's rule, not this file's.
//
//===----------------------------------------------------------------------===//
#include "OperandKey.h"
#include "SiteId.h"

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/Optional.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <optional>

using namespace llvm;
using namespace llvm::PatternMatch;

namespace csnake {
namespace {

/// A named integer value: what the key's Int stands for.
struct Leaf {
  std::string Name;
  bool IsBool = false; // the value is known to be 0 or 1
};

std::string hex32(uint64_t H) {
  std::string S;
  raw_string_ostream OS(S);
  OS << format_hex_no_prefix(H & 0xffffffffu, 8);
  return OS.str();
}

/// The class of a C++ member function whose `this` is \p A: A is the first argument
/// that is not sret, a pointer to a named class/struct type whose name equals the
/// function's demangled declaration context. (Static member functions taking their own
/// class's pointer first are indistinguishable; the key still names a field of an object
/// of that class.)
std::optional<std::string> thisClass(const Argument *A) {
  const Function *F = A->getParent();
  unsigned Idx = 0;
  if (F->arg_size() > 0 && F->getArg(0)->hasStructRetAttr())
    Idx = 1;
  if (A->getArgNo() != Idx)
    return std::nullopt;
  auto *PT = dyn_cast<PointerType>(A->getType());
  if (!PT || PT->isOpaque())
    return std::nullopt;
  auto *ST = dyn_cast<StructType>(PT->getNonOpaquePointerElementType());
  if (!ST || !ST->hasName())
    return std::nullopt;
  StringRef Name = ST->getName();
  if (!Name.consume_front("class.") && !Name.consume_front("struct."))
    return std::nullopt;
  if (!F->getName().startswith("_ZN"))
    return std::nullopt;
  ItaniumPartialDemangler D;
  std::string Mangled(F->getName());
  if (D.partialDemangle(Mangled.c_str()) || !D.isFunction())
    return std::nullopt;
  size_t N = 0;
  char *Ctx = D.getFunctionDeclContextName(nullptr, &N);
  if (!Ctx)
    return std::nullopt;
  std::string Context(Ctx);
  std::free(Ctx);
  if (Context != Name)
    return std::nullopt;
  return Context;
}

/// The argument an alloca holds when it is written exactly once, in the entry block,
/// with the argument itself (\p ViaBoolZext: with `zext i1 arg to i8`, clang's form for a
/// bool parameter), and otherwise only loaded (plus lifetime markers): the -O0 /
/// pipeline-start home of a parameter that is never reassigned or address-taken.
Argument *allocaArgument(AllocaInst *AI, bool &ViaBoolZext) {
  Argument *Arg = nullptr;
  ViaBoolZext = false;
  BasicBlock *Entry = &AI->getFunction()->getEntryBlock();
  for (User *U : AI->users()) {
    if (auto *L = dyn_cast<LoadInst>(U)) {
      if (L->getPointerOperand() == AI)
        continue;
      return nullptr;
    }
    if (auto *SI = dyn_cast<StoreInst>(U)) {
      if (SI->getPointerOperand() != AI || Arg || SI->getParent() != Entry ||
          !SI->isSimple())
        return nullptr;
      Value *V = SI->getValueOperand();
      if (auto *Z = dyn_cast<ZExtInst>(V)) {
        if (!Z->getSrcTy()->isIntegerTy(1) || !Z->getDestTy()->isIntegerTy(8))
          return nullptr;
        V = Z->getOperand(0);
        ViaBoolZext = true;
      }
      Arg = dyn_cast<Argument>(V);
      if (!Arg)
        return nullptr;
      continue;
    }
    if (auto *BC = dyn_cast<BitCastInst>(U)) {
      for (User *BU : BC->users())
        if (!isa<IntrinsicInst>(BU) || !cast<IntrinsicInst>(BU)->isLifetimeStartOrEnd())
          return nullptr;
      continue;
    }
    if (auto *II = dyn_cast<IntrinsicInst>(U))
      if (II->isLifetimeStartOrEnd() || isa<DbgInfoIntrinsic>(II))
        continue;
    return nullptr;
  }
  return Arg;
}

/// The argument \p V is: the argument itself or a simple load of its home alloca.
Argument *asArgument(Value *V, bool &ViaBoolZext) {
  ViaBoolZext = false;
  if (auto *A = dyn_cast<Argument>(V))
    return A;
  if (auto *L = dyn_cast<LoadInst>(V))
    if (L->isSimple())
      if (auto *AI = dyn_cast<AllocaInst>(L->getPointerOperand()))
        return allocaArgument(AI, ViaBoolZext);
  return nullptr;
}

std::string tuQualifier(const GlobalValue &GV, StringRef TU) {
  return GV.hasLocalLinkage() ? ":" + std::string(TU) : std::string();
}

/// A name for the memory \p Ptr points to: a constant byte offset from `this`, from a
/// global, or (Depth > 0) from a pointer loaded from such a location.
std::optional<std::string> locationName(Value *Ptr, const DataLayout &DL, StringRef TU,
                                        unsigned Depth) {
  APInt Off(64, 0);
  for (;;) {
    Ptr = Ptr->stripPointerCasts();
    auto *GEP = dyn_cast<GEPOperator>(Ptr);
    if (!GEP)
      break;
    APInt Step(DL.getIndexTypeSizeInBits(GEP->getType()), 0);
    if (Step.getBitWidth() != 64 || !GEP->accumulateConstantOffset(DL, Step))
      return std::nullopt;
    Off += Step;
    Ptr = GEP->getPointerOperand();
  }
  std::string OffS = std::to_string(Off.getSExtValue());
  if (auto *G = dyn_cast<GlobalVariable>(Ptr)) {
    if (G->isThreadLocal() || !G->hasName())
      return std::nullopt;
    std::string N = "global:" + std::string(G->getName());
    if (!Off.isZero())
      N += ".field@" + OffS;
    return N + tuQualifier(*G, TU);
  }
  bool Zext = false;
  if (Argument *A = asArgument(Ptr, Zext)) {
    if (Zext)
      return std::nullopt;
    if (auto Class = thisClass(A))
      return "this.field@" + OffS + ":" + *Class;
    return std::nullopt;
  }
  if (auto *L = dyn_cast<LoadInst>(Ptr)) {
    if (Depth == 0 || !L->isSimple())
      return std::nullopt;
    auto Inner = locationName(L->getPointerOperand(), DL, TU, Depth - 1);
    if (!Inner)
      return std::nullopt;
    return "load:" + *Inner + "->@" + OffS;
  }
  return std::nullopt;
}

/// The key of an integer argument: its IR index, qualified by the function (a hash of
/// its mangled name; plus the TU for internal functions).
std::string argumentName(const Argument *A, StringRef TU) {
  const Function *F = A->getParent();
  return "arg#" + std::to_string(A->getArgNo()) + ":" + hex32(fnv1a64(F->getName())) +
         tuQualifier(*F, TU);
}

/// \p V as a named integer value. A `trunc i8 -> i1` of a load is clang's reading of a
/// C++ bool from memory; its value is the loaded byte (0 or 1, anything else is UB).
std::optional<Leaf> leafOf(Value *V, const DataLayout &DL, StringRef TU) {
  if (auto *T = dyn_cast<TruncInst>(V)) {
    if (!T->getDestTy()->isIntegerTy(1) || !T->getSrcTy()->isIntegerTy(8) ||
        !isa<LoadInst>(T->getOperand(0)))
      return std::nullopt;
    auto L = leafOf(T->getOperand(0), DL, TU);
    if (L)
      L->IsBool = true;
    return L;
  }
  if (!V->getType()->isIntegerTy())
    return std::nullopt;
  bool Zext = false;
  if (Argument *A = asArgument(V, Zext)) {
    if (!A->getType()->isIntegerTy())
      return std::nullopt;
    Leaf R{argumentName(A, TU), A->getType()->isIntegerTy(1) || Zext};
    // A load of a plain parameter home must have the parameter's own width.
    if (!Zext && A->getType() != V->getType())
      return std::nullopt;
    return R;
  }
  auto *L = dyn_cast<LoadInst>(V);
  if (!L || !L->isSimple())
    return std::nullopt;
  auto Loc = locationName(L->getPointerOperand(), DL, TU, 1);
  if (!Loc)
    return std::nullopt;
  Leaf R{*Loc, false};
  if (MDNode *Range = L->getMetadata(LLVMContext::MD_range))
    if (Range->getNumOperands() == 2) {
      auto *Lo = mdconst::extract<ConstantInt>(Range->getOperand(0));
      auto *Hi = mdconst::extract<ConstantInt>(Range->getOperand(1));
      R.IsBool = Lo->isZero() && Hi->equalsInt(2);
    }
  return R;
}

struct Key {
  std::string Operand;
  CmpInst::Predicate Pred;
  int64_t K;
};

/// `icmp P X, C` with X an (extended) leaf.
std::optional<Key> compareKey(ICmpInst *Cmp, const DataLayout &DL, StringRef TU) {
  CmpInst::Predicate P = Cmp->getPredicate();
  Value *X = Cmp->getOperand(0);
  auto *C = dyn_cast<ConstantInt>(Cmp->getOperand(1));
  if (!C) {
    C = dyn_cast<ConstantInt>(Cmp->getOperand(0));
    X = Cmp->getOperand(1);
    P = CmpInst::getSwappedPredicate(P);
  }
  if (!C || isa<Constant>(X))
    return std::nullopt;
  const APInt &CV = C->getValue();
  unsigned M = CV.getBitWidth();
  if (M > 64)
    return std::nullopt;
  enum { None, Z, S } Ext = None;
  if (auto *ZI = dyn_cast<ZExtInst>(X)) {
    Ext = Z;
    X = ZI->getOperand(0);
  } else if (auto *SI = dyn_cast<SExtInst>(X)) {
    Ext = S;
    X = SI->getOperand(0);
  }
  auto L = leafOf(X, DL, TU);
  if (!L)
    return std::nullopt;
  unsigned N = X->getType()->getIntegerBitWidth();
  bool Signed = CmpInst::isSigned(P), Unsigned = CmpInst::isUnsigned(P);
  int64_t K = 0;
  if (Ext == Z || (Ext == None && N == 1)) {
    // The value is the narrow unsigned one (>= 0 also as a signed M-bit value when
    // M > N). An i1 is only compared eq/ne (a signed i1 compare reads true as -1).
    if (Ext == None && !CmpInst::isEquality(P))
      return std::nullopt;
    if (Signed)
      K = CV.getSExtValue();
    else if (CV.getActiveBits() <= 63)
      K = (int64_t)CV.getZExtValue();
    else
      return std::nullopt;
  } else if (Ext == S) {
    if (Unsigned || N == 1)
      return std::nullopt;
    K = CV.getSExtValue();
  } else {
    // No extension: the IR value is the variable. Its signedness is the predicate's;
    // eq/ne do not say, so only constants that read the same either way are accepted.
    if (Signed)
      K = CV.getSExtValue();
    else if (Unsigned ? CV.getActiveBits() <= 63 : CV.isNonNegative())
      K = (int64_t)CV.getZExtValue();
    else
      return std::nullopt;
  }
  return Key{L->Name, P, K};
}

std::optional<Key> conditionKey(Value *Cond, const DataLayout &DL, StringRef TU) {
  bool Negated = false;
  Value *Inner;
  for (;;) {
    if (Cond->getType()->isIntegerTy(1) && match(Cond, m_Not(m_Value(Inner)))) {
      Negated = !Negated;
      Cond = Inner;
      continue;
    }
    // `(int)b == 1` / `!= 0` is b, `== 0` / `!= 1` is !b (clang: `!(x > 3) == true`).
    ICmpInst::Predicate P;
    const APInt *C;
    if (match(Cond, m_ICmp(P, m_ZExt(m_Value(Inner)), m_APInt(C))) &&
        Inner->getType()->isIntegerTy(1) && ICmpInst::isEquality(P) && C->ule(1)) {
      if ((P == ICmpInst::ICMP_EQ) == C->isZero())
        Negated = !Negated;
      Cond = Inner;
      continue;
    }
    break;
  }
  std::optional<Key> K;
  if (auto *Cmp = dyn_cast<ICmpInst>(Cond)) {
    K = compareKey(Cmp, DL, TU);
  } else if (Cond->getType()->isIntegerTy(1)) {
    // A branch on a bool: a trunc'd bool load or an i1 argument.
    auto L = leafOf(Cond, DL, TU);
    if (L && L->IsBool)
      K = Key{L->Name, CmpInst::ICMP_NE, 0};
  }
  if (K && Negated)
    K->Pred = CmpInst::getInversePredicate(K->Pred);
  return K;
}

} // namespace

std::optional<DetailKey> operandKey(Value *Cond, StringRef TU) {
  const Module *M = nullptr;
  if (auto *I = dyn_cast<Instruction>(Cond))
    M = I->getModule();
  else if (auto *A = dyn_cast<Argument>(Cond))
    M = A->getParent()->getParent();
  if (!M)
    return std::nullopt;
  auto K = conditionKey(Cond, M->getDataLayout(), TU);
  if (!K)
    return std::nullopt;
  return DetailKey{K->Operand, std::string(CmpInst::getPredicateName(K->Pred)), K->K};
}

} // namespace csnake
