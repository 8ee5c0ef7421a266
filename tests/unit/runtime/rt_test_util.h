// Helpers for the runtime tests: hand-built module site tables (header + records +
// strtab, per csnake/abi.h) and running a scenario in a forked child.
#pragma once

#include <csnake/abi.h>
#include <csnake/trace_reader.h>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace rttest {

struct SiteSpec {
  uint64_t id;
  uint32_t kind;
  uint32_t flags = 0;
  uint64_t parent = 0;
};

// A module as the pass would emit it: blob + state array.
class Module {
 public:
  explicit Module(const std::vector<SiteSpec> &sites, uint32_t abi = CSNAKE_ABI_VERSION) {
    const char strtab[] = "\0test.cpp\0fn\0";
    size_t size = sizeof(csnake_module_header) + sites.size() * sizeof(csnake_site_record) + sizeof strtab;
    size = (size + 7) & ~size_t(7);
    storage_.assign(size / 8, 0);
    auto *h = reinterpret_cast<csnake_module_header *>(storage_.data());
    memcpy(h->magic, CSNAKE_MODULE_MAGIC, 8);
    h->abi_version = abi;
    h->n_sites = uint32_t(sites.size());
    h->strtab_size = sizeof strtab;
    h->total_size = uint32_t(size);
    auto *r = reinterpret_cast<csnake_site_record *>(h + 1);
    for (size_t i = 0; i < sites.size(); ++i) {
      r[i] = {};
      r[i].id = sites[i].id;
      r[i].kind = sites[i].kind;
      r[i].flags = sites[i].flags;
      r[i].parent_loop = sites[i].parent;
      r[i].line = uint32_t(10 + i);
      r[i].file = 1;
      r[i].function = 10;
    }
    memcpy(reinterpret_cast<char *>(r + sites.size()), strtab, sizeof strtab);
    state_.assign(sites.size(), 0);
  }
  void registerNow() { __csnake_register_module(header(), state_.data()); }
  const csnake_module_header *header() const { return reinterpret_cast<const csnake_module_header *>(storage_.data()); }
  uint8_t state(size_t i) const { return state_[i]; }

 private:
  std::vector<uint64_t> storage_;
  std::vector<uint8_t> state_;
};

// A fresh temporary directory, removed with its files.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/csnake-rt-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct ChildResult {
  int status = -1;  // raw waitpid status
  std::string err;  // stderr of the child
  bool exitedWith(int code) const { return WIFEXITED(status) && WEXITSTATUS(status) == code; }
};

// Runs BODY in a forked child with ENV set (empty value = unset). The child's return
// value is its exit status (via exit(), so the runtime's exit flush runs).
inline ChildResult runChild(const std::map<std::string, std::string> &env, const std::function<int()> &body) {
  int pipefd[2];
  if (pipe(pipefd) != 0) abort();
  fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(pipefd[0]);
    dup2(pipefd[1], 2);
    for (const auto &[k, v] : env) {
      if (v.empty())
        unsetenv(k.c_str());
      else
        setenv(k.c_str(), v.c_str(), 1);
    }
    int rc = body();
    fflush(nullptr);
    exit(rc);
  }
  close(pipefd[1]);
  ChildResult r;
  char buf[512];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof buf)) > 0) r.err.append(buf, size_t(n));
  close(pipefd[0]);
  waitpid(pid, &r.status, 0);
  return r;
}

// Child-side check: prints and fails the child with the line number.
#define CHILD_CHECK(cond)                                                      \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "child check failed at line %d: %s\n", __LINE__, #cond); \
      return __LINE__ % 200 + 1;                                               \
    }                                                                          \
  } while (0)

}  // namespace rttest
