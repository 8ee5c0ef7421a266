#include "schema.h"

#include <string>
#include <vector>

namespace csnake {

namespace {

// Migration i brings the schema from version i to i + 1. Never edit a released entry:
// append a new one.
const std::vector<const char *> kMigrations = {
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- The instrumented binaries of the target build, with content hashes: a campaign resumed
-- against a rebuilt target would mix runs of two builds.
CREATE TABLE binaries (
  id          INTEGER PRIMARY KEY,
  path        TEXT NOT NULL UNIQUE,
  content_hash TEXT NOT NULL,             -- FNV-1a 64 of the file
  instrumented INTEGER NOT NULL,
  n_sites     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sites (
  id          TEXT PRIMARY KEY,          -- 0x + 16 hex digits
  kind        TEXT NOT NULL,
  file        TEXT NOT NULL,
  line        INTEGER NOT NULL,
  function    TEXT NOT NULL,             -- demangled
  mangled     TEXT NOT NULL,
  flags       INTEGER NOT NULL,
  parent_loop TEXT,
  loop_size   INTEGER NOT NULL,
  detail      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE tests (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  binary      TEXT NOT NULL,
  adapter     TEXT NOT NULL,
  argv_json   TEXT NOT NULL,
  cwd         TEXT NOT NULL DEFAULT '',
  labels_json TEXT NOT NULL DEFAULT '[]',
  instrumented INTEGER NOT NULL DEFAULT 1,
  flaky       INTEGER NOT NULL DEFAULT 0,  -- outcomes differ across profile repeats
  broken      INTEGER NOT NULL DEFAULT 0   -- fails in every profile repeat: not injected
);
-- An experiment: one test with nothing armed (profile) or one fault armed (injection),
-- repeated `repeats` times. Absent plan fields are '' / 0, so UNIQUE dedups plans.
CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('profile', 'injection')),
  test_id     INTEGER NOT NULL REFERENCES tests(id),
  fault       TEXT NOT NULL DEFAULT '',
  context     TEXT NOT NULL DEFAULT '',
  mode        TEXT NOT NULL DEFAULT '',
  delay_ms    INTEGER NOT NULL DEFAULT 0,
  errno_name  TEXT NOT NULL DEFAULT '',
  repeats     INTEGER NOT NULL,
  allocator   TEXT NOT NULL DEFAULT '',
  phase       TEXT NOT NULL DEFAULT '',
  reason      TEXT NOT NULL DEFAULT '',
  score       REAL NOT NULL DEFAULT 0,
  created_at  REAL NOT NULL,
  UNIQUE (kind, test_id, fault, context, mode, delay_ms, errno_name)
);
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id),
  repeat        INTEGER NOT NULL,
  state         TEXT NOT NULL DEFAULT 'planned'
                CHECK (state IN ('planned', 'running', 'done', 'failed', 'timed_out', 'not_fired')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  exit_code     INTEGER,
  signal        INTEGER,
  outcome       TEXT NOT NULL DEFAULT '',   -- "exit 0", "exit 1", "killed by SIGSEGV", ...
  error         TEXT NOT NULL DEFAULT '',   -- why a run failed (tool-side), one line
  started_at    REAL,
  finished_at   REAL,
  wall_ms       INTEGER,
  trace_path    TEXT NOT NULL DEFAULT '',
  trace_bytes   INTEGER NOT NULL DEFAULT 0,
  -- How the executor can find a run in flight ("pgid:1234" locally): a resumed campaign
  -- kills what a killed campaign left running before re-planning it.
  executor_handle TEXT NOT NULL DEFAULT '',
  UNIQUE (experiment_id, repeat)
);
CREATE INDEX runs_by_state ON runs(state);
-- Trace summaries, one set per finished run (merged over the run's processes).
CREATE TABLE run_receipts (
  run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  armed       INTEGER NOT NULL,
  fired       INTEGER NOT NULL,
  fire_count  INTEGER NOT NULL,
  processes   INTEGER NOT NULL
);
CREATE TABLE run_events (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  site      TEXT NOT NULL,
  context   TEXT NOT NULL,
  callsig   TEXT NOT NULL,
  node      TEXT NOT NULL,
  reached   INTEGER NOT NULL,
  occurred  INTEGER NOT NULL,
  injected  INTEGER NOT NULL,
  PRIMARY KEY (run_id, site, context, callsig, node)
);
CREATE TABLE run_loops (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  loop        TEXT NOT NULL,
  callsig     TEXT NOT NULL,
  parent_loop TEXT NOT NULL,
  invocations INTEGER NOT NULL,
  iterations  INTEGER NOT NULL,
  histogram   TEXT NOT NULL,   -- JSON [[iterations_per_invocation, count], ...]
  PRIMARY KEY (run_id, loop, callsig)
);
CREATE TABLE run_paths (
  run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  loop      TEXT NOT NULL,
  callsig   TEXT NOT NULL,
  signature TEXT NOT NULL,
  count     INTEGER NOT NULL,
  decisions TEXT NOT NULL,     -- JSON [[branch_site, taken], ...]
  PRIMARY KEY (run_id, loop, callsig, signature)
);
CREATE INDEX run_events_by_site ON run_events(site, context);
-- Filled by the analyzer (fault causality analysis, stitching).
CREATE TABLE effects (
  id            INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id),
  type          TEXT NOT NULL CHECK (type IN ('E', 'S+', 'parent_delay')),
  site          TEXT NOT NULL,
  callsig       TEXT NOT NULL DEFAULT '',
  evidence      TEXT NOT NULL
);
CREATE TABLE edges (
  id            INTEGER PRIMARY KEY,
  cause         TEXT NOT NULL,
  cause_context TEXT NOT NULL,
  effect        TEXT NOT NULL,
  type          TEXT NOT NULL,
  evidence      TEXT NOT NULL,
  UNIQUE (cause, cause_context, effect, type)
);
CREATE TABLE cycles (
  id          INTEGER PRIMARY KEY,
  canonical   TEXT NOT NULL UNIQUE,
  length      INTEGER NOT NULL,
  delays      INTEGER NOT NULL,
  edges       TEXT NOT NULL,      -- JSON list of edge ids in order
  verdict     TEXT NOT NULL,
  evidence    TEXT NOT NULL
);
)sql",
    // 2: the analyzer's outputs (analyzer/, docs/analyzer.md §5).
    R"sql(
ALTER TABLE effects ADD COLUMN rule TEXT NOT NULL DEFAULT '';
ALTER TABLE effects ADD COLUMN edge_id INTEGER;
CREATE INDEX effects_by_experiment ON effects(experiment_id);
ALTER TABLE edges ADD COLUMN tests INTEGER NOT NULL DEFAULT 0;   -- distinct supporting tests
ALTER TABLE cycles ADD COLUMN tests INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cycles ADD COLUMN collapse_key TEXT NOT NULL DEFAULT '';
ALTER TABLE cycles ADD COLUMN alternatives INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cycles ADD COLUMN rank INTEGER NOT NULL DEFAULT 0;
-- Every cycle the search found; a `cycles` row is the representative of its collapse group
-- (same loop / edge-type sequence), the others are its alternatives.
CREATE TABLE chains (
  id             INTEGER PRIMARY KEY,
  cycle_id       INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
  canonical      TEXT NOT NULL UNIQUE,
  representative INTEGER NOT NULL,
  length         INTEGER NOT NULL,
  delays         INTEGER NOT NULL,
  edges          TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  tests          INTEGER NOT NULL,
  evidence       TEXT NOT NULL
);
)sql",
    // 3: experiments.skip (the plan's "skip": matching opportunities let pass before the
    // fault is injected) joins the experiment's identity. A UNIQUE constraint cannot be
    // altered in SQLite: the table is rebuilt (runs and effects reference it by id, which
    // is kept; migrateSchema turns foreign keys off around it and checks them after).
    // `skip` is the last column, as ALTER TABLE ADD COLUMN would have put it.
    R"sql(
