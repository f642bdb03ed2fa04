package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var _ datasource.DataSourceWithConfigure = (*robotTokenDataSource)(nil)

// NewRobotTokenDataSource is the quay_robot_token data source.
func NewRobotTokenDataSource() datasource.DataSource { return &robotTokenDataSource{} }

type robotTokenDataSource struct{ data *providerData }

func (d *robotTokenDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_robot_token"
}

func (d *robotTokenDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the current token of a robot account. **The token is stored in Terraform's state** (marked sensitive, so it is hidden in plan output, but readable by anyone who can read the state). " +
			"Prefer the `quay_robot_token` ephemeral resource, which keeps the token out of state and plans, wherever the CLI has ephemeral resources (Terraform 1.10+, OpenTofu 1.11+). " +
			"Reading a token needs an administrator of the robot's organization (or a superuser with full access), or the robot's own user.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{MarkdownDescription: "Organization that owns the robot, or the token's own user name for a personal robot.", Required: true, Validators: namespaceNameValidators("namespace")},
			"name":      schema.StringAttribute{MarkdownDescription: "Short name of the robot, without the namespace.", Required: true, Validators: namespaceNameValidators("robot")},
			"full_name": schema.StringAttribute{MarkdownDescription: robotTokenFullNameDescription, Computed: true},
			"token":     schema.StringAttribute{MarkdownDescription: "The robot's token: its password for `docker login` and the registry API. Sensitive, and stored in state.", Computed: true, Sensitive: true},
		},
	}
}

func (d *robotTokenDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *robotTokenDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m robotTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	readRobotToken(ctx, d.data, &m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
