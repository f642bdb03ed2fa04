#!/usr/bin/env bash
# Prints the path of golangci-lint v2, installing it with `go install` from
# the Go module proxy the first time (cached per version).
set -euo pipefail
version=${GOLANGCI_LINT_VERSION:-v2.15.0}
cache=${QUAY_TF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-quay}
bindir="$cache/golangci-$version"
if [ ! -x "$bindir/golangci-lint" ]; then
  echo "installing golangci-lint $version (once per machine)..." >&2
  (cd / && GOBIN="$bindir" GOFLAGS=-mod=mod go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version") >&2
fi
echo "$bindir/golangci-lint"