CREATE TABLE experiments_v3 (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('profile', 'injection')),
  test_id     INTEGER NOT NULL REFERENCES tests(id),
  fault       TEXT NOT NULL DEFAULT '',
  context     TEXT NOT NULL DEFAULT '',
  mode        TEXT NOT NULL DEFAULT '',
  delay_ms    INTEGER NOT NULL DEFAULT 0,
  errno_name  TEXT NOT NULL DEFAULT '',
  repeats     INTEGER NOT NULL,
  allocator   TEXT NOT NULL DEFAULT '',
  phase       TEXT NOT NULL DEFAULT '',
  reason      TEXT NOT NULL DEFAULT '',
  score       REAL NOT NULL DEFAULT 0,
  created_at  REAL NOT NULL,
  skip        INTEGER NOT NULL DEFAULT 0 CHECK (skip >= 0),
  UNIQUE (kind, test_id, fault, context, mode, delay_ms, errno_name, skip)
);
INSERT INTO experiments_v3(id, kind, test_id, fault, context, mode, delay_ms, errno_name, repeats, allocator,
                           phase, reason, score, created_at)
  SELECT id, kind, test_id, fault, context, mode, delay_ms, errno_name, repeats, allocator, phase, reason, score,
         created_at FROM experiments;
DROP TABLE experiments;
ALTER TABLE experiments_v3 RENAME TO experiments;
)sql",
    // 4: a `cycles` row is a fault cycle (analyzer/graph/fault_cycle.h): the faults in cycle
    // order with a stable id; `collapse_key` holds its fault key, its chains are in
    // `chains`. Cycles of an older analysis were groups of another kind: they are dropped
    // with the analysis marker, so `csnake cycles` asks for a new `csnake analyze`.
    R"sql(
