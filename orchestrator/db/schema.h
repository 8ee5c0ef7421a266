// The campaign database schema (DESIGN.md §3.8) and its migrations. Version N of the
// schema is reached by applying migrations 1..N in order; `PRAGMA user_version` holds the
// applied version, so a newer database is refused instead of being misread.
#pragma once

#include "db/sqlite.h"

namespace csnake {

constexpr int kSchemaVersion = 3;

// Creates or upgrades the schema (to `target`, default the current version; older targets
// exist for the migration tests); throws DbError "FILE: schema version N is newer than
// this csnake supports (M)" for a database written by a newer csnake. Foreign keys are
// switched off during migrations (table rebuilds) and checked before each commit.
void migrateSchema(Database &db, int target = kSchemaVersion);

int schemaVersion(Database &db);

}  // namespace csnake
