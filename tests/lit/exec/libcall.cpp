// Tier 2: a LIBCALL fault skips the call and returns -1 with the plan's errno.
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t
// RUN: %t | FileCheck %s --check-prefix=NONE
// RUN: %csnake_bin_dir/csnake sites %t --kind LIBCALL | grep '\[write\]' | cut -d' ' -f1 > %t.id
// RUN: rm -rf %t.tr && %csnake_bin_dir/csnake exec --fault $(cat %t.id) --errno ENOSPC --trace-out %t.tr -- %t | FileCheck %s --check-prefix=FAIL
// RUN: %csnake_bin_dir/csnake trace %t.tr | FileCheck %s --check-prefix=TRACE
// NONE: wrote 5 bytes
// FAIL: write failed: No space left on device
// TRACE: fired yes  fire_count 1
// TRACE: LIBCALL {{.*}}reach 1 occur 1 injected 1
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main() {
  int fd = open("/dev/null", O_WRONLY);
  ssize_t n = write(fd, "hello", 5);
  if (n < 0) std::printf("write failed: %s\n", std::strerror(errno));
  else std::printf("wrote %zd bytes\n", n);
  close(fd);
  return 0;
}
