#include "e2e_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace e2e {

namespace {

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

pid_t spawn(const std::vector<std::string> &argv, const std::string &out, const std::string &err) {
  std::vector<char *> a;
  for (const std::string &s : argv) a.push_back(const_cast<char *>(s.c_str()));
  a.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = err == out ? o : open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    execv(a[0], a.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

Result run(const std::vector<std::string> &argv, double timeoutSeconds) {
  TempDir t;
  std::string out = t.path + "/out", err = t.path + "/err";
  pid_t pid = spawn(argv, out, err);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
  int st = 0;
  for (;;) {
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &st, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Result res;
  res.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  res.out = slurp(out);
  res.err = slurp(err);
  return res;
}

pid_t start(const std::vector<std::string> &argv, const std::string &logPath) { return spawn(argv, logPath, logPath); }

int wait(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TempDir::TempDir() {
  char t[] = "/tmp/csnake-e2e-XXXXXX";
  if (!mkdtemp(t)) throw std::runtime_error("mkdtemp");
  path = t;
}
TempDir::~TempDir() {
  std::error_code ec;
  // CSNAKE_E2E_KEEP=1 keeps the directory (a campaign database to re-analyse by hand).
  if (const char *keep = std::getenv("CSNAKE_E2E_KEEP"); keep && *keep == '1') {
    std::fprintf(stderr, "[e2e] kept %s\n", path.c_str());
    return;
  }
  std::filesystem::remove_all(path, ec);
}

void writeFile(const std::string &path, const std::string &content) { std::ofstream(path) << content; }

std::vector<std::string> query(const std::string &db, const std::string &sql) {
  sqlite3 *h = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    throw std::runtime_error(db + ": cannot open");
  }
  sqlite3_stmt *st = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("bad query: ") + sqlite3_errmsg(h));
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      if (c) row += "|";
      const unsigned char *t = sqlite3_column_text(st, c);
      row += t ? reinterpret_cast<const char *>(t) : "NULL";
    }
    rows.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return rows;
}

nlohmann::json status(const std::string &db) {
  Result r = run({CSNAKE_BIN, "status", "--db", db, "--json"});
  if (r.status != 0) throw std::runtime_error("csnake status failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

bool processAlive(const std::string &needle) {
  for (const auto &e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = slurp(e.path().string() + "/cmdline");
    for (char &c : cmd)
      if (c == '\0') c = ' ';
    if (cmd.find(needle) != std::string::npos && cmd.find("csnake-e2e-self") == std::string::npos) return true;
  }
  return false;
}

}  // namespace e2e
