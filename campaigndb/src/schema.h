// The campaign database schema (DESIGN.md §3.8) and its migrations. Version N of the
// schema is reached by applying migrations 1..N in order; `PRAGMA user_version` holds the
// applied version, so a newer database is refused instead of being misread.
#pragma once

#include "sqlite.h"

namespace csnake {

constexpr int kSchemaVersion = 6;

// PRAGMA application_id of every csnake campaign database ("CSNK"): how a file is known
// to be ours before anything is written to it. Databases made before it was set (schema
// 1-3, application_id 0) are recognised by their tables (campaign_db.cpp).
constexpr int32_t kApplicationId = 0x43534e4b;

// Creates or upgrades the schema (to `target`, default the current version; older targets
// exist for the migration tests); throws DbError "FILE: schema version N is newer than
// this csnake supports (M)" for a database written by a newer csnake. Foreign keys are
// switched off during migrations (table rebuilds) and checked before each commit.
void migrateSchema(Database &db, int target = kSchemaVersion);

int schemaVersion(Database &db);

}  // namespace csnake
