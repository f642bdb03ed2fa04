package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*robotsDataSource)(nil)

// NewRobotsDataSource is the quay_robots data source.
func NewRobotsDataSource() datasource.DataSource { return &robotsDataSource{} }

type robotsDataSource struct{ data *providerData }

type robotsDataModel struct {
	Namespace          types.String     `tfsdk:"namespace"`
	IncludePermissions types.Bool       `tfsdk:"include_permissions"`
	Robots             []robotListEntry `tfsdk:"robots"`
}

type robotListEntry struct {
	Name         types.String `tfsdk:"name"`
	FullName     types.String `tfsdk:"full_name"`
	Description  types.String `tfsdk:"description"`
	Created      types.String `tfsdk:"created"`
	LastAccessed types.String `tfsdk:"last_accessed"`
	Teams        types.Set    `tfsdk:"teams"`
	Repositories types.Set    `tfsdk:"repositories"`
}

func (d *robotsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_robots"
}

func (d *robotsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the robot accounts of an organization, or of the token's own user, sorted by name, without their tokens. One request, whatever the number of robots.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{MarkdownDescription: "Organization whose robots to list, or the token's own user name for personal robots.", Required: true, Validators: namespaceNameValidators("namespace")},
			"include_permissions": schema.BoolAttribute{
				MarkdownDescription: "Also list each robot's teams and the repositories it has direct permissions on. Quay gives them to administrators of the organization (and superusers); for other callers the sets stay null. Defaults to `false`.",
				Optional:            true,
			},
			"robots": schema.ListNestedAttribute{
				MarkdownDescription: "The robots, sorted by full name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":          schema.StringAttribute{MarkdownDescription: "Short name, without the namespace.", Computed: true},
					"full_name":     schema.StringAttribute{MarkdownDescription: "Account name, `namespace+name`.", Computed: true},
					"description":   schema.StringAttribute{MarkdownDescription: "Description; empty when there is none.", Computed: true},
					"created":       schema.StringAttribute{MarkdownDescription: "When the robot was created (RFC 3339, UTC).", Computed: true},
					"last_accessed": schema.StringAttribute{MarkdownDescription: "When the robot last authenticated (RFC 3339, UTC); null when never or not recorded.", Computed: true},
					"teams":         schema.SetAttribute{MarkdownDescription: "Teams the robot is in; null unless `include_permissions`.", Computed: true, ElementType: types.StringType},
					"repositories":  schema.SetAttribute{MarkdownDescription: "Names (without namespace) of the repositories the robot has direct permissions on; null unless `include_permissions`.", Computed: true, ElementType: types.StringType},
				}},
			},
		},
	}
}

func (d *robotsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *robotsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m robotsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	owner := robotOwner(d.data, m.Namespace.ValueString())
	withPermissions := m.IncludePermissions.ValueBool()
	robots, err := d.data.client.ListRobots(ctx, owner, quay.ListRobotsOptions{Permissions: withPermissions, NoToken: true})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the robots of %q", owner.Namespace), err)
		return
	}
	m.Robots = make([]robotListEntry, 0, len(robots))
	for i := range robots {
		robot := &robots[i]
		e := robotListEntry{
			Name:         types.StringValue(robot.ShortName()),
			FullName:     types.StringValue(robot.Name),
			Description:  types.StringValue(robot.Description),
			Created:      rfc2822ToRFC3339(robot.Created),
			LastAccessed: types.StringNull(),
			Teams:        types.SetNull(types.StringType),
			Repositories: types.SetNull(types.StringType),
		}
		if robot.LastAccessed != nil {
			e.LastAccessed = rfc2822ToRFC3339(*robot.LastAccessed)
		}
		// Quay leaves both keys out when it did not honour permissions=true.
		if withPermissions && (robot.Teams != nil || robot.Repositories != nil) {
			teams := make([]string, 0, len(robot.Teams))
			for _, t := range robot.Teams {
				teams = append(teams, t.Name)
			}
			e.Teams = stringSet(teams)
			e.Repositories = stringSet(robot.Repositories)
		}
		m.Robots = append(m.Robots, e)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func stringSet(values []string) types.Set {
	elems := make([]attr.Value, 0, len(values))
	seen := map[string]bool{}
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			elems = append(elems, types.StringValue(v))
		}
	}
	return types.SetValueMust(types.StringType, elems)
}
