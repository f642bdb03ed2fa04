#!/usr/bin/env bash
# Runs every Go fuzz target in the module for a bounded time each
# (FUZZTIME, default 10s). Inputs that once failed are kept under
# testdata/fuzz and run by every plain `go test` as regression cases.
#
# Go's fuzzer sometimes ends a time-bounded run with "context deadline
# exceeded" and no failing input, when the deadline falls while a worker is
# still busy; such a run is repeated once. A real failure writes its input
# ("Failing input written to ...") and fails at once.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME:-10s}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fuzz() {
  set +e
  go test -run='^$' -fuzz="^${1}\$" -fuzztime="$fuzztime" "$2" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  return "$status"
}
count=0
while IFS=: read -r file name; do
  pkg=./$(dirname "$file")
  echo "==> fuzz $name ($pkg, $fuzztime)"
  if ! fuzz "$name" "$pkg"; then
    if grep -q "context deadline exceeded" "$log" && ! grep -q "Failing input written" "$log"; then
      echo "==> fuzz $name: the run ended on Go's deadline without a failing input; running it again"
      fuzz "$name" "$pkg"
    else
      exit 1
    fi
  fi
  count=$((count + 1))
done < <(grep -rHoE --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]+)' internal | sed 's/:func /:/')
echo "fuzz: $count targets ran for $fuzztime each"
