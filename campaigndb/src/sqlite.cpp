#include "sqlite.h"

#include "csnake/common/site_id.h"

namespace csnake {

Database::Database(const std::string &path, int flags, const std::string &uri) : path_(path) {
  const std::string &name = uri.empty() ? path : uri;
  if (!uri.empty()) flags |= SQLITE_OPEN_URI;
  if (sqlite3_open_v2(name.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(path + ": cannot open database (" + msg + ")");
  }
  sqlite3_busy_timeout(db_, 10000);
  sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::fail(const std::string &what) const { throw DbError(path_ + ": " + what + ": " + sqlite3_errmsg(db_)); }

void Database::exec(const std::string &sql) {
  char *err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw DbError(path_ + ": " + msg);
  }
}

int64_t Database::queryInt(const std::string &sql) {
  Statement q = prepare(sql);
  return q.step() ? q.getInt(0) : 0;
}

double Database::queryReal(const std::string &sql) {
  Statement q = prepare(sql);
  return q.step() && !q.isNull(0) ? q.getDouble(0) : 0;
}

Statement Database::prepare(const std::string &sql) { return Statement(*this, sql); }
int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

Transaction::Transaction(Database &db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}
void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

Statement::Statement(Database &db, const std::string &sql) : db_(&db) {
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
    db.fail("bad statement '" + sql.substr(0, 60) + "'");
}
Statement::~Statement() { sqlite3_finalize(stmt_); }
Statement::Statement(Statement &&o) noexcept : db_(o.db_), stmt_(o.stmt_) { o.stmt_ = nullptr; }

Statement &Statement::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) db_->fail("bind");
  return *this;
}
Statement &Statement::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) db_->fail("bind");
  return *this;
}
Statement &Statement::bind(int i, const std::string &v) {
  if (sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_->fail("bind");
  return *this;
}
Statement &Statement::bindNull(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) db_->fail("bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_->fail("statement failed");
}
void Statement::run() {
  while (step()) {
  }
  reset();
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::getInt(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::getDouble(int c) const { return sqlite3_column_double(stmt_, c); }
std::string Statement::getText(int c) const {
  const unsigned char *t = sqlite3_column_text(stmt_, c);
  return t ? std::string(reinterpret_cast<const char *>(t), sqlite3_column_bytes(stmt_, c)) : std::string();
}
uint64_t Statement::getSiteId(int c) const {
  uint64_t v = 0;
  parseSiteId(getText(c), v);
  return v;
}

bool Statement::isNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

}  // namespace csnake
