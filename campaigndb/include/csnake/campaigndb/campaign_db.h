// A campaign database file, opened once per command with the checks every command needs
// (DESIGN.md §3.8): the file exists (unless it is to be created), it is an SQLite file, it
// is a csnake campaign database (never a foreign SQLite file: nothing is written to one),
// and its schema version is one this csnake understands. Errors are one DbError line
// naming the file.
//
// Read-only opens (status, plan, cycles, edges, report) never write: no migration, no
// journal-mode switch, so they work on a read-only file, on a copy, and while a campaign
// writes (WAL readers never block the writer). Writers migrate to the current schema.
#pragma once

#include <memory>
#include <string>

#include "csnake/campaigndb/db_error.h"

namespace csnake {

class Database;  // campaigndb-private SQL connection (src/sqlite.h)

// The tables, for row counts (tests, status of the analyzer's outputs).
enum class Table { Sites, Tests, Experiments, Runs, RunEvents, RunLoops, RunPaths, Effects, Edges, Cycles, Chains };

enum class OpenMode {
  ReadOnly,   // an existing csnake database of this or an older schema; never written
  ReadWrite,  // an existing csnake database, migrated to the current schema
  Create,     // ReadWrite, creating the file when it is missing or empty
};

class CampaignDb {
 public:
  CampaignDb(const std::string &path, OpenMode mode);  // throws DbError
  ~CampaignDb();
  CampaignDb(const CampaignDb &) = delete;
  CampaignDb &operator=(const CampaignDb &) = delete;

  const std::string &path() const { return path_; }
  bool readOnly() const { return mode_ == OpenMode::ReadOnly; }
  int schemaVersion() const { return version_; }  // as found (read-only) or the current one

  int64_t countRows(Table table);

  // "" when absent.
  std::string meta(const std::string &key);
  void setMeta(const std::string &key, const std::string &value);

  // The connection, for campaigndb's own sources only: its type is not visible elsewhere.
  Database &sql() { return *db_; }

  static int currentSchemaVersion();

  // Folds the write-ahead log into the main file, so a plain file copy holds everything.
  void checkpoint();

 private:
  std::string path_;
  OpenMode mode_;
  int version_ = 0;
  std::unique_ptr<Database> db_;
};

}  // namespace csnake
