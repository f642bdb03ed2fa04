package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// providerDataFrom unwraps what Configure handed over. It returns nil, with
// no error, before the provider is configured (validation runs earlier).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", data))
		return nil
	}
	return pd
}

// addAPIError reports a failed Quay call: the summary names the action and
// object, the detail carries Quay's own message.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	var apiErr *quay.APIError
	if errors.As(err, &apiErr) {
		diags.AddError(summary, fmt.Sprintf("Quay answered HTTP %d: %s\n\n(%s %s)", apiErr.StatusCode, quay.ErrorMessage(err), apiErr.Method, apiErr.Path))
		return
	}
	diags.AddError(summary, err.Error())
}

// Quay's namespace rule (users, organizations, teams, robot short names).
var namespaceRegexp = regexp.MustCompile(`^([a-z0-9]+(?:[._-][a-z0-9]+)*)$`)

// namespaceNameValidators reject names Quay would refuse, at plan time.
func namespaceNameValidators(what string) []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(2, 255),
		stringvalidator.RegexMatches(namespaceRegexp,
			fmt.Sprintf("must be a valid Quay %s name: lowercase letters and digits, optionally separated by single '.', '_' or '-' (%s)", what, namespaceRegexp.String())),
	}
}

// emailValidator applies Quay's e-mail check (quay-api.md §19); an empty
// string passes so that "" can mean "no address".
type emailValidator struct{ allowEmpty bool }

func (v emailValidator) Description(context.Context) string {
	return "must be an e-mail address: one @, a non-empty local part and a domain with at least two labels"
}

func (v emailValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v emailValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if s == "" && v.allowEmpty {
		return
	}
	if !validEmail(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid e-mail address",
			fmt.Sprintf("%q %s (%s).", s, v.Description(ctx), req.Path))
	}
}

func validEmail(email string) bool {
	if len(email) == 0 || len(email) > 254 || strings.ContainsAny(email, " \t\r\n") {
		return false
	}
	local, domain, found := strings.Cut(email, "@")
	if !found || local == "" || strings.Contains(domain, "@") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	return true
}

// waitUntilGone polls check until it reports the object gone, for Quay's
// asynchronous deletes. check returns (gone, error).
func waitUntilGone(ctx context.Context, timeout time.Duration, check func(context.Context) (bool, error)) error {
	deadline := time.Now().Add(timeout)
	wait := 250 * time.Millisecond
	for {
		gone, err := check(ctx)
		if err != nil {
			return err
		}
		if gone {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still present %s after deletion", timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Second)
	}
}

// addAlreadyExistsError refuses a create whose object Quay already has.
// Quay's create calls are often upserts, so without this check a create
// would silently take over an object made outside Terraform. what names the
// object for people ("team platform/ci"), typ and importID give the import
// command; detail says what Quay has now (may be empty).
func addAlreadyExistsError(diags *diag.Diagnostics, typ, what, importID, detail string) {
	msg := fmt.Sprintf("%s already exists in Quay, so Terraform did not change it.", capitalize(what))
	if detail != "" {
		msg += " " + detail
	}
	msg += fmt.Sprintf("\n\nTo manage it with Terraform, import it first, then plan to see what applying the configuration would change:\n\n"+
		"  terraform import %s.<name> %s\n\nor add an import block:\n\n  import {\n    to = %s.<name>\n    id = %q\n  }", typ, importID, typ, importID)
	diags.AddError(fmt.Sprintf("%s already exists", capitalize(what)), msg)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// versionBumped reports whether a rotation counter (secret_version,
// token_version, ...) changed from one known value to a different one.
// Setting it for the first time (null to a value, as after an import) or
// removing it (a value to null) rotates nothing.
func versionBumped(was, now types.Int64) bool {
	if was.IsNull() || was.IsUnknown() || now.IsNull() || now.IsUnknown() {
		return false
	}
	return was.ValueInt64() != now.ValueInt64()
}
