// A module is never instrumented twice: the second run sees the csnake.instrumented
// marker and changes nothing (one table, one ctor, one set of hooks).
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.1.ll
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.1.ll -o %t.2.ll
// RUN: %opt %loadplugin -passes=csnake-instrument,csnake-instrument -S %t.ll -o %t.3.ll
// RUN: grep -c __csnake %t.1.ll > %t.c1
// RUN: grep -c __csnake %t.2.ll > %t.c2
// RUN: diff %t.c1 %t.c2
// RUN: %FileCheck %s < %t.3.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.1.ll | %FileCheck %s --check-prefix=PRINT
#include <unistd.h>
int pump(int fd, int n) {
  char c;
  int got = 0;
  for (int i = 0; i < n; i++)
    if (read(fd, &c, 1) < 0)
      return -1;
    else
      got++;
  return got;
}
// CHECK-COUNT-1: @__csnake_sites = internal constant
// CHECK-NOT: @__csnake_sites{{[0-9]+}} =
// CHECK-NOT: @__csnake_state{{[0-9]+}} =
// CHECK: @llvm.global_ctors = appending global [1 x
// CHECK-COUNT-1: call void @__csnake_loop_iter(
// CHECK-NOT: call void @__csnake_loop_iter(
// CHECK-NOT: define internal void @csnake.module_ctor.
// CHECK: !csnake.instrumented = !{}
// PRINT: ; csnake: module already instrumented
