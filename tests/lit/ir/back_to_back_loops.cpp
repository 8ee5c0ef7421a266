// Regression: loops back to back, the first loop's exit block ending in the branch into
// the second loop's header (which starts with a PHI). clang emits that shape for
// non-constant aggregate initialisers: one loop per zero-padded array member fills the
// padding, and one loop per array of objects runs the constructors (and the destructors
// at the end and on unwinding). The exit hook of loop 1 splits that exit block; the
// enter hook of loop 2 used to be looked up on the old (split) block, which no longer
// branches to loop 2: crash in Instrumenter::edgeAnchor (exit 139) at every -O level.
// When loop 2's header had no PHI (two plain `for` loops in a row at -O0) there was no
// crash, but loop 2's enter hook went into an unreachable block. Now loop 1's exit hook
// comes first, then loop 2's enter hook right before the branch into loop 2's header,
// no block is left without predecessors, and the pass says nothing.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --check-prefix=SITES
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll 2> %t.err
// RUN: count 0 < %t.err
// RUN: %opt -verify -disable-output %t.inst.ll
// RUN: %FileCheck %s --check-prefix=IR < %t.inst.ll
// RUN: not grep "No predecessors" %t.inst.ll
// Through clang at pipeline start, -O0 and -O2: no crash, no warning, same site table.
// RUN: %clangxx -fpass-plugin=%plugin -O0 -g -S -emit-llvm %s -o %t.O0.ll 2> %t.O0.err
// RUN: %clangxx -fpass-plugin=%plugin -O2 -g -S -emit-llvm %s -o %t.O2.ll 2> %t.O2.err
// RUN: count 0 < %t.O0.err
// RUN: count 0 < %t.O2.err
// RUN: grep '^@__csnake_sites = ' %t.O0.ll > %t.O0.table
// RUN: grep '^@__csnake_sites = ' %t.O2.ll > %t.O2.table
// RUN: diff %t.O0.table %t.O2.table
struct Id {
  unsigned char b[16];
};
struct Rec {
  Id id;
  const char *name;
};
const char *lookup(const char *);
void use(Rec *, int);

// Three records: three zero-fill loops, each exit block running into the next header.
void records() {
  Rec r[3] = {{{1}, lookup("a")}, {{2}, lookup("b")}, {{3}, lookup("c")}};
  use(r, 3);
}
// SITES: LOOP ir/back_to_back_loops.cpp:[[#@LINE-3]]:{{[0-9]+}} _Z7recordsv
// SITES-NEXT: LOOP ir/back_to_back_loops.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z7recordsv
// SITES-NEXT: LOOP ir/back_to_back_loops.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z7recordsv

// IR-LABEL: define {{.*}} @_Z7recordsv(
// IR: call void @__csnake_loop_enter(i64 [[#%d,L1:]], i8*
// IR: call void @__csnake_loop_iter(i64 [[#%d,L1]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,L1]], i8*
// The rest of loop 1's exit block, then loop 2's enter hook (state byte 1) right before
// the branch into loop 2's header.
// IR: call {{.*}} @_Z6lookupPKc(
// IR: load i8, {{.*}} @__csnake_state, i64 0, i64 1), align 1
// IR-NEXT: %[[ON:csnake.on[0-9]*]] = icmp ne i8
// IR-NEXT: br i1 %[[ON]], label %[[H:csnake.hook[0-9]*]], label %[[C:[0-9]+]]
// IR-EMPTY:
// IR-NEXT: [[H]]:
// IR-NEXT: %[[FR:csnake.frame[0-9]*]] = call i8* @llvm.frameaddress.p0i8(i32 0)
// IR-NEXT: call void @__csnake_loop_enter(i64 [[#%d,L2:]], i8* %[[FR]])
// IR-NEXT: br label %[[C]]
// IR-EMPTY:
// IR-NEXT: {{^}}[[C]]:
// IR-NEXT: br label %[[HDR:[0-9]+]]
// IR-EMPTY:
// IR-NEXT: {{^}}[[HDR]]:
// IR-NEXT: phi i8*
// IR: call void @__csnake_loop_iter(i64 [[#%d,L2]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,L2]], i8*
// IR: call {{.*}} @_Z6lookupPKc(
// IR: load i8, {{.*}} @__csnake_state, i64 0, i64 2), align 1
// IR: call void @__csnake_loop_enter(i64 [[#%d,L3:]], i8*
// IR: call void @__csnake_loop_iter(i64 [[#%d,L3]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,L3]], i8*
// IR-NOT: call void @__csnake_loop_
// IR: call void @_Z3useP3Reci(

struct Obj {
  Obj();
  Obj(int);
  ~Obj();
  int v;
};
int sum(Obj *, Obj *);

