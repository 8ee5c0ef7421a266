// LOOP sites: enter on the edges into the header from outside, iter at the header,
// exit on every exit edge; frame = llvm.frameaddress(0); nested loops get their parent's
// id; every other conditional branch in a loop is a BRANCH site.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --check-prefix=SITES
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll
// RUN: %opt -verify -disable-output %t.inst.ll
// RUN: %FileCheck %s --check-prefix=IR < %t.inst.ll
int step(int);

int nest(int n, int m) {
  int s = 0;
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < m; j++) {
      if (step(j) > 3)
        s++;
    }
  }
  return s;
}
// SITES: site [[OUTER:0x[0-9a-f]+]] LOOP ir/loop.cpp:[[#@LINE-8]]:{{[0-9]+}} _Z4nestii {{.*}} parent=0x0000000000000000
// SITES-NEXT: site [[INNER:0x[0-9a-f]+]] LOOP ir/loop.cpp:[[#@LINE-8]]:{{[0-9]+}} _Z4nestii {{.*}} parent=[[OUTER]]
// SITES-NEXT: BRANCH ir/loop.cpp:[[#@LINE-10]]:{{.*}} parent=[[OUTER]] {{.*}} detail="i < n"
// SITES-NEXT: BRANCH ir/loop.cpp:[[#@LINE-10]]:{{.*}} parent=[[INNER]] {{.*}} detail="j < m"
// SITES-NEXT: BRANCH ir/loop.cpp:[[#@LINE-10]]:{{.*}} parent=[[INNER]] {{.*}} detail="step() > 3"

// Shape: enter hook before the branch into the header, iter hook at the header, exit
// hook on the exit edge, each behind load/icmp/br.
// IR-LABEL: define {{.*}} @_Z4nestii(
// IR: load i8, {{.*}} @__csnake_state, i64 0, i64 [[#OUTER:]]), align 1
// IR-NEXT: %[[ON:csnake.on[0-9]*]] = icmp ne i8
// IR-NEXT: br i1 %[[ON]], label %[[H:csnake.hook[0-9]*]], label
// IR: [[H]]:
// IR-NEXT: %[[FR:csnake.frame[0-9]*]] = call i8* @llvm.frameaddress.p0i8(i32 0)
// IR-NEXT: call void @__csnake_loop_enter(i64 [[#%d,OID:]], i8* %[[FR]])
// IR: load i8, {{.*}} @__csnake_state, i64 0, i64 [[#OUTER]]), align 1
// IR-NEXT: icmp ne i8
// IR-NEXT: br i1
// IR: call void @__csnake_loop_iter(i64 [[#%d,OID]], i8*
// IR: call void @__csnake_branch(i64 {{-?[0-9]+}}, i32
// IR: call void @__csnake_loop_enter(i64 [[#%d,IID:]], i8*
// IR: call void @__csnake_loop_iter(i64 [[#%d,IID]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,IID]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,OID]], i8*
// No hook call without its check: every hook block is reached from a state test.
// IR-NOT: call void @__csnake_loop_
// IR-LABEL: declare void @__csnake_loop_enter(i64, i8*)
