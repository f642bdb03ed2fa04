package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ datasource.DataSourceWithConfigure = (*teamDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*orgMembersDataSource)(nil)
)

// NewTeamDataSource is the quay_team data source.
func NewTeamDataSource() datasource.DataSource { return &teamDataSource{} }

// NewOrgMembersDataSource is the quay_org_members data source.
func NewOrgMembersDataSource() datasource.DataSource { return &orgMembersDataSource{} }

type teamDataSource struct{ data *providerData }

type teamDataModel struct {
	Organization types.String      `tfsdk:"organization"`
	Name         types.String      `tfsdk:"name"`
	Role         types.String      `tfsdk:"role"`
	Description  types.String      `tfsdk:"description"`
	Members      []teamMemberModel `tfsdk:"members"`
}

type teamMemberModel struct {
	Name    types.String `tfsdk:"name"`
	Kind    types.String `tfsdk:"kind"`
	Invited types.Bool   `tfsdk:"invited"`
}

func (d *teamDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_team"
}

func (d *teamDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a team of a Quay organization with its members and pending invitations.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{MarkdownDescription: "Organization name.", Required: true, Validators: namespaceNameValidators("organization")},
			"name":         schema.StringAttribute{MarkdownDescription: "Team name.", Required: true, Validators: namespaceNameValidators("team")},
			"role":         schema.StringAttribute{MarkdownDescription: "Organization-wide role: `member`, `creator` or `admin`.", Computed: true},
			"description":  schema.StringAttribute{MarkdownDescription: "Team description.", Computed: true},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "Members, then pending invitations.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":    schema.StringAttribute{MarkdownDescription: "User or robot name, or the e-mail address of an e-mail invitation.", Computed: true},
					"kind":    schema.StringAttribute{MarkdownDescription: "`user`, `robot` or `invite` (an e-mail invitation).", Computed: true},
					"invited": schema.BoolAttribute{MarkdownDescription: "Whether this is a pending invitation.", Computed: true},
				}},
			},
		},
	}
}

func (d *teamDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *teamDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg teamDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, name := cfg.Organization.ValueString(), cfg.Name.ValueString()
	o, err := d.data.client.GetOrganization(ctx, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read team %s/%s", org, name), err)
		return
	}
	t, ok := o.Teams[name]
	if !ok {
		resp.Diagnostics.AddError(fmt.Sprintf("Team %s/%s not found", org, name),
			"The organization has no such team, or the token's user may not see its teams.")
		return
	}
	list, err := d.data.client.ListTeamMembers(ctx, org, name, true)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the members of team %s/%s", org, name), err)
		return
	}
	cfg.Role = types.StringValue(t.Role)
	cfg.Description = types.StringValue(t.Description)
	cfg.Members = []teamMemberModel{}
	for _, m := range list.Members {
		cfg.Members = append(cfg.Members, teamMemberData(m))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func teamMemberData(m quay.TeamMember) teamMemberModel {
	name, kind := m.Name, m.Kind
	switch {
	case m.Kind == "invite":
		name = m.Email
	case m.IsRobot:
		kind = "robot"
	}
	return teamMemberModel{Name: types.StringValue(name), Kind: types.StringValue(kind), Invited: types.BoolValue(m.Invited)}
}

type orgMembersDataSource struct{ data *providerData }

type orgMembersDataModel struct {
	Organization types.String          `tfsdk:"organization"`
	Members      []orgMemberEntryModel `tfsdk:"members"`
}

type orgMemberEntryModel struct {
	Username types.String   `tfsdk:"username"`
	Teams    []types.String `tfsdk:"teams"`
}

func (d *orgMembersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_org_members"
}

func (d *orgMembersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the members of a Quay organization (users in at least one team; not robots, not pending invitations) with their teams. Needs an organization admin or full-access superuser token.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{MarkdownDescription: "Organization name.", Required: true, Validators: namespaceNameValidators("organization")},
			"members": schema.ListNestedAttribute{
				MarkdownDescription: "Members, sorted by name as Quay returns them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"username": schema.StringAttribute{MarkdownDescription: "User name.", Computed: true},
					"teams":    schema.ListAttribute{MarkdownDescription: "Teams the user is in.", Computed: true, ElementType: types.StringType},
				}},
			},
		},
	}
}

func (d *orgMembersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *orgMembersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg orgMembersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := cfg.Organization.ValueString()
	members, err := d.data.client.ListOrgMembers(ctx, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the members of organization %q", org), err)
		return
	}
	cfg.Members = []orgMemberEntryModel{}
	for _, m := range members {
		teams := []types.String{}
		for _, t := range m.TeamNames() {
			teams = append(teams, types.StringValue(t))
		}
		cfg.Members = append(cfg.Members, orgMemberEntryModel{Username: types.StringValue(m.Name), Teams: teams})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
