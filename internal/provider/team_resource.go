package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
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
	_ resource.ResourceWithConfigure   = (*teamResource)(nil)
	_ resource.ResourceWithImportState = (*teamResource)(nil)
	_ resource.ResourceWithIdentity    = (*teamResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*teamResource)(nil)
)

// NewTeamResource is the quay_team resource.
func NewTeamResource() resource.Resource { return &teamResource{} }

type teamResource struct {
	data *providerData
}

type teamResourceModel struct {
	Organization types.String `tfsdk:"organization"`
	Name         types.String `tfsdk:"name"`
	Role         types.String `tfsdk:"role"`
	Description  types.String `tfsdk:"description"`
}

type teamIdentityModel struct {
	Organization types.String `tfsdk:"organization"`
	Name         types.String `tfsdk:"name"`
}

var teamRoleValues = []string{"member", "creator", "admin"}

// ownersTeam is the admin team Quay creates with every organization.
const ownersTeam = "owners"

func (r *teamResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_team"
}

func (r *teamResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A team of a Quay organization, with its organization-wide role. Quay has no call to rename a team.\n\n" +
			"Quay's team create call also updates an existing team, so the provider checks first: declaring a team that already exists fails before any change and says how to import it (`organization/team`). " +
			"The exception is `" + ownersTeam + "`, which Quay creates with every organization and which cannot be deleted while it is the only admin team: declaring it takes it over (its role and description are set from the configuration), " +
			"and destroying it leaves the team in Quay and only removes it from state, with a warning, so that destroying a configuration that manages it works.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization the team belongs to. Changing it replaces the team.",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Team name, unique in the organization: 2 to 255 characters, lowercase letters and digits separated by single `.`, `_` or `-`. Changing it replaces the team.",
				Required:            true,
				Validators:          namespaceNameValidators("team"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "Organization-wide role of the team's members: `member` (read what the team is granted), `creator` (may also create repositories) or `admin` (administers the organization).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(teamRoleValues...)},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the team (Markdown). Defaults to empty.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
		},
	}
}

func (r *teamResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"organization": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization the team belongs to."},
		"name":         identityschema.StringAttribute{RequiredForImport: true, Description: "Team name."},
	}}
}

