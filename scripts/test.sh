#!/usr/bin/env bash
# Runs every check and test: vet, lint, examples, unit and emulator tests,
# the acceptance tests through the real Terraform CLI, again through
# OpenTofu and again through Terraform 1.13 (all with the race detector),
# and a short run of every fuzz target. After each test pass it prints
# which tests skipped and why. SKIP_TOFU=1 skips the OpenTofu pass,
# SKIP_TF13=1 the Terraform 1.13 pass, SKIP_LINT=1 the linter,
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

tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
go build -o "$tools/testreport" ./internal/tools/testreport

# acc_pass CLI PACKAGES... runs go test with TF_ACC_TERRAFORM_PATH=CLI and
# prints go test's usual lines, then the tests that skipped and why, and
# how long the pass took. It fails when a test fails.
acc_pass() {
  local cli=$1 label pass_start
  shift
  # No pipe into an early-exiting reader: with pipefail, the CLI's SIGPIPE
  # (exit 141) would fail the run.
  label=$("$cli" version 2>/dev/null | sed -n -E '/^(Terraform|OpenTofu) v/p')
  label=${label%%$'\n'*}
  echo "==> go test -race $* with $label"
  pass_start=$(date +%s)
  TF_ACC_TERRAFORM_PATH="$cli" go test -race -count=1 -timeout 30m -json "${args[@]}" "$@" 2>&1 |
    "$tools/testreport" -label "$label"
  echo "==> $label pass: $(($(date +%s) - pass_start))s"
}

export TF_ACC=1
args=("$@")
acc_pass "$TERRAFORM" ./...

if [ "${SKIP_TOFU:-}" != 1 ]; then
  TF_ACC_PROVIDER_HOST=registry.opentofu.org acc_pass "$(bash scripts/tofu.sh)" ./internal/provider/
fi

if [ "${SKIP_TF13:-}" != 1 ]; then
  acc_pass "$(bash scripts/terraform.sh)" ./internal/provider/
fi

echo "==> fuzz targets"
FUZZTIME=${FUZZTIME:-10s} bash scripts/fuzz.sh

echo "==> all tests passed in $(($(date +%s) - start))s"
