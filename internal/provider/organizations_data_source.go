package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*organizationsDataSource)(nil)

// NewOrganizationsDataSource is the quay_organizations data source.
func NewOrganizationsDataSource() datasource.DataSource { return &organizationsDataSource{} }

type organizationsDataSource struct{ data *providerData }

type organizationsDataSourceModel struct {
	NameRegex     types.String            `tfsdk:"name_regex"`
	Organizations []organizationListEntry `tfsdk:"organizations"`
}

type organizationListEntry struct {
	Name      types.String        `tfsdk:"name"`
	Email     types.String        `tfsdk:"email"`
	Quotas    []organizationQuota `tfsdk:"quotas"`
	UsedBytes types.Int64         `tfsdk:"used_bytes"`
}

func (d *organizationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organizations"
}

func (d *organizationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists every organization of the Quay instance through the superuser API " +
			"(`GET /api/v1/superuser/organizations/`, needs a superuser token), reading all pages of 100. " +
			"Organizations being deleted are not listed. Users and robots are not organizations.\n\n" +
			"The `email` shown is the address Quay stores. For an organization created without one, Quay stores a " +
			"generated value (a random UUID), and that is what appears here; `quay_organization` shows it the same way to admins.",
		Attributes: map[string]schema.Attribute{
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Only organizations whose name matches this regular expression (Go RE2 syntax, unanchored: " +
					"write `^ci-` for a prefix). The filter is applied by the provider after reading the whole list. Unset lists all.",
				Optional:   true,
				Validators: []validator.String{regexValidator{}},
			},
			"organizations": schema.ListNestedAttribute{
				MarkdownDescription: "The organizations, in Quay's order (creation order).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{MarkdownDescription: "Organization name.", Computed: true},
					"email": schema.StringAttribute{
						MarkdownDescription: "E-mail address as stored (a generated UUID for organizations created without one).",
						Computed:            true,
					},
					"quotas": quotasAttribute("Storage quotas of the organization (at most one; empty when it has none; null when quota management is off)."),
					"used_bytes": schema.Int64Attribute{
						MarkdownDescription: "Storage the organization uses, in bytes, as Quay's quota report counts it; null when quota management is off.",
						Computed:            true,
					},
				}},
			},
		},
	}
}

func (d *organizationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *organizationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg organizationsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var filter *regexp.Regexp
	if !cfg.NameRegex.IsNull() {
		filter = regexp.MustCompile(cfg.NameRegex.ValueString()) // checked by regexValidator
	}
	orgs, err := d.data.client.ListAllOrganizations(ctx)
	if err != nil {
		addSuperuserReadError(&resp.Diagnostics, d.data, "Unable to list organizations", err)
		return
	}
	cfg.Organizations = []organizationListEntry{}
	for _, o := range orgs {
		if filter != nil && !filter.MatchString(o.Name) {
			continue
		}
		entry := organizationListEntry{Name: types.StringValue(o.Name), Email: types.StringValue(o.Email), UsedBytes: types.Int64Null()}
		if o.Quotas != nil {
			entry.Quotas = quotasModel(o.Quotas)
		}
		if o.QuotaReport != nil {
			entry.UsedBytes = types.Int64Value(o.QuotaReport.QuotaBytes)
		}
		cfg.Organizations = append(cfg.Organizations, entry)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// regexValidator accepts a Go regular expression, and says where it fails
// to compile.
type regexValidator struct{}

func (regexValidator) Description(context.Context) string {
	return "must be a valid regular expression (Go RE2 syntax)"
}

func (v regexValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v regexValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid regular expression",
			fmt.Sprintf("%q %s: %v.", req.ConfigValue.ValueString(), v.Description(ctx), err))
	}
}

// addSuperuserReadError reports a failed superuser read. A 401 or 403 from
// these endpoints means the token is not a superuser's (or lacks the
// super:user scope): say so rather than leave Quay's bare "Unauthorized".
func addSuperuserReadError(diags *diag.Diagnostics, data *providerData, summary string, err error) {
	if quay.IsStatus(err, http.StatusForbidden) || quay.IsStatus(err, http.StatusUnauthorized) {
		who := "the token's user"
		if data != nil && data.me != nil {
			who = fmt.Sprintf("%q", data.me.Username)
		}
		diags.AddError(summary, fmt.Sprintf("This needs a Quay superuser (or global read-only superuser) token with the super:user scope; the token acts as %s, who is not one here (Quay answered: %s).", who, quay.ErrorMessage(err)))
		return
	}
	addAPIError(diags, summary, err)
}
