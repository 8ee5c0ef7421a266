// Tier 2: a program that starts a second process: each process writes its own trace file
// in the run's directory, tagged with its node name.
// RUN: %csnake_bin_dir/csnake-clang++ -O1 %s -o %t
// RUN: rm -rf %t.tr && %csnake_bin_dir/csnake exec --trace-out %t.tr -- %t
// RUN: %csnake_bin_dir/csnake trace %t.tr | FileCheck %s
// CHECK: 2 process(es)
// CHECK-DAG: node parent
// CHECK-DAG: node child
// CHECK-DAG: node child {{.*}}invocations 1 iterations 101 {{.*}}two_process.cpp:{{[0-9]+}} work(int)
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

extern "C" void csnake_set_node(const char *) __attribute__((weak));

__attribute__((noinline)) long work(int n) {
  long acc = 0;
  for (int i = 0; i < n; ++i) acc += i * i % 7;
  return acc;
}

int main(int argc, char **argv) {
  bool child = argc > 1 && std::strcmp(argv[1], "child") == 0;
  if (csnake_set_node) csnake_set_node(child ? "child" : "parent");
  work(100);
  if (child) return 0;
  pid_t pid = fork();
  if (pid == 0) {
    execl("/proc/self/exe", argv[0], "child", static_cast<char *>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
