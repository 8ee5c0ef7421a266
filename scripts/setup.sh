#!/usr/bin/env bash
# Installs every build and test dependency of csnake from Debian 12 packages, then
# configures and builds the default (dev) preset. Idempotent: packages already present
# are skipped by apt, and the build is incremental (ccache).
#
#   ./scripts/setup.sh            # install + build
#   ./scripts/setup.sh --deps     # install only
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build ccache git pkg-config python3
  clang-14 llvm-14 llvm-14-dev llvm-14-tools libclang-rt-14-dev
  libz3-dev libsqlite3-dev sqlite3 libboost-graph-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev zlib1g-dev libcli11-dev
  check
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = "--deps" ] && exit 0

cd "$here"
cmake --preset dev
cmake --build --preset dev
