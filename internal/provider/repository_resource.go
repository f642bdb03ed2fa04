package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure   = (*repositoryResource)(nil)
	_ resource.ResourceWithImportState = (*repositoryResource)(nil)
	_ resource.ResourceWithIdentity    = (*repositoryResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*repositoryResource)(nil)
)

// NewRepositoryResource is the quay_repository resource.
func NewRepositoryResource() resource.Resource { return &repositoryResource{} }

type repositoryResource struct {
	data *providerData
}

type repositoryResourceModel struct {
	Namespace    types.String `tfsdk:"namespace"`
	Name         types.String `tfsdk:"name"`
	Visibility   types.String `tfsdk:"visibility"`
	Description  types.String `tfsdk:"description"`
	State        types.String `tfsdk:"state"`
	ForceDestroy types.Bool   `tfsdk:"force_destroy"`
}

type repositoryIdentityModel struct {
	Namespace types.String `tfsdk:"namespace"`
	Name      types.String `tfsdk:"name"`
}

// repositoryNamePattern is Quay's REPOSITORY_NAME_EXTENDED_REGEX
// (util/names.py), which the default FEATURE_EXTENDED_REPOSITORY_NAMES
// selects: lowercase segments separated by "/", each starting with a
// letter or digit. The 255-character bound is checked apart (Go's regexp
// has no lookahead).
var repositoryNamePattern = regexp.MustCompile(`^[a-z0-9][.a-z0-9_-]*(?:/[a-z0-9][.a-z0-9_-]*)*$`)

// repositoryDeleteTimeout bounds the wait for a deleted repository to
// disappear from reads.
const repositoryDeleteTimeout = 2 * time.Minute

func (r *repositoryResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository"
}

// mirrorStateValidator refuses MIRROR with the reason: only mirroring sets it.
type mirrorStateValidator struct{}

func (mirrorStateValidator) Description(context.Context) string {
	return "MIRROR is set by repository mirroring, not by this attribute"
}
func (v mirrorStateValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}
func (mirrorStateValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || !strings.HasPrefix(req.ConfigValue.ValueString(), "MIRROR") {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "State MIRROR is set by mirroring",
		"Quay puts a repository in state MIRROR when a repository mirror is configured for it; setting it here would stop pushes without anything to sync. Use NORMAL or READ_ONLY, or leave state unset to keep whatever Quay has.")
}

func (r *repositoryResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A repository of a Quay organization or user namespace. Quay has no call to rename or move a repository.\n\n" +
			"Creating a repository never takes over one that exists: the create fails before any change and says how to import it (`namespace/name`). " +
			"Quay gives the creating user an admin permission on a new repository and applies the organization's default permissions to it.\n\n" +
			"Quay deletes a repository in the background; the destroy waits until Quay no longer shows it, so the name can be used again in the same run. " +
			"With `force_destroy = false` (the default), a destroy of a repository that holds tags fails before deleting anything.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{
				MarkdownDescription: "Organization or user the repository belongs to. Changing it replaces the repository.",
				Required:            true,
				Validators:          namespaceNameValidators("namespace"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Repository name, as Quay checks it: at most 255 characters of lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit; `/` separates the parts of a nested name (`team/app`), each part starting with a letter or digit. Changing it replaces the repository.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(repositoryNamePattern, "must be lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, with '/' between the parts of a nested name"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"visibility": schema.StringAttribute{
				MarkdownDescription: "`private` (the default: only users and teams with a permission see it) or `public` (anyone may pull). Changes in place.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("private"),
				Validators:          []validator.String{stringvalidator.OneOf("private", "public")},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the repository (Markdown). Defaults to empty; a repository created by a push has none, which reads as empty. Changes in place.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
			"state": schema.StringAttribute{
				MarkdownDescription: "`NORMAL` (pushes allowed) or `READ_ONLY` (pulls only, for everybody). `MIRROR` is set by Quay when the repository is mirrored and cannot be set here. When unset, Terraform keeps what Quay has (`NORMAL` for a new repository) and does not undo a change made outside Terraform. Changing it needs `FEATURE_REPO_MIRROR` on the server (Quay has no other call to set it); the plan says so when the feature is off. Changes in place.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{mirrorStateValidator{}, stringvalidator.OneOf("NORMAL", "READ_ONLY", "MIRROR")},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"force_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether a destroy may delete the repository while it holds tags (with their images). Defaults to `false`: the destroy then fails before deleting anything, giving the number of tags. Set it to `true` and apply before the destroy to allow it. Not sent to Quay.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
		},
	}
}

func (r *repositoryResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"namespace": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization or user the repository belongs to."},
		"name":      identityschema.StringAttribute{RequiredForImport: true, Description: "Repository name."},
	}}
}

