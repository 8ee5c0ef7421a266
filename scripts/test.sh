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
ctest --preset dev

if ((asan)); then
  cmake --preset asan
  cmake --build --preset asan --target csnake_unit_tests
  ctest --preset asan -L unit
fi
