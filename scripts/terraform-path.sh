# Sourced by the scripts: sets TERRAFORM to the CLI the tests and demo use.
# Order: $TF_ACC_TERRAFORM_PATH, `terraform` on PATH, /usr/local/bin/terraform.
if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  TERRAFORM=$TF_ACC_TERRAFORM_PATH
elif command -v terraform >/dev/null 2>&1; then
  TERRAFORM=$(command -v terraform)
elif [ -x /usr/local/bin/terraform ]; then
  TERRAFORM=/usr/local/bin/terraform
else
  echo "No Terraform CLI found: install one on PATH or set TF_ACC_TERRAFORM_PATH to a terraform or tofu binary." >&2
  exit 1
fi
export TERRAFORM