func (r *repositoryResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// repoMirrorOff says whether the server reports FEATURE_REPO_MIRROR off,
// without which Quay has no call to change a repository's state.
func (r *repositoryResource) repoMirrorOff() bool {
	return r.data != nil && r.data.instance.FeatureOff("REPO_MIRROR")
}

// ModifyPlan refuses, at plan time and with no request, a state change the
// server has no endpoint for.
func (r *repositoryResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.repoMirrorOff() {
		return
	}
	var plan repositoryResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.State.IsNull() || plan.State.IsUnknown() {
		return
	}
	current := "NORMAL"
	if !req.State.Raw.IsNull() {
		var state repositoryResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		current = state.State.ValueString()
	}
	if plan.State.ValueString() != current {
		resp.Diagnostics.AddAttributeError(path.Root("state"), "Quay cannot change the repository state here",
			"This Quay has FEATURE_REPO_MIRROR turned off, and without it Quay has no call to change a repository's state. Remove the attribute, or turn the feature on.")
	}
}

func (r *repositoryResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan repositoryResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns, name := plan.Namespace.ValueString(), plan.Name.ValueString()
	what := fmt.Sprintf("repository %s/%s", ns, name)
	// Quay refuses a taken name, but only a look first tells a repository
	// made outside Terraform from one a lost answer of this create made.
	if existing, err := c.GetRepository(ctx, ns, name, false); err == nil {
		addAlreadyExistsError(&resp.Diagnostics, "quay_repository", what, ns+"/"+name,
			fmt.Sprintf("It is %s and in state %s.", visibilityOf(existing.IsPublic), existing.State))
		return
	}
	_, err := c.CreateRepository(ctx, quay.CreateRepositoryRequest{
		Namespace: ns, Repository: name, Visibility: plan.Visibility.ValueString(), Description: plan.Description.ValueString(),
	})
	if quay.IsRepositoryExists(err) {
		addAlreadyExistsError(&resp.Diagnostics, "quay_repository", what, ns+"/"+name, "")
		return
	}
	if err != nil && quay.IsAmbiguous(err) {
		// It was absent just before, so a repository there now is the one
		// this call made: keep it rather than orphan it.
		if _, getErr := c.GetRepository(ctx, ns, name, false); getErr == nil {
			tflog.Warn(ctx, "repository create failed ambiguously but the repository exists; keeping it", map[string]any{"namespace": ns, "name": name})
			err = nil
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create "+what, err)
		return
	}
	if want := plan.State.ValueString(); !plan.State.IsUnknown() && want != "" && want != "NORMAL" {
		if err := c.ChangeRepositoryState(ctx, ns, name, want); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Created %s but unable to set its state to %s", what, want), err)
		}
	}
	gone := r.readInto(ctx, &plan, &resp.Diagnostics)
	if gone && !resp.Diagnostics.HasError() {
		resp.Diagnostics.AddError("Unable to read "+what+" after creating it", "Quay answered the create but does not show the repository.")
	}
	if plan.State.IsUnknown() {
		plan.State = types.StringValue("NORMAL")
	}
	// Keep what was made in state even when a later step failed, so it is
	// not orphaned.
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRepositoryIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
}

func visibilityOf(public bool) string {
	if public {
		return "public"
	}
	return "private"
}

// readInto refreshes m from the repository view (one GET); gone is true
// when Quay no longer has the repository.
func (r *repositoryResource) readInto(ctx context.Context, m *repositoryResourceModel, diags *diag.Diagnostics) (gone bool) {
	ns, name := m.Namespace.ValueString(), m.Name.ValueString()
	repo, err := r.data.client.GetRepository(ctx, ns, name, false)
	if quay.IsNotFound(err) {
		return true
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read repository %s/%s", ns, name), err)
		return false
	}
	m.Visibility = types.StringValue(visibilityOf(repo.IsPublic))
	description := ""
	if repo.Description != nil {
		description = *repo.Description
	}
	m.Description = types.StringValue(description)
	m.State = types.StringValue(repo.State)
	if m.ForceDestroy.IsNull() || m.ForceDestroy.IsUnknown() {
		m.ForceDestroy = types.BoolValue(false)
	}
	return false
}

func (r *repositoryResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state repositoryResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	gone := r.readInto(ctx, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	setRepositoryIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
	if gone {
		tflog.Warn(ctx, "repository no longer exists in Quay; removing it from state", map[string]any{"namespace": ns, "name": name})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *repositoryResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state repositoryResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns, name := plan.Namespace.ValueString(), plan.Name.ValueString()
	what := fmt.Sprintf("repository %s/%s", ns, name)
	wrote := false
	fail := func(step string, err error) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to %s of %s", step, what), err)
	}
	if !plan.Description.Equal(state.Description) {
		wrote = true
		if err := c.UpdateRepositoryDescription(ctx, ns, name, plan.Description.ValueString()); err != nil {
			fail("change the description", err)
		}
	}
	if !resp.Diagnostics.HasError() && !plan.Visibility.Equal(state.Visibility) {
		wrote = true
		if err := c.ChangeRepositoryVisibility(ctx, ns, name, plan.Visibility.ValueString()); err != nil {
			fail("change the visibility", err)
		}
	}
	if !resp.Diagnostics.HasError() && !plan.State.IsUnknown() && !plan.State.Equal(state.State) {
		wrote = true
		if err := c.ChangeRepositoryState(ctx, ns, name, plan.State.ValueString()); err != nil {
			fail("change the state", err)
		}
	}
	if wrote {
		// Read back, also after a failed step, so state shows what Quay has.
		if r.readInto(ctx, &plan, &resp.Diagnostics) && !resp.Diagnostics.HasError() {
			resp.Diagnostics.AddError(capitalize(what)+" no longer exists", "Quay no longer shows the repository; the next plan will create it again.")
			return
		}
	} else if plan.State.IsUnknown() {
		plan.State = state.State
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRepositoryIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
}

func (r *repositoryResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state repositoryResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	if !state.ForceDestroy.ValueBool() {
		n, err := c.CountActiveTags(ctx, ns, name)
		if quay.IsNotFound(err) {
			return
		}
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to count the tags of repository %s/%s before deleting it", ns, name), err)
			return
		}
		if n > 0 {
			resp.Diagnostics.AddError(fmt.Sprintf("Repository %s/%s holds %d tag(s)", ns, name, n),
				fmt.Sprintf("Deleting it would delete %d tag(s) and the images they point to, and force_destroy is false, so nothing was deleted. "+
					"To allow it, set force_destroy = true on the resource and apply that change first, then destroy again.", n))
			return
		}
	}
	if err := c.DeleteRepository(ctx, ns, name); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete repository %s/%s", ns, name), err)
		return
	}
	// Quay answers before the deletion is done: wait until reads stop
	// showing the repository, so the name is free for a create that follows.
	err := waitUntilGone(ctx, repositoryDeleteTimeout, func(ctx context.Context) (bool, error) {
		_, err := c.GetRepository(ctx, ns, name, false)
		if quay.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Deleted repository %s/%s but Quay still shows it", ns, name), err)
	}
}

func (r *repositoryResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ns, name string
	if req.ID != "" {
		// The first segment is the namespace; a nested name keeps its "/".
		var found bool
		ns, name, found = strings.Cut(req.ID, "/")
		if !found || ns == "" || name == "" {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected an ID of the form %q, got %q.", "namespace/name", req.ID))
			return
		}
	} else {
		var nsv, namev types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("namespace"), &nsv)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("name"), &namev)...)
		if resp.Diagnostics.HasError() {
			return
		}
		ns, name = nsv.ValueString(), namev.ValueString()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), ns)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
	setRepositoryIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
}

func setRepositoryIdentity(ctx context.Context, ns, name string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, repositoryIdentityModel{Namespace: types.StringValue(ns), Name: types.StringValue(name)})...)
}
