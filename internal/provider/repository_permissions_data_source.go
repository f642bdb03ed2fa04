package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*repositoryPermissionsDataSource)(nil)

// NewRepositoryPermissionsDataSource is the quay_repository_permissions data source.
func NewRepositoryPermissionsDataSource() datasource.DataSource {
	return &repositoryPermissionsDataSource{}
}

type repositoryPermissionsDataSource struct{ data *providerData }

func (d *repositoryPermissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository_permissions"
}

func (d *repositoryPermissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The permissions (direct grants) of a repository: teams and users (robots as `namespace+name`) with their roles, read with two requests. " +
			"Access through an organization role is not a grant and is not listed, nor is the `admin` that the owner of a user namespace always has. Needs an admin of the repository.",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{
				MarkdownDescription: "Repository as `namespace/name`.",
				Required:            true,
				Validators:          repositoryPathValidators(),
			},
			"teams": schema.MapAttribute{MarkdownDescription: "Team name to role.", ElementType: types.StringType, Computed: true},
			"users": schema.MapAttribute{MarkdownDescription: "User or robot to role.", ElementType: types.StringType, Computed: true},
		},
	}
}

func (d *repositoryPermissionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *repositoryPermissionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg repositoryPermissionsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo := cfg.Repository.ValueString()
	teams, users, gone, err := readRepositoryGrants(ctx, d.data.client, repo)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the permissions of repository %q", repo), err)
		return
	}
	if gone {
		resp.Diagnostics.AddError("Repository not found", fmt.Sprintf("Repository %q does not exist.", repo))
		return
	}
	cfg.Teams, cfg.Users = teams, users
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
