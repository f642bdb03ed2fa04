#!/usr/bin/env bash
# Checks every example: `terraform fmt -check`, then `terraform validate`
# against the provider built from this tree (through dev_overrides, so
# nothing is downloaded).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/terraform-path.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/terraform-provider-quay" .
cat >"$work/terraformrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/quaytf/quay" = "$work/bin"
    "registry.opentofu.org/quaytf/quay" = "$work/bin"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
"$TERRAFORM" fmt -check -recursive examples/
count=0
for dir in examples/provider examples/demo examples/guides/*/ examples/resources/*/ examples/data-sources/*/ examples/ephemeral-resources/*/; do
  dir=${dir%/}
  case=$work/case-$count
  mkdir -p "$case"
  cp "$dir"/*.tf "$case/"
  if ! grep -q required_providers "$case"/*.tf; then
    printf 'terraform {\n  required_providers {\n    quay = { source = "quaytf/quay" }\n  }\n}\n' >"$case/zz_providers.tf"
  fi
  if ! out=$("$TERRAFORM" -chdir="$case" validate -no-color 2>&1); then
    echo "terraform validate failed for $dir:" >&2
    echo "$out" >&2
    exit 1
  fi
  count=$((count + 1))
done
echo "examples: $count configurations formatted and valid"
