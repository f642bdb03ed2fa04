#!/usr/bin/env bash
# Generates docs/ with tfplugindocs (pinned in go.mod as a tool). With
# --check, fails when the committed docs/ differ from what is generated.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/terraform-path.sh
# tfplugindocs runs the `terraform` on PATH.
tfdir=$(mktemp -d)
trap 'rm -rf "$tfdir"' EXIT
ln -s "$TERRAFORM" "$tfdir/terraform"
export PATH="$tfdir:$PATH"
"$TERRAFORM" fmt -check -recursive examples/
go tool tfplugindocs generate --provider-name quay --rendered-provider-name "Quay" >/dev/null
go tool tfplugindocs validate --provider-name quay >/dev/null 2>&1 || go tool tfplugindocs validate --provider-name quay
if [ "${1:-}" = "--check" ]; then
  if [ -n "$(git status --porcelain -- docs/)" ]; then
    echo "docs/ is stale: run 'make docs' and commit the result." >&2
    git status --porcelain -- docs/ >&2
    git diff --stat -- docs/ >&2
    exit 1
  fi
  echo "docs/ is up to date"
fi
