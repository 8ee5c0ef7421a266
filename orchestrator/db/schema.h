// The campaign database schema (DESIGN.md §3.8) and its migrations. Version N of the
// schema is reached by applying migrations 1..N in order; `PRAGMA user_version` holds the
// applied version, so a newer database is refused instead of being misread.
#pragma once

#include "db/sqlite.h"

namespace csnake {

constexpr int kSchemaVersion = 2;

// Creates or upgrades the schema; throws DbError "FILE: schema version N is newer than
// this csnake supports (M)" for a database written by a newer csnake.
void migrateSchema(Database &db);

int schemaVersion(Database &db);

}  // namespace csnake
