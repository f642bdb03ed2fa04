#!/usr/bin/env bash
# Builds the provider and the Quay emulator, starts the emulator on
# 127.0.0.1, applies examples/demo through a dev_overrides CLI config,
# prints the outputs, destroys everything and stops the emulator.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. scripts/terraform-path.sh

work="$root/examples/demo/.demo"
rm -rf "$work"
mkdir -p "$work/bin"
echo "==> building the provider and the emulator"
go build -o "$work/bin/terraform-provider-quay" .
go build -o "$work/bin/quay-emulator" ./cmd/quay-emulator
go build -o "$work/bin/quay-push" ./cmd/quay-push

cat >"$work/terraformrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/quaytf/quay" = "$work/bin"
  }
  direct {}
}
CFG

echo "==> starting the Quay emulator"
"$work/bin/quay-emulator" -addr 127.0.0.1:0 -env-file "$work/env" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/env" ] && break
  sleep 0.1
done
[ -s "$work/env" ] || { echo "the emulator did not start:"; cat "$work/emulator.log"; exit 1; }
set -a
. "$work/env"
set +a
echo "    $QUAY_URL"

export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
# Work on a copy so that state and lock files stay out of the source tree.
mkdir -p "$work/config"
cp examples/demo/*.tf "$work/config/"
tf() { "$TERRAFORM" -chdir="$work/config" "$@"; }
echo "==> terraform apply: an organization with a team and a member, a repository, a robot with write access to it"
tf apply -auto-approve -input=false
echo "==> pushing an image to platform/app with the robot's credentials (as a CI pipeline would)"
"$work/bin/quay-push" -robot platform+ci -repo platform/app -tag v1.0.0
echo "==> terraform apply again: the quay_tags data source now lists the pushed tag"
tf apply -auto-approve -input=false >/dev/null
echo "==> terraform output"
tf output
echo "==> terraform plan (must be empty)"
tf plan -input=false -detailed-exitcode >/dev/null
echo "    no changes"
echo "==> terraform destroy (force_destroy lets the repository go with its image)"
tf destroy -auto-approve -input=false
echo "==> done"
