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
	_ datasource.DataSourceWithConfigure = (*userDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)
)

// NewUserDataSource is the quay_user data source.
func NewUserDataSource() datasource.DataSource { return &userDataSource{} }

// NewUsersDataSource is the quay_users data source.
func NewUsersDataSource() datasource.DataSource { return &usersDataSource{} }

type userDataSource struct{ data *providerData }

type usersDataSource struct{ data *providerData }

type userDataModel struct {
	Username  types.String `tfsdk:"username"`
	Email     types.String `tfsdk:"email"`
	Enabled   types.Bool   `tfsdk:"enabled"`
	Verified  types.Bool   `tfsdk:"verified"`
	Superuser types.Bool   `tfsdk:"superuser"`
}

type usersDataModel struct {
	Enabled types.Bool      `tfsdk:"enabled"`
	Users   []userDataModel `tfsdk:"users"`
}

func userData(u quay.User) userDataModel {
	return userDataModel{
		Username:  types.StringValue(u.Username),
		Email:     types.StringValue(u.Email),
		Enabled:   types.BoolValue(u.Enabled),
		Verified:  types.BoolValue(u.Verified),
		Superuser: types.BoolValue(u.SuperUser),
	}
}

var userDataAttributes = map[string]schema.Attribute{
	"email":     schema.StringAttribute{MarkdownDescription: "E-mail address (a random placeholder for users created without one).", Computed: true},
	"enabled":   schema.BoolAttribute{MarkdownDescription: "Whether the user may log in.", Computed: true},
	"verified":  schema.BoolAttribute{MarkdownDescription: "Whether the e-mail address is verified.", Computed: true},
	"superuser": schema.BoolAttribute{MarkdownDescription: "Whether the user is a superuser.", Computed: true},
}

func (d *userDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (d *userDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"username": schema.StringAttribute{MarkdownDescription: "Login name of the user to read.", Required: true, Validators: namespaceNameValidators("user")},
	}
	for k, v := range userDataAttributes {
		attrs[k] = v
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Quay user through the superuser API (needs a superuser token).",
		Attributes:          attrs,
	}
}

func (d *userDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *userDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg userDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	u, err := d.data.client.GetUser(ctx, cfg.Username.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read user %q", cfg.Username.ValueString()), err)
		return
	}
	state := userData(*u)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func (d *usersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := map[string]schema.Attribute{
		"username": schema.StringAttribute{MarkdownDescription: "Login name.", Computed: true},
	}
	for k, v := range userDataAttributes {
		item[k] = v
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the users of the Quay instance through the superuser API (needs a superuser token). Organizations and robots are not users.",
		Attributes: map[string]schema.Attribute{
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "When `true`, only enabled users; when `false`, only disabled ones; unset lists all.",
				Optional:            true,
			},
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The users, sorted by name.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *usersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg usersDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Quay can leave disabled users out, but cannot list only them.
	includeDisabled := cfg.Enabled.IsNull() || !cfg.Enabled.ValueBool()
	users, err := d.data.client.ListUsers(ctx, includeDisabled)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list users", err)
		return
	}
	cfg.Users = []userDataModel{}
	for _, u := range users {
		if !cfg.Enabled.IsNull() && u.Enabled != cfg.Enabled.ValueBool() {
			continue
		}
		cfg.Users = append(cfg.Users, userData(u))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
