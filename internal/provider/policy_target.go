package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// Tag policies (auto-prune and immutability) share their targets: an
// organization, a user namespace (auto-prune only) or one repository,
// exactly one of them; their import IDs are "<target>/<uuid>" with the
// target a namespace or "namespace/repository".

// policyTargetModel is the target part of a policy resource's model.
type policyTargetModel struct {
	Organization  types.String
	UserNamespace types.String // always null where the resource has none
	Repository    types.String
}

// policyTargetAttributes are the target attributes; withUser adds
// user_namespace.
func policyTargetAttributes(what string, withUser bool) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"organization": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Organization the %s applies to, to all its repositories. Exactly one target must be set. Changing it replaces the policy.", what),
			Optional:            true,
			Validators:          namespaceNameValidators("organization"),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"repository": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Repository (`namespace/name`) the %s applies to. Exactly one target must be set. Changing it replaces the policy.", what),
			Optional:            true,
			Validators:          repositoryPathValidators(),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
	}
	if withUser {
		attrs["user_namespace"] = schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("User whose namespace the %s applies to, to all the user's repositories: the token's own user, or any user for a superuser with `FEATURE_SUPERUSERS_FULL_ACCESS`. Exactly one target must be set. Changing it replaces the policy.", what),
			Optional:            true,
			Validators:          namespaceNameValidators("user"),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	return attrs
}

func policyIdentitySchema(what string) identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"target": identityschema.StringAttribute{RequiredForImport: true, Description: fmt.Sprintf("What the %s applies to: a namespace, or a repository as namespace/name.", what)},
		"uuid":   identityschema.StringAttribute{RequiredForImport: true, Description: fmt.Sprintf("UUID Quay gave the %s.", what)},
	}}
}

// target turns the model's target into the API's: the token's own user
// goes through Quay's user paths, other users' namespaces through the
// organization paths, which Quay serves for them to full-access superusers.
func (m policyTargetModel) target(pd *providerData) quay.PolicyTarget {
	switch {
	case !m.Repository.IsNull():
		ns, name := splitRepositoryPath(m.Repository.ValueString())
		return quay.PolicyTarget{Namespace: ns, Repository: name}
	case !m.UserNamespace.IsNull():
		user := m.UserNamespace.ValueString()
		return quay.PolicyTarget{Namespace: user, User: pd.me != nil && pd.me.Username == user}
	default:
		return quay.PolicyTarget{Namespace: m.Organization.ValueString()}
	}
}

// label is the target as import IDs and messages give it.
func (m policyTargetModel) label() string {
	switch {
	case !m.Repository.IsNull():
		return m.Repository.ValueString()
	case !m.UserNamespace.IsNull():
		return m.UserNamespace.ValueString()
	default:
		return m.Organization.ValueString()
	}
}

var policyUUIDPattern = regexp.MustCompile(`^[0-9a-fA-F-]{8,}$`)

// importPolicy sets the target and uuid from "<target>/<uuid>" or from an
// identity. A one-segment target is a user namespace when Quay says it is
// a user (and the resource has user_namespace), else an organization.
func importPolicy(ctx context.Context, pd *providerData, withUser bool, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var targetID, uuid string
	if req.ID != "" {
		i := strings.LastIndex(req.ID, "/")
		if i > 0 {
			targetID, uuid = req.ID[:i], req.ID[i+1:]
		}
	} else {
		var t, u types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("target"), &t)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("uuid"), &u)...)
		targetID, uuid = t.ValueString(), u.ValueString()
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if targetID == "" || !policyUUIDPattern.MatchString(uuid) || strings.Count(targetID, "/") > 0 && !repositoryPathRegexp.MatchString(targetID) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected \"<organization>/<uuid>\", \"<user>/<uuid>\" or \"<namespace>/<repository>/<uuid>\", got %q.", req.ID))
		return
	}
	attr := "organization"
	switch {
	case strings.Contains(targetID, "/"):
		attr = "repository"
	case withUser:
		isUser, err := pd.isUser(ctx, targetID)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to tell whether %q is a user or an organization", targetID), err)
			return
		}
		if isUser {
			attr = "user_namespace"
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), targetID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("uuid"), uuid)...)
	setPolicyIdentity(ctx, targetID, uuid, resp.Identity, &resp.Diagnostics)
}

func setPolicyIdentity(ctx context.Context, target, uuid string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("target"), target)...)
	diags.Append(identity.SetAttribute(ctx, path.Root("uuid"), uuid)...)
}

// tagPatternValidator accepts a regular expression Quay can use: not empty,
// without surrounding white space (Quay trims it), and one that compiles.
// Go's syntax stands in for PostgreSQL's and Python's, which agree with it
// on the patterns tags need.
type tagPatternValidator struct{ maxLength int }

func (v tagPatternValidator) Description(context.Context) string {
	d := "must be a non-empty regular expression without leading or trailing spaces"
	if v.maxLength > 0 {
		d += fmt.Sprintf(", at most %d characters", v.maxLength)
	}
	return d
}

func (v tagPatternValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v tagPatternValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	var problem string
	switch _, err := regexp.Compile(s); {
	case strings.TrimSpace(s) == "":
		problem = "it is empty"
	case strings.TrimSpace(s) != s:
		problem = "it has leading or trailing white space, which Quay would remove"
	case v.maxLength > 0 && len(s) > v.maxLength:
		problem = fmt.Sprintf("it is %d characters long", len(s))
	case err != nil:
		problem = "it does not compile: " + err.Error()
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid tag pattern", fmt.Sprintf("%q %s: %s.", s, v.Description(ctx), problem))
	}
}
