// LIBCALL sites: calls to declared libc functions that can fail are replaced by the
// state-checked shape; pointer results fail with NULL; a module's own definition of a
// libc name is not a site.
// RUN: %clangxx -O0 -g -S -emit-llvm %s -o %t.ll
// RUN: %opt %loadplugin -passes=csnake-print-sites -disable-output %t.ll | %FileCheck %s --check-prefix=SITES --implicit-check-not=LIBCALL
// RUN: %opt %loadplugin -passes=csnake-instrument -S %t.ll -o %t.inst.ll
// RUN: %opt -verify -disable-output %t.inst.ll
// RUN: %FileCheck %s --check-prefix=IR < %t.inst.ll
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

long echo(int fd, char *buf, unsigned long n) {
  long got = recv(fd, buf, n, 0);
  long r = read(fd, buf, n);
  long s = send(fd, buf, got + r, 0);
  return s;
}
// SITES-DAG: LIBCALL ir/libcall.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z4echoiPcm {{.*}} detail="recv"
// SITES-DAG: LIBCALL ir/libcall.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z4echoiPcm {{.*}} detail="read"
// SITES-DAG: LIBCALL ir/libcall.cpp:[[#@LINE-5]]:{{[0-9]+}} _Z4echoiPcm {{.*}} detail="send"

int dial(int fd, const sockaddr *a, socklen_t l) { return connect(fd, a, l); }
// SITES-DAG: LIBCALL ir/libcall.cpp:[[#@LINE-1]]:{{[0-9]+}} _Z4dialiPK8sockaddrj {{.*}} detail="connect"

FILE *open_log(const char *p) { return fopen(p, "a"); }
// SITES-DAG: LIBCALL ir/libcall.cpp:[[#@LINE-1]]:{{[0-9]+}} _Z8open_logPKc {{.*}} detail="fopen"

// A definition named like a libc function is not replaced (nor are calls to it).
extern "C" int fsync(int fd) { return fd; }
int sync_it(int fd) { return fsync(fd); }

// Shape (int result): plain path calls the original, armed path asks the runtime.
// IR-LABEL: define {{.*}} @_Z4dialiPK8sockaddrj(
// IR: %[[S:csnake.state[0-9]*]] = load i8, {{.*}} @__csnake_state, i64 0, i64 [[#]]), align 1
// IR-NEXT: %[[ON:csnake.on[0-9]*]] = icmp ne i8 %[[S]], 0
// IR-NEXT: br i1 %[[ON]], label %[[ARMED:csnake.libcall.armed[0-9]*]], label %[[PLAIN:csnake.libcall.plain[0-9]*]], {{.*}}!prof
// IR: [[PLAIN]]:
// IR-NEXT: %[[R0:[0-9]+]] = call i32 @connect(
// IR-NEXT: br label %[[CONT:csnake.libcall.cont[0-9]*]]
// IR: [[ARMED]]:
// IR-NEXT: %[[SKIP:csnake.skip[0-9]*]] = call i32 @__csnake_libcall_before(i64 [[#%d,ID:]])
// IR-NEXT: %[[B:[0-9]+]] = icmp ne i32 %[[SKIP]], 0
// IR-NEXT: br i1 %[[B]], label %[[FAIL:csnake.libcall.fail[0-9]*]], label %[[CALL:csnake.libcall.call[0-9]*]]
// IR: [[CALL]]:
// IR-NEXT: %[[R1:[0-9]+]] = call i32 @connect(
// IR-NEXT: %[[W:[0-9]+]] = sext i32 %[[R1]] to i64
// IR-NEXT: call void @__csnake_libcall_after(i64 [[#%d,ID]], i64 %[[W]], i32 0)
// IR-NEXT: br label %[[CONT]]
// IR: [[FAIL]]:
// IR-NEXT: br label %[[CONT]]
// IR: [[CONT]]:
// IR-NEXT: phi i32 [ %[[R0]], %[[PLAIN]] ], [ %[[R1]], %[[CALL]] ], [ -1, %[[FAIL]] ]
// Pointer results: NULL on injected failure, is_pointer = 1.
// IR-LABEL: define {{.*}} @_Z8open_logPKc(
// IR: ptrtoint %struct._IO_FILE* %{{[0-9]+}} to i64
// IR-NEXT: call void @__csnake_libcall_after(i64 {{-?[0-9]+}}, i64 %{{[0-9]+}}, i32 1)
// IR: phi %struct._IO_FILE* [ %{{[0-9]+}}, %{{.*}} ], [ %{{[0-9]+}}, %{{.*}} ], [ null, %{{.*}} ]
// IR-LABEL: define {{.*}} @_Z7sync_iti(
// IR-NOT: __csnake
// IR: ret i32
