#!/usr/bin/env bash
# The main job on the bundled target, from a fresh Debian 12 machine: installs every
# dependency, builds csnake and the instrumented targets/minidfs, runs a campaign with a
# small default budget, and shows what it found.
#
#   ./scripts/quickstart.sh [--budget RUNS] [--db FILE] [other `csnake campaign` options]
#
# Re-running resumes the same campaign (the database keeps every finished run).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake --build build --target minidfs_instrumented

db=results/minidfs.db
args=()
while (($#)); do
  case "$1" in
    --db) db=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
mkdir -p "$(dirname "$db")"

build/bin/csnake campaign --build build/targets/minidfs-instrumented --label target \
  --db "$db" --budget 30 "${args[@]}"
build/bin/csnake status --db "$db"
build/bin/csnake cycles --db "$db"
