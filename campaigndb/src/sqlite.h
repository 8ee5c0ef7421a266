// A thin RAII layer over the SQLite C API: prepared statements with typed binds, and
// errors as exceptions carrying the database file name. Private to campaigndb/: the rest
// of csnake reaches the database only through the typed queries of
// include/csnake/campaigndb/ (this header is not on their include path).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "csnake/campaigndb/db_error.h"

namespace csnake {

class Statement;

class Database {
 public:
  // Opens with a busy timeout and extended result codes; no pragma that writes (journal
  // mode, foreign keys) — CampaignDb decides those once it knows the file is its own.
  // `uri` is a "file:" URI (read-only fallbacks); errors still name `path`.
  Database(const std::string &path, int sqliteOpenFlags, const std::string &uri = "");
  ~Database();
  Database(const Database &) = delete;
  Database &operator=(const Database &) = delete;

  void exec(const std::string &sql);
  // The first column of the first row (0 when there is no row or it is NULL).
  int64_t queryInt(const std::string &sql);
  double queryReal(const std::string &sql);
  Statement prepare(const std::string &sql);
  int64_t lastInsertId() const;
  int changes() const;
  const std::string &path() const { return path_; }
  sqlite3 *handle() const { return db_; }
  [[noreturn]] void fail(const std::string &what) const;

 private:
  sqlite3 *db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when an exception leaves the scope.
class Transaction {
 public:
  explicit Transaction(Database &db);
  ~Transaction();
  void commit();

 private:
  Database &db_;
  bool done_ = false;
};

class Statement {
 public:
  Statement(Database &db, const std::string &sql);
  ~Statement();
  Statement(Statement &&other) noexcept;
  Statement(const Statement &) = delete;

  Statement &bind(int index, int64_t v);
  Statement &bind(int index, int v) { return bind(index, static_cast<int64_t>(v)); }
  Statement &bind(int index, double v);
  Statement &bind(int index, const std::string &v);
  Statement &bind(int index, const char *v) { return bind(index, std::string(v)); }
  Statement &bindNull(int index);

  bool step();   // true while a row is available
  void run();    // step to completion (statements without rows)
  void reset();  // reuse with new binds

  int64_t getInt(int col) const;
  double getDouble(int col) const;
  std::string getText(int col) const;
  uint64_t getSiteId(int col) const;  // a site id stored as text; 0 when empty or malformed
  bool isNull(int col) const;

 private:
  Database *db_;
  sqlite3_stmt *stmt_ = nullptr;
};

}  // namespace csnake
