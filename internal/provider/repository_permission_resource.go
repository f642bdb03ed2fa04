package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
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
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*repositoryPermissionResource)(nil)
	_ resource.ResourceWithImportState      = (*repositoryPermissionResource)(nil)
	_ resource.ResourceWithIdentity         = (*repositoryPermissionResource)(nil)
	_ resource.ResourceWithConfigValidators = (*repositoryPermissionResource)(nil)
)

// NewRepositoryPermissionResource is the quay_repository_permission resource.
func NewRepositoryPermissionResource() resource.Resource { return &repositoryPermissionResource{} }

type repositoryPermissionResource struct {
	data *providerData
}

type repositoryPermissionModel struct {
	Repository types.String `tfsdk:"repository"`
	Team       types.String `tfsdk:"team"`
	Username   types.String `tfsdk:"username"`
	Role       types.String `tfsdk:"role"`
}

type repositoryPermissionIdentityModel struct {
	Repository types.String `tfsdk:"repository"`
	Team       types.String `tfsdk:"team"`
	Username   types.String `tfsdk:"username"`
}

// repositoryPathValidators check a "namespace/name" attribute at plan time.
func repositoryPathValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(3, 511),
		stringvalidator.RegexMatches(repositoryPathRegexp, "must be a repository as namespace/name, for example acme/app: the namespace an organization or user name, the name lowercase letters, digits, '.', '_' and '-'"),
	}
}

func (r *repositoryPermissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository_permission"
}

func (r *repositoryPermissionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One permission (grant) on a Quay repository: a team, or a user or robot, gets `read`, `write` or `admin` on it. " +
			"These are direct grants only; access that comes from an organization role (members of an `admin` team administer every repository of the organization) is not one.\n\n" +
			"Quay's call that grants a permission also changes an existing one, so the provider checks first: declaring a grant that already exists, such as the `admin` grant Quay gives the creator of a repository, " +
			"fails before any change and says how to import it. Do not manage the grants of a repository with both this resource and `quay_repository_permissions`.",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{
				MarkdownDescription: "Repository as `namespace/name`. Changing it replaces the permission.",
				Required:            true,
				Validators:          repositoryPathValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"team": schema.StringAttribute{
				MarkdownDescription: "Team of the repository's organization that gets the role. Exactly one of `team` and `username` is set. Changing it replaces the permission.",
				Optional:            true,
				Validators:          namespaceNameValidators("team"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "User, or robot as `namespace+name`, that gets the role. A robot can only be granted on repositories of its own namespace, and the owner of a user namespace always keeps `admin` on its repositories; both are refused at plan. " +
					"Quay does not require a user to be a member of the organization (an outside collaborator). Exactly one of `team` and `username` is set. Changing it replaces the permission.",
				Optional:      true,
				Validators:    accountNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "`read` (pull), `write` (pull and push) or `admin` (also settings and permissions). Updated in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(repositoryRoleValues...)},
			},
		},
	}
}

func (r *repositoryPermissionResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("team"), path.MatchRoot("username")),
		robotInNamespaceValidator{robot: path.Root("username"), namespace: path.Root("repository"), what: "repository"},
		namespaceOwnerValidator{},
	}
}

func (r *repositoryPermissionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"repository": identityschema.StringAttribute{RequiredForImport: true, Description: "Repository as namespace/name."},
		"team":       identityschema.StringAttribute{OptionalForImport: true, Description: "Team of the grant (unset for a user's)."},
		"username":   identityschema.StringAttribute{OptionalForImport: true, Description: "User or robot of the grant (unset for a team's)."},
	}}
}

func (r *repositoryPermissionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// grantee names the grant for people and import IDs.
func (m *repositoryPermissionModel) grantee() (kind, name string) {
	if !m.Team.IsNull() {
		return "team", m.Team.ValueString()
	}
	return "user", m.Username.ValueString()
}

func (m *repositoryPermissionModel) describe() string {
	kind, name := m.grantee()
	return fmt.Sprintf("permission of %s %q on repository %q", kind, name, m.Repository.ValueString())
}

func (m *repositoryPermissionModel) importID() string {
	kind, name := m.grantee()
	return m.Repository.ValueString() + "/" + kind + "/" + name
}

func splitRepositoryPath(repo string) (ns, name string) {
	ns, name, _ = strings.Cut(repo, "/")
	return ns, name
}

// get reads the grant; nil, nil when Quay has none.
func (r *repositoryPermissionResource) get(ctx context.Context, m *repositoryPermissionModel) (*quay.RepositoryPermission, error) {
	ns, name := splitRepositoryPath(m.Repository.ValueString())
	var p *quay.RepositoryPermission
	var err error
	if kind, who := m.grantee(); kind == "team" {
		p, err = r.data.client.GetRepositoryTeamPermission(ctx, ns, name, who)
	} else {
		p, err = r.data.client.GetRepositoryUserPermission(ctx, ns, name, who)
	}
	if quay.IsNotFound(err) {
		return nil, nil
	}
	return p, err
}

// set grants the planned role (Quay's PUT creates or changes the grant).
func (r *repositoryPermissionResource) set(ctx context.Context, m *repositoryPermissionModel) (*quay.RepositoryPermission, error) {
	ns, name := splitRepositoryPath(m.Repository.ValueString())
	if kind, who := m.grantee(); kind == "team" {
		return r.data.client.SetRepositoryTeamPermission(ctx, ns, name, who, m.Role.ValueString())
	}
	return r.data.client.SetRepositoryUserPermission(ctx, ns, name, m.Username.ValueString(), m.Role.ValueString())
}

// addSetError explains a failed grant. Quay fails unguarded (500) when the
// repository does not exist; one GET tells that apart.
func (r *repositoryPermissionResource) addSetError(ctx context.Context, diags *diag.Diagnostics, action string, m *repositoryPermissionModel, err error) {
	if quay.IsStatus(err, http.StatusInternalServerError) {
		ns, name := splitRepositoryPath(m.Repository.ValueString())
		if _, getErr := r.data.client.GetRepository(ctx, ns, name, false); quay.IsNotFound(getErr) {
			diags.AddAttributeError(path.Root("repository"), fmt.Sprintf("Unable to %s the %s", action, m.describe()),
				fmt.Sprintf("Repository %q does not exist (Quay answered the grant with HTTP 500).", m.Repository.ValueString()))
			return
		}
	}
	addAPIError(diags, fmt.Sprintf("Unable to %s the %s", action, m.describe()), err)
}

func (r *repositoryPermissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan repositoryPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	existing, err := r.get(ctx, &plan)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to check the %s", plan.describe()), err)
		return
	}
	if existing != nil {
		addAlreadyExistsError(&resp.Diagnostics, "quay_repository_permission", "the "+plan.describe(), plan.importID(),
			fmt.Sprintf("It grants %q.", existing.Role))
		return
	}
	p, err := r.set(ctx, &plan)
	if err != nil && quay.IsAmbiguous(err) {
		// The grant was absent just before, so one there now is this call's.
		if got, getErr := r.get(ctx, &plan); getErr == nil && got != nil {
			tflog.Warn(ctx, "permission grant failed ambiguously but the grant exists; keeping it", map[string]any{"repository": plan.Repository.ValueString(), "grantee": plan.importID()})
			p, err = got, nil
		}
	}
	if err != nil {
		r.addSetError(ctx, &resp.Diagnostics, "create", &plan, err)
		return
	}
	plan.Role = types.StringValue(p.Role)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRepositoryPermissionIdentity(ctx, &plan, resp.Identity, &resp.Diagnostics)
}

