#!/usr/bin/env bash
# The test command (README.md, and what CI runs): installs missing dependencies, builds
# the dev preset (csnake, the bundled target plain and instrumented), runs every test,
# then builds the runtime and unit tests under ASan+UBSan and runs those.
#
#   ./scripts/test.sh            # everything
#   ./scripts/test.sh --no-asan  # skip the sanitizer build
set -euo pipefail
cd "$(dirname "$0")/.."
asan=1
[ "${1:-}" = "--no-asan" ] && asan=0

./scripts/setup.sh
if ! ctest --preset dev; then
  # CI shows the end of the output: repeat what the failing tests asserted, after
  # ctest's summary (the whole log is build/Testing/Temporary/LastTest.log).
  echo "test.sh: failed assertions (from build/Testing/Temporary/LastTest.log):"
  log=build/Testing/Temporary/LastTest.log
  grep '\[ground truth\]' "$log" | grep -v -e 'extra cycle' -e 'as cycle' | tail -n 20 || true
  grep -E -A4 'Failure$|: Failure|\[  FAILED  \]' "$log" | tail -n 60 || true
  exit 1
fi

if ((asan)); then
  cmake --preset asan
  cmake --build --preset asan --target csnake_unit_tests
  ctest --preset asan -L unit
fi
