#!/usr/bin/env bash
# Validates .goreleaser.yml with `goreleaser check`, installing goreleaser
# with `go install` from the Go module proxy the first time (cached).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=${GORELEASER_VERSION:-v2.15.1}
cache=${QUAY_TF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-quay}
bindir="$cache/goreleaser-$version"
if [ ! -x "$bindir/goreleaser" ]; then
  echo "installing goreleaser $version (once per machine)..." >&2
  (cd / && GOBIN="$bindir" GOFLAGS=-mod=mod go install "github.com/goreleaser/goreleaser/v2@$version") >&2
fi
"$bindir/goreleaser" check
grep -q '"protocol_versions": \["6.0"\]' terraform-registry-manifest.json \
  || { echo "terraform-registry-manifest.json must declare protocol version 6.0" >&2; exit 1; }
