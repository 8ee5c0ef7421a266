// A "test" that misbehaves on request, built instrumented, for the orchestrator's
// bad-input tests: `misbehaving_test MODE` with MODE one of
//   ok        loops a little, exits 0
//   fail      exits 1 (an assertion failure)
//   crash     dereferences null (SIGSEGV)
//   hang      never returns
//   fork      leaves a child running behind it, exits 0
//   garbage   writes a corrupt trace file next to its real one, exits 0
//   flaky     exits 0 or 1 depending on the pid (differs across repeats)
//   guarded   throws from a guarded helper when forced (an injectable THROW), exits 0
//   slow      works in 20 steps of 15 ms (about 0.3 s), exits 0
//   forkcases runs 4 "cases" in forked children, one after another, each reaching the
//             guarded validate() 3 times (a test framework that forks per case), exits 0
//   exclusive holds state.lock in its working directory for 0.3 s, as tests that keep
//             state files there do; exits 1 when another copy holds it
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

int work(int rounds) {
  int acc = 0;
  for (int i = 0; i < rounds; ++i) acc += (i % 7 == 0) ? i : 1;
  return acc;
}

void validate(int value) {
  if (value < 0) throw std::invalid_argument("negative value " + std::to_string(value));
}

}  // namespace

int main(int argc, char **argv) {
  std::string mode = argc > 1 ? argv[1] : "ok";
  int acc = work(1000);
  if (mode == "ok") return acc > 0 ? 0 : 2;
  if (mode == "fail") {
    std::fprintf(stderr, "assertion failed: expected 1, got 2\n");
    return 1;
  }
  if (mode == "crash") {
    volatile int *p = nullptr;
    return *p;
  }
  if (mode == "hang") {
    for (;;) pause();
  }
  if (mode == "fork") {
    if (fork() == 0) {
      for (;;) pause();
    }
    return 0;
  }
  if (mode == "garbage") {
    const char *dir = std::getenv("CSNAKE_TRACE_DIR");
    if (dir) std::ofstream(std::string(dir) + "/zz-garbage.cstrace") << "this is not a trace";
    return 0;
  }
  if (mode == "flaky") return getpid() % 2;
  if (mode == "exclusive") {
    int fd = open("state.lock", O_CREAT | O_EXCL | O_WRONLY, 0644);
    if (fd < 0) {
      std::fprintf(stderr, "state.lock exists: another copy of this test runs in this directory\n");
      return 1;
    }
    close(fd);
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, nullptr);
    unlink("state.lock");
    return 0;
  }
  if (mode == "slow") {
    for (int step = 0; step < 20; ++step) {
      timespec ts{0, 15 * 1000 * 1000};
      nanosleep(&ts, nullptr);
      acc += work(100);
    }
    return acc > 0 ? 0 : 2;
  }
  if (mode == "guarded") {
    int handled = 0;
    for (int i = 0; i < 5; ++i) {
      try {
        validate(i);
      } catch (const std::invalid_argument &) {
        ++handled;
      }
    }
    std::printf("handled=%d\n", handled);
    return 0;
  }
  if (mode == "forkcases") {
    for (int c = 0; c < 4; ++c) {
      pid_t pid = fork();
      if (pid == 0) {
        int handled = 0;
        for (int i = 0; i < 3; ++i) {
          try {
            validate(i);
          } catch (const std::invalid_argument &) {
            ++handled;
          }
        }
        std::printf("case %d handled=%d\n", c, handled);
        std::exit(0);  // as a test framework's child ends: the runtime writes its trace
      }
      int st = 0;
      waitpid(pid, &st, 0);
    }
    return 0;
  }
  std::fprintf(stderr, "misbehaving_test: unknown mode %s\n", mode.c_str());
  return 2;
}
