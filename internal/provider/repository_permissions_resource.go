package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*repositoryPermissionsResource)(nil)
	_ resource.ResourceWithImportState      = (*repositoryPermissionsResource)(nil)
	_ resource.ResourceWithIdentity         = (*repositoryPermissionsResource)(nil)
	_ resource.ResourceWithConfigValidators = (*repositoryPermissionsResource)(nil)
)

// NewRepositoryPermissionsResource is the quay_repository_permissions resource.
func NewRepositoryPermissionsResource() resource.Resource {
	return &repositoryPermissionsResource{}
}

type repositoryPermissionsResource struct {
	data *providerData
}

type repositoryPermissionsModel struct {
	Repository types.String      `tfsdk:"repository"`
	Teams      map[string]string `tfsdk:"teams"`
	Users      map[string]string `tfsdk:"users"`
}

type repositoryPermissionsIdentityModel struct {
	Repository types.String `tfsdk:"repository"`
}

func (r *repositoryPermissionsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository_permissions"
}

func roleMapAttribute(description string, key []validator.String) schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: description,
		ElementType:         types.StringType,
		Optional:            true,
		Computed:            true,
		Default:             mapdefault.StaticValue(types.MapValueMust(types.StringType, nil)),
		Validators: []validator.Map{
			mapvalidator.KeysAre(key...),
			mapvalidator.ValueStringsAre(stringvalidator.OneOf(repositoryRoleValues...)),
		},
	}
}

func (r *repositoryPermissionsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Every permission (direct grant) of one Quay repository, authoritatively: grants Quay has that the configuration does not list are drift, and applying removes them; listed ones are added or get their role set. " +
			"The whole set is read with two requests (users and robots, teams), however many grants there are.\n\n" +
			"Quay adds grants by itself, and this resource treats them like any other grant made outside Terraform, so applying removes those not listed:\n\n" +
			"* the `admin` grant Quay gives the user who creates the repository (for a repository made with `quay_repository`, the provider's user). List it in `users` to keep it. Organization admins keep access through their organization role anyway; a user who is not one loses it.\n" +
			"* the grants of the organization's default permissions (`quay_default_permission`), made when the repository is created;\n" +
			"* the `write` grant a repository mirror gives its robot.\n\n" +
			"The owner of a user namespace always has `admin` on its repositories and Quay refuses to change that: its grant is left alone and never shown. " +
			"Destroying the resource removes every grant it manages. Do not combine it with `quay_repository_permission` on the same repository: each would undo the other.",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{
				MarkdownDescription: "Repository as `namespace/name`. Changing it replaces the resource (the grants of the old repository are removed).",
				Required:            true,
				Validators:          repositoryPathValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"teams": roleMapAttribute("Team name to role (`read`, `write` or `admin`). Teams must belong to the repository's organization. Unset or empty: no team grants.",
				namespaceNameValidators("team")),
			"users": roleMapAttribute("User, or robot as `namespace+name`, to role (`read`, `write` or `admin`). Robots only of the repository's namespace. Unset or empty: no user grants.",
				accountNameValidators()),
		},
	}
}

func (r *repositoryPermissionsResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{userMapValidator{}}
}

func (r *repositoryPermissionsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"repository": identityschema.StringAttribute{RequiredForImport: true, Description: "Repository as namespace/name."},
	}}
}

