// Opening a campaign database: every command goes through CampaignDb, so these are the
// checks every command makes — missing files, foreign SQLite files (refused and left
// byte-for-byte unchanged), files that are not SQLite at all, read-only opens that never
// write (no journal-mode switch, no migration), and schema versions.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "csnake/campaigndb/campaign_db.h"
#include "csnake/campaigndb/campaign_store.h"
#include "csnake/campaigndb/experiment_queries.h"
#include "csnake/campaigndb/status_queries.h"
#include "schema.h"
#include "sqlite.h"
#include "temp_dir.h"

using namespace csnake;
namespace fs = std::filesystem;

using csnake::testing::TempDir;

namespace {

std::string bytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string openError(const std::string &path, OpenMode mode) {
  try {
    CampaignDb db(path, mode);
  } catch (const DbError &e) {
    return e.what();
  }
  return "";
}

// A small campaign: one test, one profile experiment with one finished run, in rollback
// journal mode (as a copy made with `sqlite3 .backup` or an old tool would leave it), so a
// reader that switched it to WAL would change its header bytes.
void makeCampaign(const std::string &path) {
  {
    CampaignStore s(path, OpenMode::Create);
    s.bindTarget("/build");
    auto tests = s.upsertTests({{"A.x", "/bin/true", "gtest", {"/bin/true"}, "", {}, {}}}, {});
    ExperimentPlan p;
    p.kind = ExperimentKind::Profile;
    p.testId = tests[0].id;
    s.ensureExperiment(p, 1);
    RunOutcome o;
    o.exitCode = 0;
    o.description = "exit 0";
    s.finishRun(s.plannedRuns(ExperimentKind::Profile)[0].runId, RunState::Done, o, "", "", nullptr);
  }
  Database db(path, SQLITE_OPEN_READWRITE);
  db.exec("PRAGMA journal_mode = DELETE");
}

}  // namespace

TEST(CampaignDb, MissingFileIsNamedAndNotCreatedByReaders) {
  TempDir t;
  std::string path = t.file("none.db");
  EXPECT_EQ(openError(path, OpenMode::ReadOnly), path + ": no such campaign database");
  EXPECT_EQ(openError(path, OpenMode::ReadWrite), path + ": no such campaign database");
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(openError(path, OpenMode::Create), "");
  EXPECT_TRUE(fs::exists(path));
  CampaignDb db(path, OpenMode::ReadOnly);
  EXPECT_EQ(db.schemaVersion(), CampaignDb::currentSchemaVersion());
}