ALTER TABLE cycles ADD COLUMN fault_cycle_id TEXT NOT NULL DEFAULT '';
ALTER TABLE cycles ADD COLUMN faults TEXT NOT NULL DEFAULT '[]';
DELETE FROM chains;
DELETE FROM cycles;
DELETE FROM meta WHERE key = 'analysis';
)sql",
    // 5: the per-run trace summaries, about 85 % of a database's bytes, are stored as
    // integer keys into dictionaries that hold each distinct (site, context, node), loop
    // and path once, in WITHOUT ROWID tables (no second copy of the key in an
    // automatic index). The old table names become views with the old columns, so SQL
    // written against schema 4 (scripts, `sqlite3` by hand) still reads the same rows.
    R"sql(
-- Events are kept per (site, context loop, node), summed over call sites: nothing reads a
-- fault event per call site (the analyzer sums them, the injection point takes the
-- busiest node), and call sites made two thirds of the rows.
CREATE TABLE event_keys (
  id       INTEGER PRIMARY KEY,
  site     TEXT NOT NULL,
  context  TEXT NOT NULL,
  node     TEXT NOT NULL,
  UNIQUE (site, context, node)
);
CREATE TABLE run_event_counts (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  event    INTEGER NOT NULL REFERENCES event_keys(id),
  reached  INTEGER NOT NULL,
  occurred INTEGER NOT NULL,
  injected INTEGER NOT NULL,
  PRIMARY KEY (run_id, event)
) WITHOUT ROWID;
INSERT INTO event_keys(site, context, node) SELECT DISTINCT site, context, node FROM run_events;
INSERT INTO run_event_counts(run_id, event, reached, occurred, injected)
  SELECT ev.run_id, k.id, SUM(ev.reached), SUM(ev.occurred), SUM(ev.injected) FROM run_events ev
  JOIN event_keys k ON k.site = ev.site AND k.context = ev.context AND k.node = ev.node
  GROUP BY ev.run_id, k.id;
DROP INDEX run_events_by_site;
DROP TABLE run_events;
CREATE VIEW run_events AS
  SELECT c.run_id, k.site, k.context, k.node, c.reached, c.occurred, c.injected
  FROM run_event_counts c JOIN event_keys k ON k.id = c.event;

