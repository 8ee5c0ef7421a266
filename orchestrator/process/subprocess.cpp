#include "process/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

extern char **environ;

namespace csnake {

std::string ProcessStatus::describe() const {
  if (!spawned) return "could not start: " + spawnError;
  if (timedOut) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "timed out after %.1f s", wallSeconds);
    return buf;
  }
  if (signal) {
    const char *name = sigabbrev_np(signal);
    return std::string("killed by SIG") + (name ? name : std::to_string(signal).c_str());
  }
  return "exit " + std::to_string(exitCode);
}

std::vector<std::string> currentEnvironment(const std::vector<std::string> &dropPrefixes) {
  std::vector<std::string> env;
  for (char **e = environ; *e; ++e) {
    std::string kv = *e;
    bool drop = false;
    for (const std::string &p : dropPrefixes) drop |= kv.rfind(p, 0) == 0;
    if (!drop) env.push_back(std::move(kv));
  }
  return env;
}

void setEnv(std::vector<std::string> &env, const std::string &key, const std::string &value) {
  std::string prefix = key + "=";
  for (std::string &kv : env)
    if (kv.rfind(prefix, 0) == 0) {
      kv = prefix + value;
      return;
    }
  env.push_back(prefix + value);
}

namespace {

// Resolves argv[0] against PATH before forking, so the child only has to execve (and a
// missing program is reported by the parent, in one line).
bool resolveExecutable(const std::string &name, const std::vector<std::string> &env, std::string &out,
                       std::string &error) {
  auto usable = [](const std::string &p) {
    struct stat st;
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    if (usable(name)) {
      out = name;
      return true;
    }
    error = name + ": " + (access(name.c_str(), F_OK) == 0 ? "not an executable file" : "no such file");
    return false;
  }
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string &kv : env)
    if (kv.rfind("PATH=", 0) == 0) path = kv.substr(5);
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (usable(candidate)) {
      out = candidate;
      return true;
    }
    start = end + 1;
  }
  error = name + ": not found in PATH";
  return false;
}

int openOutput(const std::string &path) {
  return open(path.empty() ? "/dev/null" : path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

}  // namespace

pid_t spawnProcess(const ProcessSpec &spec, std::string &error) {
  if (spec.argv.empty()) {
    error = "empty command";
    return -1;
  }
  std::string exe;
  if (!resolveExecutable(spec.argv[0], spec.env, exe, error)) return -1;
  if (!spec.cwd.empty()) {
    struct stat st;
    if (stat(spec.cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      error = spec.cwd + ": working directory does not exist";
      return -1;
    }
  }
  int out = openOutput(spec.stdoutPath);
  int err = spec.stderrPath == spec.stdoutPath ? dup(out) : openOutput(spec.stderrPath);
  if (out < 0 || err < 0) {
    error = (out < 0 ? spec.stdoutPath : spec.stderrPath) + ": cannot open for writing: " + std::strerror(errno);
    if (out >= 0) close(out);
    if (err >= 0) close(err);
    return -1;
  }
  // Everything the child needs is prepared before fork: after it, only async-signal-safe
  // calls (the parent may have threads).
  std::vector<char *> argv, envp;
  for (const std::string &a : spec.argv) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string &e : spec.env) envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out, 1);
    dup2(err, 2);
    if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) _exit(127);
    execve(exe.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  int forkErrno = errno;
  // Also in the parent, so a kill of the group right after fork cannot miss it.
  if (pid > 0) setpgid(pid, pid);
  close(out);
  close(err);
  if (devnull >= 0) close(devnull);
  if (pid < 0) {
    error = std::string("fork failed: ") + std::strerror(forkErrno);
    return -1;
  }
  return pid;
}

void killProcessGroup(pid_t pid) {
  if (pid > 0) kill(-pid, SIGKILL);
}

void decodeWaitStatus(int ws, ProcessStatus &status) {
  if (WIFEXITED(ws))
    status.exitCode = WEXITSTATUS(ws);
  else if (WIFSIGNALED(ws))
    status.signal = WTERMSIG(ws);
}

ProcessStatus runProcess(const ProcessSpec &spec, double timeoutSeconds) {
  ProcessStatus st;
  auto start = std::chrono::steady_clock::now();
  pid_t pid = spawnProcess(spec, st.spawnError);
  if (pid < 0) return st;
  st.spawned = true;
  auto deadline = start + std::chrono::duration<double>(timeoutSeconds);
  int ws = 0;
  std::chrono::microseconds nap(200);
  for (;;) {
    pid_t r = waitpid(pid, &ws, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      st.timedOut = true;
      killProcessGroup(pid);
      while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(nap);
    if (nap < std::chrono::milliseconds(20)) nap *= 2;
  }
  // Whatever the test forked and left behind goes with it.
  killProcessGroup(pid);
  if (!st.timedOut) decodeWaitStatus(ws, st);
  st.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return st;
}

}  // namespace csnake