func (r *repositoryPermissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state repositoryPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	setRepositoryPermissionIdentity(ctx, &state, resp.Identity, &resp.Diagnostics)
	p, err := r.get(ctx, &state)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the %s", state.describe()), err)
		return
	}
	if p == nil {
		tflog.Warn(ctx, "repository permission no longer exists in Quay; removing it from state", map[string]any{"permission": state.importID()})
		resp.State.RemoveResource(ctx)
		return
	}
	state.Role = types.StringValue(p.Role)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *repositoryPermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan repositoryPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := r.set(ctx, &plan)
	if err != nil {
		r.addSetError(ctx, &resp.Diagnostics, "update", &plan, err)
		return
	}
	plan.Role = types.StringValue(p.Role)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRepositoryPermissionIdentity(ctx, &plan, resp.Identity, &resp.Diagnostics)
}

func (r *repositoryPermissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state repositoryPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, name := splitRepositoryPath(state.Repository.ValueString())
	var err error
	if kind, who := state.grantee(); kind == "team" {
		err = r.data.client.DeleteRepositoryTeamPermission(ctx, ns, name, who)
	} else {
		err = r.data.client.DeleteRepositoryUserPermission(ctx, ns, name, who)
	}
	if err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete the %s", state.describe()), err)
	}
}

// ImportState takes "namespace/name/team/<team>" or
// "namespace/name/user/<username>" (the repository name may itself hold
// "/"), or an identity.
func (r *repositoryPermissionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var m repositoryPermissionModel
	if req.ID != "" {
		parts := strings.Split(req.ID, "/")
		n := len(parts)
		if n < 4 || (parts[n-2] != "team" && parts[n-2] != "user") || parts[n-1] == "" || slices.Contains(parts[:n-2], "") {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("Expected an ID of the form %q or %q, got %q.", "namespace/name/team/<team>", "namespace/name/user/<username>", req.ID))
			return
		}
		m.Repository = types.StringValue(strings.Join(parts[:n-2], "/"))
		m.Team, m.Username = types.StringNull(), types.StringNull()
		if parts[n-2] == "team" {
			m.Team = types.StringValue(parts[n-1])
		} else {
			m.Username = types.StringValue(parts[n-1])
		}
	} else {
		var id repositoryPermissionIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if id.Team.IsNull() == id.Username.IsNull() {
			resp.Diagnostics.AddError("Invalid import identity", "Give the repository and exactly one of team and username.")
			return
		}
		m.Repository, m.Team, m.Username = id.Repository, id.Team, id.Username
	}
	m.Role = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setRepositoryPermissionIdentity(ctx, &m, resp.Identity, &resp.Diagnostics)
}

func setRepositoryPermissionIdentity(ctx context.Context, m *repositoryPermissionModel, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, repositoryPermissionIdentityModel{Repository: m.Repository, Team: m.Team, Username: m.Username})...)
}

// namespaceOwnerValidator refuses, at plan, a grant to the user whose
// namespace holds the repository: Quay keeps that owner admin.
type namespaceOwnerValidator struct{}

func (namespaceOwnerValidator) Description(context.Context) string {
	return "the owner of a user namespace always has admin on its repositories"
}

func (v namespaceOwnerValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (namespaceOwnerValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var user, repo types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("username"), &user)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("repository"), &repo)...)
	if resp.Diagnostics.HasError() || user.IsNull() || user.IsUnknown() || repo.IsNull() || repo.IsUnknown() {
		return
	}
	if ns, _ := splitRepositoryPath(repo.ValueString()); ns == user.ValueString() {
		resp.Diagnostics.AddAttributeError(path.Root("username"), "Namespace owner must stay admin",
			fmt.Sprintf("%q owns the namespace of repository %q and always has admin on it; Quay refuses to grant or remove that user's permission.", user.ValueString(), repo.ValueString()))
	}
}