CREATE TABLE loop_keys (
  id          INTEGER PRIMARY KEY,
  loop        TEXT NOT NULL,
  callsig     TEXT NOT NULL,
  parent_loop TEXT NOT NULL,
  UNIQUE (loop, callsig, parent_loop)
);
CREATE TABLE run_loop_counts (
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  loop        INTEGER NOT NULL REFERENCES loop_keys(id),
  invocations INTEGER NOT NULL,
  iterations  INTEGER NOT NULL,
  histogram   TEXT NOT NULL,   -- JSON [[iterations_per_invocation, count], ...]
  PRIMARY KEY (run_id, loop)
) WITHOUT ROWID;
INSERT INTO loop_keys(loop, callsig, parent_loop) SELECT DISTINCT loop, callsig, parent_loop FROM run_loops;
INSERT INTO run_loop_counts(run_id, loop, invocations, iterations, histogram)
  SELECT l.run_id, k.id, l.invocations, l.iterations, l.histogram FROM run_loops l
  JOIN loop_keys k ON k.loop = l.loop AND k.callsig = l.callsig AND k.parent_loop = l.parent_loop;
DROP TABLE run_loops;
CREATE VIEW run_loops AS
  SELECT c.run_id, k.loop, k.callsig, k.parent_loop, c.invocations, c.iterations, c.histogram
  FROM run_loop_counts c JOIN loop_keys k ON k.id = c.loop;

-- A path's decisions follow from its signature (a hash of them): stored once.
CREATE TABLE path_keys (
  id        INTEGER PRIMARY KEY,
  loop      TEXT NOT NULL,
  callsig   TEXT NOT NULL,
  signature TEXT NOT NULL,
  decisions TEXT NOT NULL,     -- JSON [[branch_site, taken], ...]
  UNIQUE (loop, callsig, signature)
);
CREATE TABLE run_path_counts (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  path    INTEGER NOT NULL REFERENCES path_keys(id),
  count   INTEGER NOT NULL,
  PRIMARY KEY (run_id, path)
) WITHOUT ROWID;
INSERT INTO path_keys(loop, callsig, signature, decisions)
  SELECT loop, callsig, signature, MIN(decisions) FROM run_paths GROUP BY loop, callsig, signature;
INSERT INTO run_path_counts(run_id, path, count)
  SELECT p.run_id, k.id, p.count FROM run_paths p
  JOIN path_keys k ON k.loop = p.loop AND k.callsig = p.callsig AND k.signature = p.signature;
DROP TABLE run_paths;
CREATE VIEW run_paths AS
  SELECT c.run_id, k.loop, k.callsig, k.signature, c.count, k.decisions
  FROM run_path_counts c JOIN path_keys k ON k.id = c.path;

-- The analysis is stored leaner (docs/analyzer.md §5): chains lose their UNIQUE index on
-- the canonical text (the analyzer writes each chain once), a composite fault cycle keeps
-- its representative chain only, and a cycle's steps refer to their edges. An analysis of
-- schema 4 is dropped with its marker, as migration 4 did.
DROP TABLE chains;
CREATE TABLE chains (
  id             INTEGER PRIMARY KEY,
  cycle_id       INTEGER NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
  canonical      TEXT NOT NULL,
  representative INTEGER NOT NULL,
  length         INTEGER NOT NULL,
  delays         INTEGER NOT NULL,
  edges          TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  tests          INTEGER NOT NULL,
  evidence       TEXT NOT NULL
);
DELETE FROM cycles;
DELETE FROM meta WHERE key = 'analysis';
)sql",
    // 6: `cycles` loses the UNIQUE index on the representative chain's canonical text
    // (the analyzer writes each fault cycle once) and `collapse_key` (the fault key, which
    // `faults` holds). `fca_inputs` records, per injection experiment, the runs its
    // effects were computed from, so the analysis between allocation rounds redoes only
    // experiments whose runs changed (docs/analyzer.md §5).
    R"sql(
