#!/usr/bin/env bash
# Prints the path of a Terraform binary of TERRAFORM_VERSION (default 1.13.3),
# building it from its Go module the first time, as scripts/tofu.sh does for
# OpenTofu (go install refuses the module because of its replace directives).
# The binary is cached per version under $QUAY_TF_CACHE.
set -euo pipefail
version=${TERRAFORM_VERSION:-1.13.3}
cache=${QUAY_TF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-quay}
bin="$cache/terraform-$version"
if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi
mkdir -p "$cache"
src=$(go mod download -json "github.com/hashicorp/terraform@v$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] || { echo "could not download the Terraform module v$version" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src/." "$work/"
chmod -R u+w "$work"
# The module zip leaves out the remote-state backends that are modules of
# their own (s3, gcs, azurerm, consul, cos, kubernetes, oss, pg, oci): the
# proxy has no version of them. The tests use local state and the http
# backend, so the build drops those nine from the backend list.
init="$work/internal/backend/init/init.go"
sed -i -E '/backend(Azure|Consul|Cos|GCS|Kubernetes|OSS|Pg|S3|OCI)[ .]/d' "$init"
if grep -qE 'remote-state/(azure|consul|cos|gcs|kubernetes|oss|pg|s3|oci)"' "$init"; then
  echo "could not remove the nested backends from $init" >&2
  exit 1
fi
echo "building Terraform $version from its Go module (once per machine)..." >&2
# version.dev=no drops the "-dev" suffix, so the CLI reports the release it is.
(cd "$work" && CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/hashicorp/terraform/version.dev=no" \
  -o "$bin.tmp" .)
got=$("$bin.tmp" version)
got=${got%%$'\n'*}
if [ "$got" != "Terraform v$version" ]; then
  echo "the Terraform built from v$version reports \"$got\"" >&2
  rm -f "$bin.tmp"
  exit 1
fi
mv "$bin.tmp" "$bin"
echo "$got" >&2
echo "$bin"