TEST(CampaignDb, ForeignSqliteFileIsRefusedAndUnchanged) {
  TempDir t;
  std::string path = t.file("other.db");
  {
    Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers(name) VALUES ('x')");
  }
  std::string before = bytes(path);
  for (OpenMode mode : {OpenMode::ReadOnly, OpenMode::ReadWrite, OpenMode::Create}) {
    std::string err = openError(path, mode);
    EXPECT_EQ(err.rfind(path + ": not a csnake campaign database", 0), 0u) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << "one line: " << err;
  }
  EXPECT_EQ(bytes(path), before) << "nothing may be written to a foreign file";
  EXPECT_FALSE(fs::exists(path + "-wal"));
  // Even a foreign file that happens to carry a user_version of ours.
  {
    Database db(path, SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = 2");
  }
  before = bytes(path);
  EXPECT_NE(openError(path, OpenMode::Create), "");
  EXPECT_EQ(bytes(path), before);
}

TEST(CampaignDb, NonSqliteFilesAndDirectoriesAreRefused) {
  TempDir t;
  std::string text = t.file("notes.db");
  std::ofstream(text) << "this is a text file, long enough to have a header: 0123456789012345678901234567890123456789\n"
                         "0123456789012345678901234567890123456789012345678901234567890123456789\n";
  std::string before = bytes(text);
  for (OpenMode mode : {OpenMode::ReadOnly, OpenMode::ReadWrite, OpenMode::Create})
    EXPECT_EQ(openError(text, mode), text + ": not a csnake campaign database (not an SQLite file)");
  EXPECT_EQ(bytes(text), before);
  EXPECT_EQ(openError(t.path.string(), OpenMode::ReadOnly), t.path.string() + ": is a directory, not a campaign database");
  std::string empty = t.file("empty.db");
  std::ofstream(empty).close();
  EXPECT_EQ(openError(empty, OpenMode::ReadOnly), empty + ": not a csnake campaign database");
  EXPECT_EQ(openError(empty, OpenMode::ReadWrite), empty + ": not a csnake campaign database (empty)");
  EXPECT_EQ(openError(empty, OpenMode::Create), "") << "an empty file is a new database";
}

TEST(CampaignDb, ReadOnlyOpenNeverWritesAndWorksOnAReadOnlyFile) {
  TempDir t;
  std::string path = t.file("c.db");
  makeCampaign(path);
  ::chmod(path.c_str(), 0444);
  std::string before = bytes(path);
  {
    CampaignDb db(path, OpenMode::ReadOnly);
    EXPECT_TRUE(db.readOnly());
    CampaignStatus s = campaignStatus(db);
    EXPECT_EQ(s.all.total, 1);
    EXPECT_EQ(s.all.byState.at("done"), 1);
    EXPECT_EQ(s.tests, 1);
    EXPECT_TRUE(planEntries(db, "").empty());
    EXPECT_EQ(db.meta("target_build"), "/build");
    EXPECT_THROW(db.setMeta("x", "y"), DbError) << "a read-only open cannot write";
  }
  EXPECT_EQ(bytes(path), before) << "no journal-mode switch, no migration, no write";
  EXPECT_FALSE(fs::exists(path + "-wal"));
}

TEST(CampaignDb, ReadOnlyOpenLeavesAnOlderSchemaAlone) {
  TempDir t;
  std::string path = t.file("v2.db");
  {
    Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    migrateSchema(db, 2);
    db.exec("INSERT INTO tests(id, name, binary, adapter, argv_json) VALUES (1, 'A.x', '/bin/true', 'gtest', '[]')");
    db.exec(
        "INSERT INTO experiments(id, kind, test_id, fault, mode, repeats, reason, created_at) "
        "VALUES (7, 'injection', 1, '0x00000000000000ab', 'once', 1, 'why', 0)");
    db.exec("INSERT INTO runs(id, experiment_id, repeat, state) VALUES (1, 7, 0, 'done')");
  }
  std::string before = bytes(path);
  {
    CampaignDb db(path, OpenMode::ReadOnly);
    EXPECT_EQ(db.schemaVersion(), 2);
    std::vector<PlanEntry> plan = planEntries(db, "");
    ASSERT_EQ(plan.size(), 1u);
    EXPECT_EQ(plan[0].skip, 0) << "schema 2 has no skip column: read as 0";
    EXPECT_EQ(plan[0].reason, "why");
    EXPECT_EQ(plan[0].runStates, "done");
  }
  EXPECT_EQ(bytes(path), before);
  {
    CampaignDb db(path, OpenMode::ReadWrite);  // a writer migrates
    EXPECT_EQ(db.schemaVersion(), CampaignDb::currentSchemaVersion());
  }
  CampaignDb db(path, OpenMode::ReadOnly);
  EXPECT_EQ(db.schemaVersion(), CampaignDb::currentSchemaVersion());
}

TEST(CampaignDb, NewerSchemaIsRefusedByEveryMode) {
  TempDir t;
  std::string path = t.file("new.db");
  { CampaignDb db(path, OpenMode::Create); }
  {
    Database db(path, SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  }
  for (OpenMode mode : {OpenMode::ReadOnly, OpenMode::ReadWrite, OpenMode::Create}) {
    std::string err = openError(path, mode);
    EXPECT_NE(err.find("is newer than this csnake supports"), std::string::npos) << err;
  }
}

TEST(CampaignDb, CopyOfACampaignIsReadable) {
  TempDir t;
  std::string path = t.file("c.db"), copy = t.file("copy.db");
  {
    CampaignStore s(path, OpenMode::Create);
    s.bindTarget("/build");
    s.database().checkpoint();
    fs::copy_file(path, copy);
  }
  CampaignDb db(copy, OpenMode::ReadOnly);
  EXPECT_EQ(db.meta("target_build"), "/build");
  EXPECT_EQ(db.countRows(Table::Runs), 0);
}
