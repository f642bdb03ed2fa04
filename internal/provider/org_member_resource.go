package provider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
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
	_ resource.ResourceWithConfigValidators = (*orgMemberResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*orgMemberResource)(nil)
	_ resource.ResourceWithConfigure        = (*orgMemberResource)(nil)
	_ resource.ResourceWithImportState      = (*orgMemberResource)(nil)
	_ resource.ResourceWithIdentity         = (*orgMemberResource)(nil)
)

// NewOrgMemberResource is the quay_org_member resource.
func NewOrgMemberResource() resource.Resource { return &orgMemberResource{} }

type orgMemberResource struct {
	data *providerData
}

type orgMemberResourceModel struct {
	Organization types.String `tfsdk:"organization"`
	Username     types.String `tfsdk:"username"`
	Teams        types.Set    `tfsdk:"teams"`
	Invited      types.Bool   `tfsdk:"invited"`
	PendingTeams types.Set    `tfsdk:"pending_teams"`
}

type orgMemberIdentityModel struct {
	Organization types.String `tfsdk:"organization"`
	Username     types.String `tfsdk:"username"`
}

func (r *orgMemberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_member"
}

func (r *orgMemberResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user's membership of a Quay organization: the set of the organization's teams the user is in. In Quay a user is a member exactly when they are in at least one team. " +
			"When Quay sends mail and requires team invitations (`FEATURE_MAILING` and `FEATURE_REQUIRE_TEAM_INVITE`), adding a user who is not yet in the organization creates an invitation the user must accept; `invited` and `pending_teams` show it. " +
			"A user who is already in the organization (in any of its teams, or invited to one of the configured teams), such as its creator in `owners`, is not taken over: the create fails before changing anything and names the teams the user is in. Import the membership instead (`organization/username`); the next plan then shows the team changes the configuration asks for. " +
			"Destroying the resource removes the user from every team of the organization and, as Quay's member removal always does, deletes the user's direct permissions on the organization's repositories.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization name. Changing it replaces the membership.",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"username": schema.StringAttribute{
				MarkdownDescription: "Name of an existing Quay user, or the full name (`organization+name`) of a robot of this organization, such as a `quay_robot`'s `full_name`. Robots are added directly, never invited. Changing it replaces the membership.",
				Required:            true,
				Validators:          accountNameValidators(),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"teams": schema.SetAttribute{
				MarkdownDescription: "Teams of the organization the user is in (or invited to); at least one. Teams added outside Terraform show up as drift and are removed on the next apply.",
				Required:            true,
				ElementType:         types.StringType,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(namespaceNameValidators("team")...),
				},
			},
			"invited": schema.BoolAttribute{
				MarkdownDescription: "Whether some of the memberships are still invitations the user has not accepted.",
				Computed:            true,
			},
			"pending_teams": schema.SetAttribute{
				MarkdownDescription: "Teams the user is invited to but has not joined yet.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

// ModifyPlan refuses, before any write, a user in a team that syncs with
// a directory group: Quay lets only the sync change such a team's users.
// Teams sync only with FEATURE_TEAM_SYNCING, so no request is made without.
func (r *orgMemberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.instance == nil || !r.data.instance.Feature("TEAM_SYNCING") {
		return
	}
	var plan orgMemberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.Organization.IsUnknown() || plan.Username.IsUnknown() || plan.Teams.IsUnknown() || quay.IsRobotName(plan.Username.ValueString()) {
		return
	}
	if !req.State.Raw.IsNull() {
		var state orgMemberResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.Teams.Equal(state.Teams) {
			return
		}
	}
	var teams []string
	resp.Diagnostics.Append(plan.Teams.ElementsAs(ctx, &teams, false)...)
	org := plan.Organization.ValueString()
	o, err := r.data.client.GetOrganization(ctx, org)
	if err != nil || o.Teams == nil {
		return // a new organization has no synced team yet; Quay explains the rest
	}
	for _, team := range teams {
		if t, ok := o.Teams[team]; ok && t.IsSynced {
			resp.Diagnostics.AddAttributeError(path.Root("teams"), "Team syncs with a directory group",
				fmt.Sprintf("Team %s/%s takes its members from a directory group, and Quay refuses to add or remove users by hand there. Add %q to the group instead, or stop syncing the team (its quay_team's sync).", org, team, plan.Username.ValueString()))
		}
	}
}

func (r *orgMemberResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		robotInNamespaceValidator{robot: path.Root("username"), namespace: path.Root("organization"), what: "team membership"},
	}
}

func (r *orgMemberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"organization": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization name."},
		"username":     identityschema.StringAttribute{RequiredForImport: true, Description: "User name."},
	}}
}

