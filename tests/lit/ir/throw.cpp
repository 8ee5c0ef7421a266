// THROW sites: a guard whose taken side must reach __cxa_throw (fault side recorded in
// the flags), the throw statement itself (plain, observe-only), and the IR shapes.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --check-prefix=SITES
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll
// RUN: %opt -verify -disable-output %t.inst.ll
// RUN: %FileCheck %s --check-prefix=IR < %t.inst.ll
#include <stdexcept>
#include <string>

int checked(int x) {
  if (x < 0)
    throw std::invalid_argument("negative");
  return x * 2;
}
// SITES-DAG: THROW ir/throw.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z7checkedi flags=fault_on_true {{.*}} detail="x < 0|op=arg#0:{{[0-9a-f]+}}|pred=slt|k=0"
// SITES-DAG: THROW ir/throw.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z7checkedi flags=plain {{.*}} detail="throw"

// The fault side is the false successor here (`fd >= 0` returns); the throw is built
// with calls and preceded by a nested if (logging): the guard is still found.
void log_it(const char *);
void nested(int fd, bool verbose) {
  if (fd >= 0)
    return;
  if (verbose)
    log_it("bad fd");
  throw std::runtime_error("bad fd " + std::to_string(fd));
}
// SITES-DAG: THROW ir/throw.cpp:[[#@LINE-6]]:{{[0-9]+}} _Z6nestedib flags=- {{.*}} detail="fd >= 0|op=arg#0:{{[0-9a-f]+}}|pred=sge|k=0"
// SITES-DAG: THROW ir/throw.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z6nestedib flags=plain

// `if (a || b) throw` gives two guards on the same line with ordinals 0 and 1.
void either(int a, int b) {
  if (a < 0 || b < 0) throw std::range_error("range");
}
// SITES-DAG: THROW ir/throw.cpp:[[#@LINE-2]]:{{[0-9]+}} _Z6eitherii flags=fault_on_true {{.*}} rel=1#0 detail="a < 0|op=arg#0:{{[0-9a-f]+}}|pred=slt|k=0"
// SITES-DAG: THROW ir/throw.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z6eitherii flags=fault_on_true {{.*}} rel=1#1 detail="b < 0|op=arg#1:{{[0-9a-f]+}}|pred=slt|k=0"

// A branch that only *may* lead to a throw is not a guard.
void maybe(int a, int b) {
  if (a > 0) {
    if (b > 0)
      throw std::runtime_error("both");
  }
}
// SITES-DAG: THROW ir/throw.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z5maybeii flags=fault_on_true {{.*}} detail="b > 0|op=arg#1:{{[0-9a-f]+}}|pred=sgt|k=0"
// SITES-NOT: detail="a > 0

// Shape of a guard: inline check, then fault_branch feeding a phi that replaces the condition.
// IR-LABEL: define {{.*}} @_Z7checkedi(
// IR: %[[CMP:[0-9]+]] = icmp slt i32 %{{[0-9]+}}, 0
// IR-NEXT: %[[S:csnake.state[0-9]*]] = load i8, i8* getelementptr inbounds ([{{[0-9]+}} x i8], [{{[0-9]+}} x i8]* @__csnake_state, i64 0, i64 [[#]]), align 1
// IR-NEXT: %[[ON:csnake.on[0-9]*]] = icmp ne i8 %[[S]], 0
// IR-NEXT: br i1 %[[ON]], label %[[HOOK:csnake.hook[0-9]*]], label %[[CONT:[0-9]+]], {{.*}}!prof
// IR: [[HOOK]]:
// IR-NEXT: %[[Z:[0-9]+]] = zext i1 %[[CMP]] to i32
// IR-NEXT: %[[F:csnake.fault[0-9]*]] = call i32 @__csnake_fault_branch(i64 {{-?[0-9]+}}, i32 %[[Z]])
// IR-NEXT: %[[NC:[0-9]+]] = icmp ne i32 %[[F]], 0
// IR-NEXT: br label %[[CONT]]
// IR: [[CONT]]:
// IR-NEXT: %[[PHI:csnake.cond[0-9]*]] = phi i1 [ %[[NC]], %[[HOOK]] ], [ %[[CMP]], %{{.*}} ]
// IR-NEXT: br i1 %[[PHI]],
// Plain throw: inline check + __csnake_throw right before __cxa_throw.
// IR: load i8, {{.*}} @__csnake_state
// IR-NEXT: icmp ne i8
// IR-NEXT: br i1
// IR: call void @__csnake_throw(i64 {{-?[0-9]+}})
// IR-NEXT: br label
// IR: call void @__cxa_throw(
// Hooks never unwind, and the hot-path hooks touch only the runtime's memory, so the
// optimiser keeps the target's values in registers across them.
// IR: declare i32 @__csnake_fault_branch(i64, i32) [[HOOKATTR:#[0-9]+]]
// IR: attributes [[HOOKATTR]] = { inaccessiblememonly nounwind willreturn }