CREATE TABLE cycles_v6 (
  id             INTEGER PRIMARY KEY,
  canonical      TEXT NOT NULL,
  length         INTEGER NOT NULL,
  delays         INTEGER NOT NULL,
  edges          TEXT NOT NULL,
  verdict        TEXT NOT NULL,
  evidence       TEXT NOT NULL,
  tests          INTEGER NOT NULL DEFAULT 0,
  alternatives   INTEGER NOT NULL DEFAULT 0,
  rank           INTEGER NOT NULL DEFAULT 0,
  fault_cycle_id TEXT NOT NULL DEFAULT '',
  faults         TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO cycles_v6(id, canonical, length, delays, edges, verdict, evidence, tests, alternatives, rank,
                      fault_cycle_id, faults)
  SELECT id, canonical, length, delays, edges, verdict, evidence, tests, alternatives, rank, fault_cycle_id, faults
  FROM cycles;
DROP TABLE cycles;
ALTER TABLE cycles_v6 RENAME TO cycles;
-- The most reaches of an event in one process of the run (the runtime counts a plan's skip
-- per process); -1 for runs stored before (unknown: `reached` is used).
ALTER TABLE run_event_counts ADD COLUMN reached_in_one_process INTEGER NOT NULL DEFAULT -1;
DROP VIEW run_events;
CREATE VIEW run_events AS
  SELECT c.run_id, k.site, k.context, k.node, c.reached, c.occurred, c.injected, c.reached_in_one_process
  FROM run_event_counts c JOIN event_keys k ON k.id = c.event;
-- The environment a test runs with (KEY=VALUE list): a list file's "env", CTest's
-- ENVIRONMENT property, a check case's CK_RUN_SUITE/CK_RUN_CASE.
ALTER TABLE tests ADD COLUMN env_json TEXT NOT NULL DEFAULT '[]';
CREATE TABLE fca_inputs (
  experiment_id INTEGER PRIMARY KEY REFERENCES experiments(id) ON DELETE CASCADE,
  inputs        TEXT NOT NULL     -- the finished runs and options the effects were computed from
);
)sql",
};

}  // namespace

int schemaVersion(Database &db) {
  Statement st = db.prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.getInt(0));
}

namespace {

bool foreignKeysOn(Database &db) {
  Statement st = db.prepare("PRAGMA foreign_keys");
  return st.step() && st.getInt(0) != 0;
}

// Restores `PRAGMA foreign_keys = ON` when a migration leaves the scope (also on error).
struct ForeignKeysOff {
  Database &db;
  bool wasOn;
  explicit ForeignKeysOff(Database &d) : db(d), wasOn(foreignKeysOn(d)) {
    if (wasOn) db.exec("PRAGMA foreign_keys = OFF");  // a no-op inside a transaction
  }
  ~ForeignKeysOff() {
    if (wasOn) {
      try {
        db.exec("PRAGMA foreign_keys = ON");
      } catch (...) {
      }
    }
  }
};

}  // namespace

void migrateSchema(Database &db, int target) {
  int version = schemaVersion(db);
  if (version > kSchemaVersion)
    throw DbError(db.path() + ": schema version " + std::to_string(version) + " is newer than this csnake supports (" +
                  std::to_string(kSchemaVersion) + ")");
  if (target > kSchemaVersion) target = kSchemaVersion;
  if (version >= target) return;
  // SQLite's procedure for schema changes that rebuild a table (migration 3): foreign
  // keys off outside the transaction (DROP TABLE of a referenced table would otherwise
  // cascade or fail), rebuild, then PRAGMA foreign_key_check before committing.
  ForeignKeysOff off(db);
  for (int v = version; v < target; ++v) {
    Transaction tx(db);
    db.exec(kMigrations[static_cast<size_t>(v)]);
    {
      Statement check = db.prepare("PRAGMA foreign_key_check");
      if (check.step())
        throw DbError(db.path() + ": migration to schema version " + std::to_string(v + 1) +
                      " broke a foreign key (table " + check.getText(0) + ")");
    }
    db.exec("PRAGMA user_version = " + std::to_string(v + 1));
    tx.commit();
  }
}

}  // namespace csnake