func (r *orgMemberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// invitesPossible reports whether Quay may turn team additions into
// invitations; when it cannot, pending invitations need no lookups.
func (r *orgMemberResource) invitesPossible() bool {
	ic := r.data.instance
	return ic == nil || (ic.Feature("MAILING") && ic.Feature("REQUIRE_TEAM_INVITE"))
}

// membership is what Quay says about one user in one organization.
type membership struct {
	teams   []string // teams the user is in
	pending []string // teams the user is invited to
}

// lookup reads the user's teams, and pending invitations among candidates
// (or every team of the org when candidates is empty and invites are on).
func (r *orgMemberResource) lookup(ctx context.Context, org, user string, candidates []string) (*membership, error) {
	c := r.data.client
	m := &membership{}
	member, err := c.GetOrgMember(ctx, org, user)
	switch {
	case quay.IsNotFound(err):
	case err != nil:
		return nil, err
	default:
		m.teams = member.TeamNames()
	}
	if !r.invitesPossible() || quay.IsRobotName(user) {
		return m, nil // robots are added directly, never invited
	}
	if len(candidates) == 0 {
		o, err := c.GetOrganization(ctx, org)
		if quay.IsNotFound(err) {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		candidates = o.OrderedTeams
	}
	for _, team := range candidates {
		// Callers pass the union of planned and stored teams, which repeats
		// names; a repeated team must not be reported pending twice.
		if slices.Contains(m.teams, team) || slices.Contains(m.pending, team) {
			continue
		}
		found, invited, err := r.teamEntry(ctx, org, team, user)
		if quay.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if found && invited {
			m.pending = append(m.pending, team)
		}
	}
	return m, nil
}

// addToTeams adds user to each team, skipping teams where it already is or
// is already invited, so that re-runs never duplicate an invitation.
func (r *orgMemberResource) addToTeams(ctx context.Context, org, user string, teams []string, known *membership) (added []string, err error) {
	for _, team := range teams {
		if slices.Contains(known.teams, team) || slices.Contains(known.pending, team) {
			continue
		}
		res, err := r.data.client.AddTeamMember(ctx, org, team, user)
		if quay.IsAlreadyTeamMember(err) {
			continue
		}
		if quay.IsAmbiguous(err) {
			if found, _, lookupErr := r.teamEntry(ctx, org, team, user); lookupErr == nil && found {
				// Quay acted although the answer was lost.
				added = append(added, team)
				continue
			}
		}
		if quay.IsNotFound(err) {
			return added, fmt.Errorf("team %q does not exist in organization %q (create it, for example with a quay_team resource, before adding members to it)", team, org)
		}
		if quay.IsAmbiguous(err) {
			// Quay may have acted: list the team among the additions so
			// that a rollback removes it too.
			return append(added, team), fmt.Errorf("adding %q to team %q: %w", user, team, err)
		}
		if err != nil {
			return added, fmt.Errorf("adding %q to team %q: %w", user, team, err)
		}
		if res.Invited {
			tflog.Info(ctx, "Quay invited the user instead of adding them; the membership is pending until they accept", map[string]any{"organization": org, "team": team, "username": user})
		}
		added = append(added, team)
	}
	return added, nil
}

// teamEntry looks user up among the members and invitations of team.
func (r *orgMemberResource) teamEntry(ctx context.Context, org, team, user string) (found, invited bool, err error) {
	list, err := r.data.client.ListTeamMembers(ctx, org, team, true)
	if err != nil {
		return false, false, err
	}
	for _, e := range list.Members {
		if e.Name == user {
			return true, e.Invited, nil
		}
	}
	return false, false, nil
}

func (r *orgMemberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan orgMemberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, user := plan.Organization.ValueString(), plan.Username.ValueString()
	var teams []string
	resp.Diagnostics.Append(plan.Teams.ElementsAs(ctx, &teams, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sort.Strings(teams)
	// A user already in the organization (its creator in owners, someone
	// added by hand) is an existing membership: refuse before any write.
	known, err := r.lookup(ctx, org, user, teams)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read membership of %q in %q", user, org), err)
		return
	}
	if len(known.teams) > 0 || len(known.pending) > 0 {
		var now []string
		if len(known.teams) > 0 {
			now = append(now, fmt.Sprintf("%q is in the team(s) %s", user, strings.Join(known.teams, ", ")))
		}
		if len(known.pending) > 0 {
			now = append(now, fmt.Sprintf("%q is invited to the team(s) %s", user, strings.Join(known.pending, ", ")))
		}
		addAlreadyExistsError(&resp.Diagnostics, "quay_org_member", fmt.Sprintf("the membership of %q in organization %q", user, org),
			org+"/"+user, strings.Join(now, "; ")+".")
		return
	}
	added, err := r.addToTeams(ctx, org, user, teams, known)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to add %q to organization %q", user, org), err)
		// Undo this call's additions so a failed create leaves nothing behind.
		for _, team := range added {
			if rbErr := r.data.client.RemoveTeamMember(ctx, org, team, user); rbErr != nil && !quay.IsNotFound(rbErr) {
				resp.Diagnostics.AddWarning("Rollback incomplete", fmt.Sprintf("Could not remove %q from team %q again: %s", user, team, quay.ErrorMessage(rbErr)))
			}
		}
		return
	}
	r.refresh(ctx, &plan, teams, &resp.Diagnostics, &resp.State, resp.Identity)
}

// refresh reads the membership into m and saves it; it removes the
// resource when the user is in no team and has no invitation.
func (r *orgMemberResource) refresh(ctx context.Context, m *orgMemberResourceModel, candidates []string, diags *diag.Diagnostics, state *tfsdk.State, identity *tfsdk.ResourceIdentity) {
	org, user := m.Organization.ValueString(), m.Username.ValueString()
	setOrgMemberIdentity(ctx, org, user, identity, diags)
	got, err := r.lookup(ctx, org, user, candidates)
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read membership of %q in %q", user, org), err)
		return
	}
	if len(got.teams) == 0 && len(got.pending) == 0 {
		tflog.Warn(ctx, "user is no longer in any team of the organization; removing the membership from state", map[string]any{"organization": org, "username": user})
		state.RemoveResource(ctx)
		return
	}
	all := append(append([]string{}, got.teams...), got.pending...)
	sort.Strings(all)
	var d diag.Diagnostics
	m.Teams, d = types.SetValueFrom(ctx, types.StringType, all)
	diags.Append(d...)
	pending := got.pending
	if pending == nil {
		pending = []string{}
	}
	m.PendingTeams, d = types.SetValueFrom(ctx, types.StringType, pending)
	diags.Append(d...)
	m.Invited = types.BoolValue(len(got.pending) > 0)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, m)...)
}

