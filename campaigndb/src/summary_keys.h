#pragma once

#include <map>
#include <string>
#include <vector>

#include "sqlite.h"

namespace csnake {

// A dictionary table of schema 5 (`event_keys`, `loop_keys`, `path_keys`): each distinct
// key once, with an integer id the per-run rows refer to. Ids are looked up, or inserted
// inside the caller's transaction, so a rolled-back run leaves no key behind.
class SummaryKeys {
 public:
  SummaryKeys(Database &db, const std::string &table, const std::vector<std::string> &columns,
              const std::string &payload = "")
      : db_(db),
        hasPayload_(!payload.empty()),
        find_(db.prepare(findSql(table, columns))),
        insert_(db.prepare(insertSql(table, columns, payload))) {}

  int64_t id(const std::vector<std::string> &key, const std::string &payload = "") {
    auto cached = cache_.find(key);
    if (cached != cache_.end()) return cached->second;
    for (size_t i = 0; i < key.size(); ++i) find_.bind(int(i + 1), key[i]);
    int64_t id = 0;
    if (find_.step()) {
      id = find_.getInt(0);
      find_.reset();
    } else {
      find_.reset();
      for (size_t i = 0; i < key.size(); ++i) insert_.bind(int(i + 1), key[i]);
      if (hasPayload_) insert_.bind(int(key.size() + 1), payload);
      insert_.run();
      id = db_.lastInsertId();
    }
    cache_.emplace(key, id);
    return id;
  }

 private:
  static std::string findSql(const std::string &table, const std::vector<std::string> &columns) {
    std::string sql = "SELECT id FROM " + table + " WHERE ";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? " AND " : "") + columns[i] + " = ?";
    return sql;
  }
  static std::string insertSql(const std::string &table, const std::vector<std::string> &columns,
                               const std::string &payload) {
    std::string names, marks;
    for (const std::string &c : columns) {
      names += (names.empty() ? "" : ", ") + c;
      marks += marks.empty() ? "?" : ",?";
    }
    if (!payload.empty()) {
      names += ", " + payload;
      marks += ",?";
    }
    return "INSERT INTO " + table + "(" + names + ") VALUES (" + marks + ")";
  }

  Database &db_;
  bool hasPayload_;
  Statement find_, insert_;
  std::map<std::vector<std::string>, int64_t> cache_;
};

}  // namespace csnake
