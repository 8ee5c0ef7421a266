// Spawning processes the way csnake runs tests: an argv vector (never a shell), an
// explicit environment, its own process group (so a timeout kills the whole tree, forked
// children included), stdout/stderr to files.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace csnake {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::string> env;   // complete environment, "KEY=VALUE"
  std::string cwd;                // empty = inherit
  std::string stdoutPath;         // empty = /dev/null
  std::string stderrPath;         // empty = /dev/null; may equal stdoutPath
};

struct ProcessStatus {
  bool spawned = false;
  std::string spawnError;  // why it could not start (one line)
  int exitCode = -1;       // when it exited normally
  int signal = 0;          // when a signal ended it
  bool timedOut = false;   // killed by us at the deadline
  double wallSeconds = 0;

  bool succeeded() const { return spawned && !timedOut && signal == 0 && exitCode == 0; }
  std::string describe() const;  // "exit 1", "killed by SIGSEGV", "timed out after 5.0 s"
};

// Environment of this process, minus variables whose names start with one of `dropPrefixes`.
std::vector<std::string> currentEnvironment(const std::vector<std::string> &dropPrefixes = {});
void setEnv(std::vector<std::string> &env, const std::string &key, const std::string &value);

// Starts the process in a new process group (pgid == pid). Returns -1 and sets `error`
// when it cannot: the executable is missing or not executable, the cwd is missing, or an
// output file cannot be opened.
pid_t spawnProcess(const ProcessSpec &spec, std::string &error);

// Kills the process group of `pid` (SIGKILL): the test and whatever it forked.
void killProcessGroup(pid_t pid);

// Runs to completion or to the deadline (then kills the group). Blocking.
ProcessStatus runProcess(const ProcessSpec &spec, double timeoutSeconds);

// Decodes a wait status into `status`.
void decodeWaitStatus(int waitStatus, ProcessStatus &status);

}  // namespace csnake