func (r *teamResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan stops, at plan time, the changes Quay refuses for the token's
// own user: downgrading or deleting the only admin team it is in.
func (r *teamResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || r.data == nil {
		return
	}
	var state teamResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || state.Role.ValueString() != "admin" {
		return
	}
	if req.Plan.Raw.IsNull() && state.Name.ValueString() == ownersTeam {
		return // destroying owners leaves it in Quay
	}
	losesAdmin := req.Plan.Raw.IsNull()
	if !losesAdmin {
		var plan teamResourceModel
		resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
		if resp.Diagnostics.HasError() {
			return
		}
		replaced := !plan.Organization.Equal(state.Organization) || !plan.Name.Equal(state.Name)
		losesAdmin = replaced || (!plan.Role.IsUnknown() && plan.Role.ValueString() != "admin")
	}
	if !losesAdmin {
		return
	}
	org, team := state.Organization.ValueString(), state.Name.ValueString()
	only, err := r.onlyAdminTeamOfCaller(ctx, org, team)
	if err != nil || !only {
		return // Quay itself will explain anything unexpected at apply time.
	}
	resp.Diagnostics.AddError(fmt.Sprintf("Team %s/%s is the only admin team of the token's user", org, team),
		fmt.Sprintf("Quay refuses to delete or downgrade it, because %q would no longer administer organization %q. Add the user to another admin team first.", r.data.me.Username, org))
}

// onlyAdminTeamOfCaller reports whether team is the one admin team of org
// that the token's user is a member of.
func (r *teamResource) onlyAdminTeamOfCaller(ctx context.Context, org, team string) (bool, error) {
	o, err := r.data.client.GetOrganization(ctx, org)
	if err != nil {
		return false, err
	}
	me := r.data.me.Username
	inTeam := false
	others := 0
	for _, name := range o.OrderedTeams {
		t := o.Teams[name]
		if t.Role != "admin" {
			continue
		}
		members, err := r.data.client.ListTeamMembers(ctx, org, name, false)
		if err != nil {
			return false, err
		}
		for _, m := range members.Members {
			if m.Name == me && !m.Invited {
				if name == team {
					inTeam = true
				} else {
					others++
				}
			}
		}
	}
	return inTeam && others == 0, nil
}

func (r *teamResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan teamResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, name := plan.Organization.ValueString(), plan.Name.ValueString()
	if name != ownersTeam && !r.checkTeamAbsent(ctx, org, name, &resp.Diagnostics) {
		return
	}
	res, err := r.data.client.UpsertTeam(ctx, org, name, quay.TeamRequest{Role: plan.Role.ValueString(), Description: plan.Description.ValueStringPointer()})
	if err != nil && quay.IsAmbiguous(err) && name != ownersTeam {
		// The team was absent just before, so a team there now is the one
		// this call made: keep it in state rather than orphan it, and let
		// the next plan correct whatever the failed call did not set.
		var lookup diag.Diagnostics
		gone := r.readInto(ctx, &plan, &lookup)
		switch {
		case !gone && !lookup.HasError():
			tflog.Warn(ctx, "team create failed ambiguously but the team exists; keeping it", map[string]any{"organization": org, "team": name})
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			setTeamIdentity(ctx, org, name, resp.Identity, &resp.Diagnostics)
			return
		case lookup.HasError():
			// Unknown outcome: keep the team tracked (Terraform marks it
			// tainted), so the next apply replaces it instead of meeting
			// a team it did not record.
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create team %s/%s; it may exist in Quay and is kept in state to be replaced", org, name), err)
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			setTeamIdentity(ctx, org, name, resp.Identity, &resp.Diagnostics)
			return
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create team %s/%s", org, name), err)
		return
	}
	if !res.NewTeam {
		tflog.Info(ctx, "took over the team Quay creates with every organization", map[string]any{"organization": org, "team": name})
	}
	setTeamResult(res, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setTeamIdentity(ctx, org, name, resp.Identity, &resp.Diagnostics)
}

// checkTeamAbsent reports whether the team can be created without taking
// over an existing one; it adds the error that says how to import it.
// Other failures of the lookup are left to the create call to explain.
func (r *teamResource) checkTeamAbsent(ctx context.Context, org, name string, diags *diag.Diagnostics) bool {
	o, err := r.data.client.GetOrganization(ctx, org)
	if err != nil || o.Teams == nil {
		return true
	}
	t, ok := o.Teams[name]
	if !ok {
		return true
	}
	addAlreadyExistsError(diags, "quay_team", fmt.Sprintf("team %q of organization %q", name, org), org+"/"+name,
		fmt.Sprintf("It has the role %q and %d member(s).", t.Role, t.MemberCount))
	return false
}

// setTeamResult copies Quay's answer to a team PUT into m. The answer shows
// the team as stored after the call, so it serves as the read-back.
func setTeamResult(res *quay.TeamResult, m *teamResourceModel) {
	m.Role = types.StringValue(res.Role)
	m.Description = types.StringValue(res.Description)
}

// readInto refreshes m from the organization view (Quay has no single-team
// GET); it reports gone=true when the org or the team no longer exists.
func (r *teamResource) readInto(ctx context.Context, m *teamResourceModel, diags *diag.Diagnostics) (gone bool) {
	org, name := m.Organization.ValueString(), m.Name.ValueString()
	o, err := r.data.client.GetOrganization(ctx, org)
	if quay.IsNotFound(err) {
		return true
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read team %s/%s", org, name), err)
		return false
	}
	if o.Teams == nil {
		diags.AddError(fmt.Sprintf("Cannot see the teams of organization %q", org),
			"Quay shows an organization's teams only to its members, admins and full-access superusers. Check the token's user and scopes.")
		return false
	}
	t, ok := o.Teams[name]
	if !ok {
		return true
	}
	m.Role = types.StringValue(t.Role)
	m.Description = types.StringValue(t.Description)
	return false
}

func (r *teamResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state teamResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, name := state.Organization.ValueString(), state.Name.ValueString()
	gone := r.readInto(ctx, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	setTeamIdentity(ctx, org, name, resp.Identity, &resp.Diagnostics)
	if gone {
		tflog.Warn(ctx, "team no longer exists in Quay; removing it from state", map[string]any{"organization": org, "team": name})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *teamResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan teamResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, name := plan.Organization.ValueString(), plan.Name.ValueString()
	res, err := r.data.client.UpsertTeam(ctx, org, name, quay.TeamRequest{Role: plan.Role.ValueString(), Description: plan.Description.ValueStringPointer()})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update team %s/%s", org, name), err)
		return
	}
	setTeamResult(res, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setTeamIdentity(ctx, org, name, resp.Identity, &resp.Diagnostics)
}

func (r *teamResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state teamResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	org, name := state.Organization.ValueString(), state.Name.ValueString()
	if name == ownersTeam {
		resp.Diagnostics.AddWarning(fmt.Sprintf("Team %s/%s was left in Quay", org, ownersTeam),
			fmt.Sprintf("Quay creates the %q team with every organization and refuses to delete it while it is the organization's only admin team, so destroying it only removes it from the Terraform state. It goes when the organization is deleted.", ownersTeam))
		return
	}
	err := c.DeleteTeam(ctx, org, name)
	if quay.IsStatus(err, http.StatusInternalServerError) && state.Role.ValueString() == "admin" {
		// Quay crashes deleting an admin team for a caller in no admin team
		// of the org (a full-access superuser); a member-role team deletes fine.
		tflog.Debug(ctx, "admin team delete failed with 500; downgrading it to member and retrying", map[string]any{"organization": org, "team": name})
		if _, upErr := c.UpsertTeam(ctx, org, name, quay.TeamRequest{Role: "member"}); upErr == nil {
			err = c.DeleteTeam(ctx, org, name)
		}
	}
	if err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete team %s/%s", org, name), err)
	}
}

func (r *teamResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOrgChild(ctx, req, resp, "name", "organization/team")
}

func setTeamIdentity(ctx context.Context, org, name string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, teamIdentityModel{Organization: types.StringValue(org), Name: types.StringValue(name)})...)
}

// importOrgChild imports a resource keyed by its organization and one more
// attribute, from an ID of the form "organization/second" or from a
// resource identity with the same keys.
func importOrgChild(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, second, format string) {
	const first = "organization"
	var a, b string
	if req.ID != "" {
		parts := strings.Split(req.ID, "/")
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("Expected an ID of the form %q, got %q.", format, req.ID))
			return
		}
		a, b = parts[0], parts[1]
	} else {
		var av, bv types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(first), &av)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root(second), &bv)...)
		if resp.Diagnostics.HasError() {
			return
		}
		a, b = av.ValueString(), bv.ValueString()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(first), a)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(second), b)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(first), a)...)
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root(second), b)...)
	}
}
