//===- SiteTableEmitter.cpp - per-module site table -----------------------===//
//
// Purpose: see SiteTableEmitter.h. The blob is laid out byte by byte in the target's
// endianness, exactly as the C structs of abi.h (all fields naturally aligned, no
// padding: header 24 bytes, record 48 bytes).
//
//===----------------------------------------------------------------------===//
#include "SiteTableEmitter.h"

#include "csnake/abi.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <cstddef>
#include <cstring>

using namespace llvm;

static_assert(sizeof(csnake_module_header) == 24, "abi.h header layout");
static_assert(sizeof(csnake_site_record) == 48, "abi.h record layout");

namespace csnake {

namespace {
class ByteWriter {
public:
  explicit ByteWriter(bool LE) : LE(LE) {}
  void u32(uint32_t V) { put(V, 4); }
  void u64(uint64_t V) { put(V, 8); }
  void bytes(const char *P, size_t N) { Buf.insert(Buf.end(), P, P + N); }
  void pad8() {
    while (Buf.size() % 8)
      Buf.push_back(0);
  }
  std::vector<char> Buf;

private:
  void put(uint64_t V, unsigned N) {
    for (unsigned I = 0; I < N; ++I) {
      unsigned Shift = LE ? 8 * I : 8 * (N - 1 - I);
      Buf.push_back((char)((V >> Shift) & 0xff));
    }
  }
  bool LE;
};
} // namespace

GlobalVariable *SiteTableEmitter::emit(const std::vector<Site> &Sites) {
  if (Sites.empty())
    return nullptr;
  LLVMContext &C = M.getContext();
  const DataLayout &DL = M.getDataLayout();

  // String table (offset 0 is the empty string).
  std::string Strtab(1, '\0');
  StringMap<uint32_t> Offsets;
  auto Str = [&](const std::string &S) -> uint32_t {
    if (S.empty())
      return 0;
    auto It = Offsets.find(S);
    if (It != Offsets.end())
      return It->second;
    uint32_t Off = (uint32_t)Strtab.size();
    Strtab.append(S);
    Strtab.push_back('\0');
    Offsets[S] = Off;
    return Off;
  };
  struct Rec {
    uint32_t File, Function, Detail;
  };
  std::vector<Rec> Recs;
  for (const Site &S : Sites)
    Recs.push_back({Str(S.File), Str(S.Function), Str(S.Detail)});

  uint32_t N = (uint32_t)Sites.size();
  uint32_t Raw = (uint32_t)(sizeof(csnake_module_header) +
                            N * sizeof(csnake_site_record) + Strtab.size());
  uint32_t Total = (Raw + 7u) & ~7u;

  ByteWriter W(DL.isLittleEndian());
  char Magic[8] = {0};
  std::memcpy(Magic, CSNAKE_MODULE_MAGIC,
              sizeof(CSNAKE_MODULE_MAGIC) <= 8 ? sizeof(CSNAKE_MODULE_MAGIC) : 8);
  W.bytes(Magic, 8);
  W.u32(CSNAKE_ABI_VERSION);
  W.u32(N);
  W.u32((uint32_t)Strtab.size());
  W.u32(Total);
  for (size_t I = 0; I < Sites.size(); ++I) {
    const Site &S = Sites[I];
    W.u64(S.Id);
    W.u64(S.ParentLoop);
    W.u32(S.Kind);
    W.u32(S.Flags);
    W.u32(S.Line);
    W.u32(S.Column);
    W.u32(S.LoopSize);
    W.u32(Recs[I].File);
    W.u32(Recs[I].Function);
    W.u32(Recs[I].Detail);
  }
  W.bytes(Strtab.data(), Strtab.size());
  W.pad8();

  auto *BlobInit = ConstantDataArray::get(
      C,
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(W.Buf.data()), W.Buf.size()));
  auto *Blob =
      new GlobalVariable(M, BlobInit->getType(), /*isConstant=*/true,
                         GlobalValue::InternalLinkage, BlobInit, "__csnake_sites");
  Blob->setSection(CSNAKE_SITE_SECTION);
  Blob->setAlignment(Align(8));
  appendToUsed(M, {Blob});

  auto *StateTy = ArrayType::get(Type::getInt8Ty(C), N);
  auto *State =
      new GlobalVariable(M, StateTy, /*isConstant=*/false, GlobalValue::InternalLinkage,
                         ConstantAggregateZero::get(StateTy), "__csnake_state");
  State->setAlignment(Align(8));

  // Constructor.
  Type *I8P = Type::getInt8PtrTy(C);
  FunctionCallee Reg =
      M.getOrInsertFunction("__csnake_register_module",
                            FunctionType::get(Type::getVoidTy(C), {I8P, I8P}, false));
  if (auto *RF = dyn_cast<Function>(Reg.getCallee()->stripPointerCasts()))
    RF->addFnAttr(Attribute::NoUnwind);
  auto *Ctor = Function::Create(FunctionType::get(Type::getVoidTy(C), false),
                                GlobalValue::InternalLinkage, "csnake.module_ctor", M);
  Ctor->addFnAttr(Attribute::NoUnwind);
  Ctor->addFnAttr(Attribute::NoInline);
  IRBuilder<> B(BasicBlock::Create(C, "entry", Ctor));
  B.CreateCall(Reg, {ConstantExpr::getPointerCast(Blob, I8P),
                     ConstantExpr::getPointerCast(State, I8P)});
  B.CreateRetVoid();
  // Priority 1: before ordinary static constructors that may reach instrumented code.
  appendToGlobalCtors(M, Ctor, 1);
  return State;
}

} // namespace csnake