// Two arrays of objects built from a non-constant value: two constructor loops back to
// back (their calls are invokes), then destructor loops back to back, on the normal path
// and in the cleanups.
int objects(int x) {
  Obj a[4] = {x};
  Obj b[4] = {x + 1};
  return sum(a, b);
}
// SITES: LOOP ir/back_to_back_loops.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z7objectsi
// SITES-NEXT: LOOP ir/back_to_back_loops.cpp:[[#@LINE-4]]:{{[0-9]+}} _Z7objectsi

// IR-LABEL: define {{.*}} @_Z7objectsi(
// IR: call void @__csnake_loop_enter(i64 [[#%d,A:]], i8*
// IR: call void @__csnake_loop_iter(i64 [[#%d,A]], i8*
// IR: invoke void @_ZN3ObjC1Ev(
// IR: call void @__csnake_loop_exit(i64 [[#%d,A]], i8*
// IR: invoke void @_ZN3ObjC1Ei(
// IR: call void @__csnake_loop_enter(i64 [[#%d,B:]], i8*
// IR: call void @__csnake_loop_iter(i64 [[#%d,B]], i8*
// IR: invoke void @_ZN3ObjC1Ev(
// IR: call void @__csnake_loop_exit(i64 [[#%d,B]], i8*
// Normal path: destroy b, then a; the exit hook of the first destructor loop, then the
// enter hook of the second one right before the branch into its header.
// IR: invoke {{.*}} @_Z3sumP3ObjS0_(
// IR: call void @__csnake_loop_enter(i64 [[#%d,D1:]], i8*
// IR: br label %[[HDR1:[0-9]+]]
// IR: {{^}}[[HDR1]]:
// IR: call void @__csnake_loop_iter(i64 [[#%d,D1]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,D1]], i8*
// IR-NEXT: br label %[[C2:[0-9]+]]
// IR-EMPTY:
// IR-NEXT: {{^}}[[C2]]:
// IR-NEXT: getelementptr
// IR-NEXT: getelementptr
// IR-NEXT: load i8, {{.*}} @__csnake_state
// IR-NEXT: %[[ON2:csnake.on[0-9]*]] = icmp ne i8
// IR-NEXT: br i1 %[[ON2]], label %[[H2:csnake.hook[0-9]*]], label %[[C3:[0-9]+]]
// IR-EMPTY:
// IR-NEXT: [[H2]]:
// IR-NEXT: call i8* @llvm.frameaddress.p0i8(i32 0)
// IR-NEXT: call void @__csnake_loop_enter(i64 [[#%d,D2:]], i8*
// IR-NEXT: br label %[[C3]]
// IR-EMPTY:
// IR-NEXT: {{^}}[[C3]]:
// IR-NEXT: br label %[[HDR2:[0-9]+]]
// IR: {{^}}[[HDR2]]:
// IR-NEXT: phi
// IR: call void @__csnake_loop_iter(i64 [[#%d,D2]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,D2]], i8*
// IR-NEXT: br label
// IR-NEXT: {{^$}}
// IR-NEXT: {{^[0-9]+}}:
// IR-NEXT: load i32
// IR-NEXT: ret i32

int work(int);

// Two plain loops in a row: no PHI in the second header at -O0.
int sequential(int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += work(i);
  for (int j = 0; j < n; j++)
    s -= work(j);
  return s;
}
// SITES: LOOP ir/back_to_back_loops.cpp:[[#@LINE-6]]:{{[0-9]+}} _Z10sequentiali
// SITES-NEXT: LOOP ir/back_to_back_loops.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z10sequentiali

// IR-LABEL: define {{.*}} @_Z10sequentiali(
// IR: call void @__csnake_loop_enter(i64 [[#%d,S1:]], i8*
// IR: call void @__csnake_loop_iter(i64 [[#%d,S1]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,S1]], i8*
// IR-NEXT: br label %[[E:[0-9]+]]
// IR-EMPTY:
// IR-NEXT: {{^}}[[E]]:
// IR: store i32 0
// IR-NEXT: load i8, {{.*}} @__csnake_state
// IR-NEXT: %[[ON3:csnake.on[0-9]*]] = icmp ne i8
// IR-NEXT: br i1 %[[ON3]], label %[[H3:csnake.hook[0-9]*]], label %[[C4:[0-9]+]]
// IR-EMPTY:
// IR-NEXT: [[H3]]:
// IR-NEXT: call i8* @llvm.frameaddress.p0i8(i32 0)
// IR-NEXT: call void @__csnake_loop_enter(i64 [[#%d,S2:]], i8*
// IR-NEXT: br label %[[C4]]
// IR-EMPTY:
// IR-NEXT: {{^}}[[C4]]:
// IR-NEXT: br label %[[HDR4:[0-9]+]]
// IR-EMPTY:
// IR-NEXT: {{^}}[[HDR4]]:
// IR: call void @__csnake_loop_iter(i64 [[#%d,S2]], i8*
// IR: call void @__csnake_loop_exit(i64 [[#%d,S2]], i8*
// IR-NOT: call void @__csnake_loop_
// IR: ret i32
