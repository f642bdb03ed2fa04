package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*defaultPermissionsDataSource)(nil)

// NewDefaultPermissionsDataSource is the quay_default_permissions data source.
func NewDefaultPermissionsDataSource() datasource.DataSource {
	return &defaultPermissionsDataSource{}
}

type defaultPermissionsDataSource struct{ data *providerData }

type defaultPermissionsDataSourceModel struct {
	Organization       types.String             `tfsdk:"organization"`
	DefaultPermissions []defaultPermissionEntry `tfsdk:"default_permissions"`
}

type defaultPermissionEntry struct {
	ID                 types.String `tfsdk:"id"`
	Role               types.String `tfsdk:"role"`
	DelegateTeam       types.String `tfsdk:"delegate_team"`
	DelegateUsername   types.String `tfsdk:"delegate_username"`
	ActivatingUsername types.String `tfsdk:"activating_username"`
}

func (d *defaultPermissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_default_permissions"
}

func (d *defaultPermissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the default permissions (permission prototypes) of an organization: the grants Quay adds to each repository created in it. Needs an admin of the organization.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization whose default permissions are listed.",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
			},
			"default_permissions": schema.ListNestedAttribute{
				MarkdownDescription: "The default permissions, in Quay's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                  schema.StringAttribute{MarkdownDescription: "Id Quay assigned (import a `quay_default_permission` with `organization/id`).", Computed: true},
					"role":                schema.StringAttribute{MarkdownDescription: "Role granted: `read`, `write` or `admin`.", Computed: true},
					"delegate_team":       schema.StringAttribute{MarkdownDescription: "Team that gets the role; null when the delegate is a user or robot.", Computed: true},
					"delegate_username":   schema.StringAttribute{MarkdownDescription: "User or robot (`namespace+name`) that gets the role; null when the delegate is a team.", Computed: true},
					"activating_username": schema.StringAttribute{MarkdownDescription: "User or robot whose new repositories get the grant; null for repositories created by anybody.", Computed: true},
				}},
			},
		},
	}
}

func (d *defaultPermissionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *defaultPermissionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg defaultPermissionsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := cfg.Organization.ValueString()
	list, err := d.data.client.ListPrototypes(ctx, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the default permissions of organization %q", org), err)
		return
	}
	cfg.DefaultPermissions = []defaultPermissionEntry{}
	for i := range list {
		var m defaultPermissionModel
		prototypeToModel(&list[i], &m)
		cfg.DefaultPermissions = append(cfg.DefaultPermissions, defaultPermissionEntry{
			ID: m.ID, Role: m.Role, DelegateTeam: m.DelegateTeam, DelegateUsername: m.DelegateUsername, ActivatingUsername: m.ActivatingUsername,
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
