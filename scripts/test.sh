#!/usr/bin/env bash
# Runs every test with the race detector: unit tests, emulator tests and the
# acceptance tests through the real Terraform CLI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/terraform-path.sh
export TF_ACC=1 TF_ACC_TERRAFORM_PATH="$TERRAFORM"
echo "==> go vet"
go vet ./...
echo "==> go test -race ./... (Terraform: $("$TERRAFORM" version | head -n1))"
go test -race -count=1 -timeout 30m "$@" ./...
