package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ datasource.DataSourceWithConfigure = (*oauthApplicationDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*oauthApplicationsDataSource)(nil)
)

// NewOAuthApplicationDataSource is the quay_oauth_application data source.
func NewOAuthApplicationDataSource() datasource.DataSource { return &oauthApplicationDataSource{} }

// NewOAuthApplicationsDataSource is the quay_oauth_applications data source.
func NewOAuthApplicationsDataSource() datasource.DataSource { return &oauthApplicationsDataSource{} }

type oauthApplicationDataSource struct{ data *providerData }

type oauthApplicationsDataSource struct{ data *providerData }

type applicationData struct {
	Name           types.String `tfsdk:"name"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
	Description    types.String `tfsdk:"description"`
	ApplicationURI types.String `tfsdk:"application_uri"`
	RedirectURI    types.String `tfsdk:"redirect_uri"`
	AvatarEmail    types.String `tfsdk:"avatar_email"`
}

type oauthApplicationDataModel struct {
	Organization types.String `tfsdk:"organization"`
	applicationData
}

type oauthApplicationsDataModel struct {
	Organization types.String      `tfsdk:"organization"`
	Applications []applicationData `tfsdk:"applications"`
}

func applicationDataFrom(a quay.Application) applicationData {
	return applicationData{
		Name:           types.StringValue(a.Name),
		ClientID:       types.StringValue(a.ClientID),
		ClientSecret:   types.StringPointerValue(a.ClientSecret),
		Description:    types.StringValue(a.Description),
		ApplicationURI: types.StringValue(a.ApplicationURI),
		RedirectURI:    types.StringPointerValue(a.RedirectURI),
		AvatarEmail:    types.StringPointerValue(a.AvatarEmail),
	}
}

func applicationDataAttributes(lookup bool) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"client_secret":   schema.StringAttribute{MarkdownDescription: "Client secret (sensitive; null unless the token's user administers the organization).", Computed: true, Sensitive: true},
		"description":     schema.StringAttribute{MarkdownDescription: "Description.", Computed: true},
		"application_uri": schema.StringAttribute{MarkdownDescription: "Home page of the application.", Computed: true},
		"redirect_uri":    schema.StringAttribute{MarkdownDescription: "OAuth redirect URI.", Computed: true},
		"avatar_email":    schema.StringAttribute{MarkdownDescription: "Avatar e-mail address, if any.", Computed: true},
	}
	if lookup {
		attrs["name"] = schema.StringAttribute{
			MarkdownDescription: "Name of the application; must match exactly one application of the organization. Give `name` or `client_id`.",
			Optional:            true, Computed: true,
			Validators: []validator.String{stringvalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("client_id")), stringvalidator.LengthAtLeast(1)},
		}
		attrs["client_id"] = schema.StringAttribute{
			MarkdownDescription: "Client ID of the application. Give `name` or `client_id`.",
			Optional:            true, Computed: true,
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	} else {
		attrs["name"] = schema.StringAttribute{MarkdownDescription: "Name of the application.", Computed: true}
		attrs["client_id"] = schema.StringAttribute{MarkdownDescription: "Client ID.", Computed: true}
	}
	return attrs
}

func (d *oauthApplicationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth_application"
}

func (d *oauthApplicationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := applicationDataAttributes(true)
	attrs["organization"] = schema.StringAttribute{MarkdownDescription: "Organization that owns the application.", Required: true, Validators: namespaceNameValidators("organization")}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one OAuth application of an organization, by `client_id` or by a `name` that only one application has.",
		Attributes:          attrs,
	}
}

func (d *oauthApplicationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *oauthApplicationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg oauthApplicationDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := cfg.Organization.ValueString()
	var app *quay.Application
	if !cfg.ClientID.IsNull() {
		a, err := d.data.client.GetApplication(ctx, org, cfg.ClientID.ValueString())
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read application %s/%s", org, cfg.ClientID.ValueString()), err)
			return
		}
		app = a
	} else {
		name := cfg.Name.ValueString()
		apps, err := d.data.client.ListApplications(ctx, org)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the applications of %q", org), err)
			return
		}
		var ids []string
		for i := range apps {
			if apps[i].Name == name {
				app = &apps[i]
				ids = append(ids, apps[i].ClientID)
			}
		}
		switch len(ids) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "No such application", fmt.Sprintf("Organization %q has no application named %q.", org, name))
			return
		case 1:
		default:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Application name is not unique",
				fmt.Sprintf("Organization %q has %d applications named %q (client IDs %v); look it up by client_id instead.", org, len(ids), name, ids))
			return
		}
	}
	cfg.applicationData = applicationDataFrom(*app)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func (d *oauthApplicationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth_applications"
}

func (d *oauthApplicationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the OAuth applications of an organization.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{MarkdownDescription: "Organization name.", Required: true, Validators: namespaceNameValidators("organization")},
			"applications": schema.ListNestedAttribute{
				MarkdownDescription: "The applications, in Quay's order.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: applicationDataAttributes(false)},
			},
		},
	}
}

func (d *oauthApplicationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *oauthApplicationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg oauthApplicationsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := cfg.Organization.ValueString()
	apps, err := d.data.client.ListApplications(ctx, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the applications of %q", org), err)
		return
	}
	cfg.Applications = []applicationData{}
	for _, a := range apps {
		cfg.Applications = append(cfg.Applications, applicationDataFrom(a))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
