// Without a project root (no CSNAKE_ROOT, no -csnake-root) nothing is instrumented and
// a warning says why; -csnake-root works as a cl::opt when the plugin is also loaded
// with -load; a root that does not contain the file instruments nothing.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: env -u CSNAKE_ROOT %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.none.ll 2>&1 | %FileCheck %s --check-prefix=WARN
// RUN: %FileCheck %s --check-prefix=NONE < %t.none.ll
// RUN: env -u CSNAKE_ROOT %opt %loadplugin -passes=csnake-print-sites -csnake-root=%root -disable-output %t.ll | %FileCheck %s --check-prefix=OPT
// RUN: env CSNAKE_ROOT=%root/ir/Inputs %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | count 0
// WARN: csnake: warning: no project root
// NONE-NOT: __csnake
// OPT: LOOP ir/no_root.cpp:[[#@LINE+3]]
int sum(int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += i * i;
  return s;
}
