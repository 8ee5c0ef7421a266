//===- ConditionText.cpp - a branch condition as short C-like text --------===//
//
// Purpose: see ConditionText.h. Callees are shown by their last two demangled name
// components without parameters; locals by their debug-info names; what cannot be
// named is "?".
//
//===----------------------------------------------------------------------===//
#include "ConditionText.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Demangle/Demangle.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/PatternMatch.h"

using namespace llvm;
using namespace llvm::PatternMatch;

namespace csnake {

static std::string shortCallee(const CallBase *CB) {
  const Function *Callee = CB->getCalledFunction();
  if (!Callee)
    return "(*fn)";
  std::string D = demangle(std::string(Callee->getName()));
  // Drop the parameter list and any qualifiers after it.
  int Depth = 0;
  size_t Cut = std::string::npos;
  for (size_t I = 0; I < D.size(); ++I) {
    if (D[I] == '<')
      ++Depth;
    else if (D[I] == '>')
      --Depth;
    else if (D[I] == '(' && Depth == 0 && I > 0) {
      Cut = I;
      break;
    }
  }
  if (Cut != std::string::npos)
    D.resize(Cut);
  // Keep the last two name components (separators outside template arguments).
  SmallVector<size_t, 8> Seps;
  Depth = 0;
  for (size_t I = 0; I + 1 < D.size(); ++I) {
    if (D[I] == '<')
      ++Depth;
    else if (D[I] == '>')
      --Depth;
    else if (Depth == 0 && D[I] == ':' && D[I + 1] == ':')
      Seps.push_back(I);
  }
  if (Seps.size() >= 2)
    D = D.substr(Seps[Seps.size() - 2] + 2);
  // Drop template arguments of the function itself ("operator!=<...>").
  if (!D.empty() && D.back() == '>') {
    Depth = 0;
    for (size_t I = D.size(); I-- > 0;) {
      if (D[I] == '>')
        ++Depth;
      else if (D[I] == '<' && --Depth == 0) {
        D.resize(I);
        break;
      }
    }
  }
  return D;
}

static std::string varName(Value *Ptr) {
  if (isa<AllocaInst>(Ptr))
    for (DbgDeclareInst *DD : FindDbgDeclareUses(Ptr))
      return std::string(DD->getVariable()->getName());
  return "";
}

static std::string renderValue(Value *V, unsigned Depth) {
  if (Depth == 0)
    return "...";
  while (isa<CastInst>(V))
    V = cast<CastInst>(V)->getOperand(0);
  if (auto *C = dyn_cast<ConstantInt>(V))
    return C->getType()->isIntegerTy(1) ? (C->isZero() ? "false" : "true")
                                        : std::to_string(C->getSExtValue());
  if (isa<ConstantPointerNull>(V))
    return "nullptr";
  if (auto *CB = dyn_cast<CallBase>(V))
    return shortCallee(CB) + "()";
  if (auto *LdI = dyn_cast<LoadInst>(V)) {
    Value *P = LdI->getPointerOperand()->stripPointerCasts();
    std::string N = varName(P);
    if (!N.empty())
      return N;
    if (auto *G = dyn_cast<GlobalVariable>(P))
      return std::string(G->getName());
    if (auto *GEP = dyn_cast<GetElementPtrInst>(P)) {
      std::string Base = renderValue(GEP->getPointerOperand(), Depth - 1);
      return Base + ".field";
    }
    return "*" + renderValue(P, Depth - 1);
  }
  if (auto *A = dyn_cast<Argument>(V))
    return A->hasName() ? std::string(A->getName())
                        : "arg" + std::to_string(A->getArgNo());
  if (auto *Cmp = dyn_cast<ICmpInst>(V)) {
    const char *Op = "?";
    switch (Cmp->getPredicate()) {
    case ICmpInst::ICMP_EQ:
      Op = "==";
      break;
    case ICmpInst::ICMP_NE:
      Op = "!=";
      break;
    case ICmpInst::ICMP_SLT:
    case ICmpInst::ICMP_ULT:
      Op = "<";
      break;
    case ICmpInst::ICMP_SLE:
    case ICmpInst::ICMP_ULE:
      Op = "<=";
      break;
    case ICmpInst::ICMP_SGT:
    case ICmpInst::ICMP_UGT:
      Op = ">";
      break;
    case ICmpInst::ICMP_SGE:
    case ICmpInst::ICMP_UGE:
      Op = ">=";
      break;
    default:
      break;
    }
    return renderValue(Cmp->getOperand(0), Depth - 1) + " " + Op + " " +
           renderValue(Cmp->getOperand(1), Depth - 1);
  }
  Value *X;
  if (match(V, m_Not(m_Value(X))))
    return "!" + renderValue(X, Depth - 1);
  if (auto *BO = dyn_cast<BinaryOperator>(V))
    return "(" + renderValue(BO->getOperand(0), Depth - 1) + " " + BO->getOpcodeName() +
           " " + renderValue(BO->getOperand(1), Depth - 1) + ")";
  if (V->hasName())
    return "%" + std::string(V->getName());
  return "?";
}

std::string renderCondition(Value *Cond) {
  std::string S = renderValue(Cond, 5);
  if (S.size() > 120)
    S = S.substr(0, 117) + "...";
  return S;
}

} // namespace csnake