func (r *repositoryPermissionsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// readGrants reads every grant of the repository (the user-namespace
// owner's excepted); gone is true when the repository does not exist.
// Quay lists nothing for a missing repository, so only an empty answer
// costs a look at the repository.
func readRepositoryGrants(ctx context.Context, c *quay.Client, repo string) (teams, users map[string]string, gone bool, err error) {
	ns, name := splitRepositoryPath(repo)
	u, err := c.ListRepositoryUserPermissions(ctx, ns, name)
	if err != nil {
		return nil, nil, false, err
	}
	t, err := c.ListRepositoryTeamPermissions(ctx, ns, name)
	if err != nil {
		return nil, nil, false, err
	}
	teams, users = map[string]string{}, map[string]string{}
	for n, p := range t {
		teams[n] = p.Role
	}
	for n, p := range u {
		if n != ns {
			users[n] = p.Role
		}
	}
	if len(t) == 0 && len(u) == 0 {
		if _, err := c.GetRepository(ctx, ns, name, false); quay.IsNotFound(err) {
			return nil, nil, true, nil
		}
	}
	return teams, users, false, nil
}

// apply changes the grants from have to want: sets those missing or with
// another role, then removes those not wanted. It stops at the first error.
func (r *repositoryPermissionsResource) apply(ctx context.Context, repo string, haveTeams, haveUsers, wantTeams, wantUsers map[string]string, diags *diag.Diagnostics) {
	c := r.data.client
	ns, name := splitRepositoryPath(repo)
	for _, team := range slices.Sorted(maps.Keys(wantTeams)) {
		if role := wantTeams[team]; haveTeams[team] != role {
			if _, err := c.SetRepositoryTeamPermission(ctx, ns, name, team, role); err != nil {
				addAPIError(diags, fmt.Sprintf("Unable to grant team %q %q on repository %q", team, role, repo), err)
				return
			}
		}
	}
	for _, user := range slices.Sorted(maps.Keys(wantUsers)) {
		if role := wantUsers[user]; haveUsers[user] != role {
			if _, err := c.SetRepositoryUserPermission(ctx, ns, name, user, role); err != nil {
				addAPIError(diags, fmt.Sprintf("Unable to grant %q %q on repository %q", user, role, repo), err)
				return
			}
		}
	}
	for _, team := range slices.Sorted(maps.Keys(haveTeams)) {
		if _, keep := wantTeams[team]; !keep {
			if err := c.DeleteRepositoryTeamPermission(ctx, ns, name, team); err != nil && !quay.IsNotFound(err) {
				addAPIError(diags, fmt.Sprintf("Unable to remove the grant of team %q on repository %q", team, repo), err)
				return
			}
		}
	}
	for _, user := range slices.Sorted(maps.Keys(haveUsers)) {
		if _, keep := wantUsers[user]; !keep {
			if err := c.DeleteRepositoryUserPermission(ctx, ns, name, user); err != nil && !quay.IsNotFound(err) {
				addAPIError(diags, fmt.Sprintf("Unable to remove the grant of %q on repository %q", user, repo), err)
				return
			}
		}
	}
}

func (r *repositoryPermissionsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan repositoryPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo := plan.Repository.ValueString()
	teams, users, gone, err := readRepositoryGrants(ctx, r.data.client, repo)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the permissions of repository %q", repo), err)
		return
	}
	if gone {
		resp.Diagnostics.AddAttributeError(path.Root("repository"), "Repository not found", fmt.Sprintf("Repository %q does not exist.", repo))
		return
	}
	r.apply(ctx, repo, teams, users, plan.Teams, plan.Users, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRepositoryPermissionsIdentity(ctx, repo, resp.Identity, &resp.Diagnostics)
}

func (r *repositoryPermissionsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state repositoryPermissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo := state.Repository.ValueString()
	setRepositoryPermissionsIdentity(ctx, repo, resp.Identity, &resp.Diagnostics)
	teams, users, gone, err := readRepositoryGrants(ctx, r.data.client, repo)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the permissions of repository %q", repo), err)
		return
	}
	if gone {
		tflog.Warn(ctx, "repository no longer exists in Quay; removing its permissions from state", map[string]any{"repository": repo})
		resp.State.RemoveResource(ctx)
		return
	}
	state.Teams, state.Users = teams, users
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *repositoryPermissionsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state repositoryPermissionsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The state was refreshed just before: it is what Quay has.
	r.apply(ctx, plan.Repository.ValueString(), state.Teams, state.Users, plan.Teams, plan.Users, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRepositoryPermissionsIdentity(ctx, plan.Repository.ValueString(), resp.Identity, &resp.Diagnostics)
}

func (r *repositoryPermissionsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state repositoryPermissionsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, state.Repository.ValueString(), state.Teams, state.Users, nil, nil, &resp.Diagnostics)
}

func (r *repositoryPermissionsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("repository"), path.Root("repository"), req, resp)
}

func setRepositoryPermissionsIdentity(ctx context.Context, repo string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, repositoryPermissionsIdentityModel{Repository: types.StringValue(repo)})...)
}

// userMapValidator applies the per-grant plan checks to the users map:
// robots of the repository's namespace only, and never the namespace owner.
type userMapValidator struct{}

func (userMapValidator) Description(context.Context) string {
	return "robots only of the repository's namespace, and not the owner of a user namespace"
}

func (v userMapValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (userMapValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var repo types.String
	var users types.Map
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("repository"), &repo)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("users"), &users)...)
	if resp.Diagnostics.HasError() || repo.IsNull() || repo.IsUnknown() || users.IsNull() || users.IsUnknown() {
		return
	}
	ns, _ := splitRepositoryPath(repo.ValueString())
	for _, user := range slices.Sorted(maps.Keys(users.Elements())) {
		at := path.Root("users").AtMapKey(user)
		if owner, _, isRobot := strings.Cut(user, "+"); isRobot && owner != ns {
			resp.Diagnostics.AddAttributeError(at, "Robot of another namespace",
				fmt.Sprintf("Robot %q belongs to namespace %q, but repository %q is in %q: Quay grants robots only in their own namespace.", user, owner, repo.ValueString(), ns))
		}
		if user == ns {
			resp.Diagnostics.AddAttributeError(at, "Namespace owner must stay admin",
				fmt.Sprintf("%q owns the namespace of repository %q and always has admin on it; leave it out of users.", user, repo.ValueString()))
		}
	}
}
