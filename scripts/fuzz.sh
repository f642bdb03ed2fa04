#!/usr/bin/env bash
# Runs every Go fuzz target in the module for a bounded time each
# (FUZZTIME, default 10s). Inputs that once failed are kept under
# testdata/fuzz and run by every plain `go test` as regression cases.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-10s}
count=0
while IFS=: read -r file name; do
  pkg=./$(dirname "$file")
  echo "==> fuzz $name ($pkg, $fuzztime)"
  go test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$pkg"
  count=$((count + 1))
done < <(grep -rHoE --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]+)' internal | sed 's/:func /:/')
echo "fuzz: $count targets ran for $fuzztime each"
