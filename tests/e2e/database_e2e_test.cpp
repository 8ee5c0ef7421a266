// The campaign database as users meet it through the real `csnake` binary: every
// read-only command works on a read-only file (in rollback-journal mode, as a copy or a
// backup may be) and leaves its bytes unchanged; every command refuses a foreign SQLite
// file and a file that is not SQLite at all with one line, exit 1, and the same bytes
// after.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e_util.h"

using e2e::Result;
using e2e::run;
namespace fs = std::filesystem;

namespace {

std::string bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void execSql(const std::string &db, const std::string &sql) {
  sqlite3 *h = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  char *err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  ASSERT_EQ(rc, SQLITE_OK) << msg;
}

std::string testsFile(const std::string &dir) {
  std::string path = dir + "/tests.json";
  e2e::writeFile(path, nlohmann::json::array({{{"id", "guarded"}, {"argv", {MISBEHAVING_BIN, "guarded"}}}}).dump());
  return path;
}

// Every command that opens a database, with the arguments it needs besides the file.
std::vector<std::vector<std::string>> commandsOn(const std::string &db, const std::string &tests) {
  return {{CSNAKE_BIN, "status", "--db", db},
          {CSNAKE_BIN, "status", "--db", db, "--json"},
          {CSNAKE_BIN, "plan", "--db", db},
          {CSNAKE_BIN, "plan", "--db", db, "--json"},
          {CSNAKE_BIN, "cycles", "--db", db},
          {CSNAKE_BIN, "cycles", "--db", db, "--json", "--all"},
          {CSNAKE_BIN, "edges", "--db", db},
          {CSNAKE_BIN, "edges", "--db", db, "--json"},
          {CSNAKE_BIN, "analyze", "--db", db},
          {CSNAKE_BIN, "campaign", "--tests-file", tests, "--db", db, "--budget", "0", "--repeats", "1"}};
}

// How a command's errors start: "csnake CMD: "; the campaign's own (a long-running job
// whose log lines all read "csnake: ...") keep that prefix.
std::string prefix(const std::string &command) {
  return command == "campaign" ? "csnake: " : "csnake " + command + ": ";
}

}  // namespace

TEST(DatabaseFile, ReadOnlyCommandsWorkOnAReadOnlyCopyAndNeverWriteIt) {
  e2e::TempDir t;
  std::string db = t.path + "/c.db", list = testsFile(t.path);
  Result r = run({CSNAKE_BIN, "campaign", "--inject-test-code", "--tests-file", list, "--db", db, "--repeats", "2", "--profile-repeats", "2",
                  "--budget", "8", "--jobs", "2", "--seed", "7", "--delays", "1"});
  ASSERT_EQ(r.status, 0) << r.err;
  // A copy in rollback-journal mode, read-only: a reader that switched it to WAL, migrated
  // it or wrote anything would change its bytes (or fail on the read-only file).
  std::string dir = t.path + "/copy", copy = dir + "/c.db";
  fs::create_directories(dir);
  fs::copy_file(db, copy);
  execSql(copy, "PRAGMA journal_mode = DELETE");
  ASSERT_FALSE(fs::exists(copy + "-wal"));
  ::chmod(copy.c_str(), 0444);
  std::string before = bytes(copy);
  ASSERT_EQ(before.substr(18, 2), std::string("\x01\x01", 2)) << "rollback journal mode in the header";
  for (const auto &argv : commandsOn(copy, list)) {
    if (argv[1] == "analyze" || argv[1] == "campaign") continue;  // writers
    Result c = run(argv);
    EXPECT_EQ(c.status, 0) << argv[1] << ": " << c.err;
    EXPECT_FALSE(c.out.empty()) << argv[1];
    EXPECT_EQ(bytes(copy), before) << argv[1] << " changed the database file";
  }
  nlohmann::json st = nlohmann::json::parse(run({CSNAKE_BIN, "status", "--db", copy, "--json"}).out);
  EXPECT_EQ(st["runs_planned"], 0);
  EXPECT_GT(st["injection_runs"].get<int>(), 0);
  EXPECT_EQ(nlohmann::json::parse(run({CSNAKE_BIN, "plan", "--db", copy, "--json"}).out).size(),
            st["injection_experiments"].get<size_t>());
}

TEST(DatabaseFile, ForeignSqliteFileIsRefusedByEveryCommandAndLeftUnchanged) {
  e2e::TempDir t;
  std::string db = t.path + "/shop.db", list = testsFile(t.path);
  execSql(db,
          "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers(name) VALUES ('x');"
          "PRAGMA user_version = 3");
  std::string before = bytes(db);
  for (const auto &argv : commandsOn(db, list)) {
    Result c = run(argv);
    EXPECT_EQ(c.status, 1) << argv[1] << ": " << c.err;
    EXPECT_EQ(c.err.rfind(prefix(argv[1]) + db + ": not a csnake campaign database", 0), 0u)
        << argv[1] << ": " << c.err;
    EXPECT_EQ(std::count(c.err.begin(), c.err.end(), '\n'), 1) << "one line: " << c.err;
    EXPECT_EQ(bytes(db), before) << argv[1] << " wrote to a foreign file";
    EXPECT_FALSE(fs::exists(db + "-wal")) << argv[1];
  }
}

TEST(DatabaseFile, FileThatIsNotSqliteIsRefusedAndUnchanged) {
  e2e::TempDir t;
  std::string db = t.path + "/notes.db", list = testsFile(t.path);
  e2e::writeFile(db, std::string(200, 'x') + "\n");
  std::string before = bytes(db);
  for (const auto &argv : commandsOn(db, list)) {
    Result c = run(argv);
    EXPECT_EQ(c.status, 1) << argv[1] << ": " << c.err;
    EXPECT_EQ(c.err, prefix(argv[1]) + db + ": not a csnake campaign database (not an SQLite file)\n") << argv[1];
    EXPECT_EQ(bytes(db), before) << argv[1];
  }
  Result missing = run({CSNAKE_BIN, "status", "--db", t.path + "/none.db"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "csnake status: " + t.path + "/none.db: no such campaign database\n");
  EXPECT_FALSE(fs::exists(t.path + "/none.db"));
}
