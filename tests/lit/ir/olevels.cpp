// Through clang -fpass-plugin the pass runs at pipeline start: -O0 and -O2 produce the
// same site table (same ids, flags and loop facts), and the table reaches the object
// file's csnake_sites section.
// RUN: %clangxx -fpass-plugin=%plugin -O0 -g -S -emit-llvm %s -o %t.O0.ll
// RUN: %clangxx -fpass-plugin=%plugin -O2 -g -S -emit-llvm %s -o %t.O2.ll
// RUN: %clangxx -fpass-plugin=%plugin -O2 -gline-tables-only -S -emit-llvm %s -o %t.O2g1.ll
// RUN: grep '^@__csnake_sites = ' %t.O0.ll > %t.O0.table
// RUN: grep '^@__csnake_sites = ' %t.O2.ll > %t.O2.table
// RUN: diff %t.O0.table %t.O2.table
// With -gline-tables-only (what the wrapper adds when no -g is given) there are no
// variable names for the details, but the same number of sites.
// RUN: grep -o '^@__csnake_state = internal global \[[0-9]* x i8\]' %t.O0.ll > %t.O0.n
// RUN: grep -o '^@__csnake_state = internal global \[[0-9]* x i8\]' %t.O2g1.ll > %t.O2g1.n
// RUN: diff %t.O0.n %t.O2g1.n
// RUN: %FileCheck %s < %t.O0.table
// RUN: %clangxx -fpass-plugin=%plugin -O2 -g -c %s -o %t.o
// RUN: llvm-readelf-14 -S %t.o | %FileCheck %s --check-prefix=ELF
// CHECK: c"CSNKMOD\00
// CHECK-SAME: section "csnake_sites", align 8
// ELF: csnake_sites
#include <stdexcept>
#include <sys/socket.h>

static int parse(const char *p) {
  int v = 0;
  while (*p >= '0' && *p <= '9')
    v = v * 10 + (*p++ - '0');
  if (v > 1000)
    throw std::out_of_range("too large");
  return v;
}

int serve(int fd, char *buf, int n) {
  int handled = 0;
  for (int i = 0; i < n; i++) {
    long got = recv(fd, buf, 64, 0);
    if (got < 0)
      continue;
    if (got == 0)
      break;
    handled += parse(buf);
  }
  return handled;
}
