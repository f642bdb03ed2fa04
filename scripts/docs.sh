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
# A guide line "<!-- README: NAME -->" becomes README's block between
# "<!-- NAME:start -->" and "<!-- NAME:end -->", so that a table shown in
# both (what a real Quay needs for the tests) has one copy to keep current.
for guide in docs/guides/*.md; do
  [ -e "$guide" ] || continue
  for name in $(sed -n 's/^<!-- README: \([a-z-]*\) -->$/\1/p' "$guide"); do
    block=$(sed -n "/^<!-- $name:start -->\$/,/^<!-- $name:end -->\$/p" README.md | sed '1d;$d' | sed '/./,$!d')
    if [ -z "$block" ]; then
      echo "$guide shows README's block $name, which README.md does not have" >&2
      exit 1
    fi
    BLOCK=$block NAME=$name awk '$0 == "<!-- README: " ENVIRON["NAME"] " -->" { print ENVIRON["BLOCK"]; next } { print }' "$guide" >"$guide.tmp"
    mv "$guide.tmp" "$guide"
  done
done
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
