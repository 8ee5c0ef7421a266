#include "csnake/campaigndb/campaign_db.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "schema.h"
#include "sqlite.h"

namespace csnake {

namespace {

bool hasTable(Database &db, const char *name) {
  Statement q = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  q.bind(1, name);
  return q.step();
}

// What the file is, from its header and tables, before anything is written to it.
enum class FileKind { Empty, Ours, Foreign };

FileKind classify(Database &db, const std::string &path) {
  int64_t appId = 0, objects = 0;
  try {
    appId = db.queryInt("PRAGMA application_id");
    objects = db.queryInt("SELECT COUNT(*) FROM sqlite_master");
  } catch (const DbError &) {
    // The bytes are not an SQLite database at all; other errors (locking, a -shm that
    // cannot be made) are passed on as they are.
    if ((sqlite3_errcode(db.handle()) & 0xff) == SQLITE_NOTADB)
      throw DbError(path + ": not a csnake campaign database (not an SQLite file)");
    throw;
  }
  if (appId == kApplicationId) return FileKind::Ours;
  if (appId != 0) return FileKind::Foreign;
  if (objects == 0 && db.queryInt("PRAGMA user_version") == 0) return FileKind::Empty;
  // Made before the application id was set: schema 1-3 with csnake's own tables.
  int64_t version = db.queryInt("PRAGMA user_version");
  if (version >= 1 && version <= 3 && hasTable(db, "meta") && hasTable(db, "experiments") && hasTable(db, "runs") &&
      hasTable(db, "sites"))
    return FileKind::Ours;
  return FileKind::Foreign;
}

}  // namespace

int CampaignDb::currentSchemaVersion() { return kSchemaVersion; }

CampaignDb::CampaignDb(const std::string &path, OpenMode mode) : path_(path), mode_(mode) {
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && (errno != ENOENT || mode != OpenMode::Create))
    throw DbError(path + ": " + (errno == ENOENT ? "no such campaign database" : std::strerror(errno)));
  if (exists && S_ISDIR(st.st_mode)) throw DbError(path + ": is a directory, not a campaign database");
  if (exists && !S_ISREG(st.st_mode)) throw DbError(path + ": not a regular file, not a campaign database");

  if (mode == OpenMode::ReadOnly) {
    db_ = std::make_unique<Database>(path, SQLITE_OPEN_READONLY);
    FileKind kind;
    try {
      kind = classify(*db_, path);
    } catch (const DbError &) {
      // A WAL database in a directory this user cannot write (no -shm can be made) is
      // still readable as an immutable snapshot.
      if ((sqlite3_errcode(db_->handle()) & 0xff) == SQLITE_NOTADB) throw;
      db_ = std::make_unique<Database>(path, SQLITE_OPEN_READONLY, "file:" + path + "?immutable=1");
      kind = classify(*db_, path);
    }
    if (kind != FileKind::Ours) throw DbError(path + ": not a csnake campaign database");
    version_ = csnake::schemaVersion(*db_);
    if (version_ > kSchemaVersion)
      throw DbError(path + ": schema version " + std::to_string(version_) + " is newer than this csnake supports (" +
                    std::to_string(kSchemaVersion) + ")");
    return;
  }

  db_ = std::make_unique<Database>(path, SQLITE_OPEN_READWRITE | (mode == OpenMode::Create ? SQLITE_OPEN_CREATE : 0));
  FileKind kind = classify(*db_, path);
  if (kind == FileKind::Foreign)
    throw DbError(path +
                  ": not a csnake campaign database (an SQLite file with other contents); refusing to write to it");
  if (kind == FileKind::Empty && mode != OpenMode::Create)
    throw DbError(path + ": not a csnake campaign database (empty)");
  // Ours (or new): WAL so readers (status, report) never block the campaign, the single
  // writer; synchronous=NORMAL is durable across process kills (not power loss), which is
  // what a resumable campaign needs.
  // Incremental auto-vacuum (set before the first table exists, or by the VACUUM below
  // for an older file): every analysis replaces its outputs, and the pages the old ones
  // held are given back to the file system after the write (releaseFreePages).
  if (kind == FileKind::Empty) db_->exec("PRAGMA auto_vacuum = INCREMENTAL");
  db_->exec("PRAGMA journal_mode = WAL");
  db_->exec("PRAGMA synchronous = NORMAL");
  db_->exec("PRAGMA foreign_keys = ON");
  int found = csnake::schemaVersion(*db_);
  migrateSchema(*db_);
  // Schemas 5 and 6 rewrote tables (the trace summaries into tables about a fifth of their
  // old size, the cycles without an index): the pages they held are given back once
  // (VACUUM needs as much free disk as the file). A VACUUM that fails (a full disk)
  // changes nothing: the free pages are reused by later writes instead.
  if (found > 0 && found < 6) {
    try {
      db_->exec("PRAGMA auto_vacuum = INCREMENTAL");
      db_->exec("VACUUM");
    } catch (const DbError &) {
    }
  }
  if (db_->queryInt("PRAGMA application_id") != kApplicationId)
    db_->exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  version_ = kSchemaVersion;
}

CampaignDb::~CampaignDb() = default;

void CampaignDb::checkpoint() { db_->exec("PRAGMA wal_checkpoint(FULL)"); }

int64_t CampaignDb::countRows(Table table) {
  const char *name = "";
  switch (table) {
    case Table::Sites: name = "sites"; break;
    case Table::Tests: name = "tests"; break;
    case Table::Experiments: name = "experiments"; break;
    case Table::Runs: name = "runs"; break;
    case Table::RunEvents: name = "run_events"; break;
    case Table::RunLoops: name = "run_loops"; break;
    case Table::RunPaths: name = "run_paths"; break;
    case Table::Effects: name = "effects"; break;
    case Table::Edges: name = "edges"; break;
    case Table::Cycles: name = "cycles"; break;
    case Table::Chains: name = "chains"; break;
  }
  return db_->queryInt((std::string("SELECT COUNT(*) FROM ") + name).c_str());
}

std::string CampaignDb::meta(const std::string &key) {
  // Schema 1 has the meta table; every csnake database does.
  Statement st = db_->prepare("SELECT value FROM meta WHERE key = ?");
  st.bind(1, key);
  return st.step() ? st.getText(0) : "";
}

void CampaignDb::setMeta(const std::string &key, const std::string &value) {
  db_->prepare("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .bind(1, key)
      .bind(2, value)
      .run();
}

}  // namespace csnake
