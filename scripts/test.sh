#!/usr/bin/env bash
# Runs every check and test: vet, lint, examples, unit and emulator tests,
# the acceptance tests through the real Terraform CLI and again through
# OpenTofu (both with the race detector), and a short run of every fuzz
# target. SKIP_TOFU=1 skips the OpenTofu pass, SKIP_LINT=1 the linter,
# SKIP_RELEASE_CHECK=1 the goreleaser check.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/terraform-path.sh
start=$(date +%s)

echo "==> go vet"
go vet ./...

if [ "${SKIP_LINT:-}" != 1 ]; then
  echo "==> golangci-lint"
  "$(bash scripts/golangci-lint.sh)" run ./...
fi

if [ "${SKIP_RELEASE_CHECK:-}" != 1 ]; then
  echo "==> release configuration (goreleaser check)"
  bash scripts/release-check.sh
fi

echo "==> examples (terraform fmt and validate)"
bash scripts/examples-check.sh

export TF_ACC=1
echo "==> go test -race ./... with $("$TERRAFORM" version | grep -m1 -E '^(Terraform|OpenTofu) v')"
TF_ACC_TERRAFORM_PATH="$TERRAFORM" go test -race -count=1 -timeout 30m "$@" ./...

if [ "${SKIP_TOFU:-}" != 1 ]; then
  tofu=$(bash scripts/tofu.sh)
  echo "==> go test -race ./internal/provider/ with $("$tofu" version | grep -m1 '^OpenTofu v')"
  TF_ACC_TERRAFORM_PATH="$tofu" TF_ACC_PROVIDER_HOST=registry.opentofu.org \
    go test -race -count=1 -timeout 30m "$@" ./internal/provider/
fi

echo "==> fuzz targets"
FUZZTIME=${FUZZTIME:-10s} bash scripts/fuzz.sh

echo "==> all tests passed in $(( $(date +%s) - start ))s"