func (r *orgMemberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state orgMemberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var candidates []string
	if !state.Teams.IsNull() && !state.Teams.IsUnknown() {
		resp.Diagnostics.Append(state.Teams.ElementsAs(ctx, &candidates, false)...)
	}
	r.refresh(ctx, &state, candidates, &resp.Diagnostics, &resp.State, resp.Identity)
}

func (r *orgMemberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state orgMemberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, user := plan.Organization.ValueString(), plan.Username.ValueString()
	var want, had []string
	resp.Diagnostics.Append(plan.Teams.ElementsAs(ctx, &want, false)...)
	resp.Diagnostics.Append(state.Teams.ElementsAs(ctx, &had, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	sort.Strings(want)
	// State was just refreshed; only invitations need a closer look.
	known := &membership{teams: had}
	if r.invitesPossible() {
		var err error
		if known, err = r.lookup(ctx, org, user, append(append([]string{}, want...), had...)); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read membership of %q in %q", user, org), err)
			return
		}
	}
	// Add before removing: a user who drops out of every team would turn
	// the additions into invitations.
	if _, err := r.addToTeams(ctx, org, user, want, known); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update the teams of %q in %q", user, org), err)
	}
	if !resp.Diagnostics.HasError() {
		for _, team := range append(append([]string{}, known.teams...), known.pending...) {
			if slices.Contains(want, team) {
				continue
			}
			if err := r.data.client.RemoveTeamMember(ctx, org, team, user); err != nil && !quay.IsNotFound(err) {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to remove %q from team %q", user, team), err)
				break
			}
		}
	}
	// Record what Quay now has, even after an error, so state stays true.
	var d diag.Diagnostics
	r.refresh(ctx, &plan, append(want, had...), &d, &resp.State, resp.Identity)
	resp.Diagnostics.Append(d...)
}

func (r *orgMemberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state orgMemberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	org, user := state.Organization.ValueString(), state.Username.ValueString()
	var pending []string
	if !state.PendingTeams.IsNull() && !state.PendingTeams.IsUnknown() {
		resp.Diagnostics.Append(state.PendingTeams.ElementsAs(ctx, &pending, false)...)
	}
	for _, team := range pending {
		if err := c.RemoveTeamMember(ctx, org, team, user); err != nil && !quay.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to cancel the invitation of %q to team %q", user, team), err)
			return
		}
	}
	if quay.IsRobotName(user) {
		r.removeRobotFromTeams(ctx, org, user, &resp.Diagnostics)
		return
	}
	if err := c.RemoveOrgMember(ctx, org, user); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to remove %q from organization %q", user, org), err)
	}
}

// removeRobotFromTeams takes a robot out of each team it is in. Quay's
// member removal answers 404 for robots, so each team is left in turn.
func (r *orgMemberResource) removeRobotFromTeams(ctx context.Context, org, robot string, diags *diag.Diagnostics) {
	c := r.data.client
	member, err := c.GetOrgMember(ctx, org, robot)
	if quay.IsNotFound(err) {
		return
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read the teams of robot %q in %q", robot, org), err)
		return
	}
	for _, team := range member.TeamNames() {
		if err := c.RemoveTeamMember(ctx, org, team, robot); err != nil && !quay.IsNotFound(err) {
			addAPIError(diags, fmt.Sprintf("Unable to remove robot %q from team %q", robot, team), err)
			return
		}
	}
}

func (r *orgMemberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOrgChild(ctx, req, resp, "username", "organization/username")
}

func setOrgMemberIdentity(ctx context.Context, org, user string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, orgMemberIdentityModel{Organization: types.StringValue(org), Username: types.StringValue(user)})...)
}
