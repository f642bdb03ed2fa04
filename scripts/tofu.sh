#!/usr/bin/env bash
# Prints the path of an OpenTofu binary, building it from its Go module the
# first time (go install refuses the module because of its replace
# directives). The binary is cached per version under $QUAY_TF_CACHE.
set -euo pipefail
version=${TOFU_VERSION:-1.12.6}
cache=${QUAY_TF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-quay}
bin="$cache/tofu-$version"
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
mkdir -p "$cache"
src=$(go mod download -json "github.com/opentofu/opentofu@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] || { echo "could not download the OpenTofu module v$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
echo "building OpenTofu $version from its Go module (once per machine)..." >&2
(cd "$work" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$bin.tmp" ./cmd/tofu)
mv "$bin.tmp" "$bin"
"$bin" version >&2
echo "$bin"
