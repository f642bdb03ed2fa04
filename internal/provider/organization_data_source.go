package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*organizationDataSource)(nil)

// NewOrganizationDataSource is the quay_organization data source.
func NewOrganizationDataSource() datasource.DataSource { return &organizationDataSource{} }

type organizationDataSource struct {
	data *providerData
}

type organizationDataSourceModel struct {
	Name                types.String        `tfsdk:"name"`
	Email               types.String        `tfsdk:"email"`
	InvoiceEmail        types.Bool          `tfsdk:"invoice_email"`
	InvoiceEmailAddress types.String        `tfsdk:"invoice_email_address"`
	TagExpirationS      types.Int64         `tfsdk:"tag_expiration_s"`
	IsAdmin             types.Bool          `tfsdk:"is_admin"`
	Teams               []organizationTeam  `tfsdk:"teams"`
	Quotas              []organizationQuota `tfsdk:"quotas"`
}

type organizationTeam struct {
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Role        types.String `tfsdk:"role"`
	MemberCount types.Int64  `tfsdk:"member_count"`
	RepoCount   types.Int64  `tfsdk:"repo_count"`
}

type organizationQuota struct {
	ID         types.Int64              `tfsdk:"id"`
	LimitBytes types.Int64              `tfsdk:"limit_bytes"`
	Limits     []organizationQuotaLimit `tfsdk:"limits"`
}

type organizationQuotaLimit struct {
	ID               types.Int64  `tfsdk:"id"`
	Type             types.String `tfsdk:"type"`
	ThresholdPercent types.Int64  `tfsdk:"threshold_percent"`
}

func (d *organizationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

func (d *organizationDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a Quay organization: its settings, teams and quotas. Settings, teams and quotas are visible only when the token's user administers the organization (or is a full-access superuser); otherwise they are null or empty.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the organization to read.",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Contact e-mail address; empty when none is set or the caller is not an admin.",
				Computed:            true,
			},
			"invoice_email": schema.BoolAttribute{
				MarkdownDescription: "Whether invoices are sent by e-mail (admins only).",
				Computed:            true,
			},
			"invoice_email_address": schema.StringAttribute{
				MarkdownDescription: "Address invoices are sent to, if any (admins only).",
				Computed:            true,
			},
			"tag_expiration_s": schema.Int64Attribute{
				MarkdownDescription: "Time machine window in seconds (admins only).",
				Computed:            true,
			},
			"is_admin": schema.BoolAttribute{
				MarkdownDescription: "Whether the token's user administers the organization.",
				Computed:            true,
			},
			"teams": schema.ListNestedAttribute{
				MarkdownDescription: "Teams of the organization, in creation order (members only).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":         schema.StringAttribute{MarkdownDescription: "Team name.", Computed: true},
					"description":  schema.StringAttribute{MarkdownDescription: "Team description (Markdown).", Computed: true},
					"role":         schema.StringAttribute{MarkdownDescription: "Organization-wide role of the team: `member`, `creator` or `admin`.", Computed: true},
					"member_count": schema.Int64Attribute{MarkdownDescription: "Number of members.", Computed: true},
					"repo_count":   schema.Int64Attribute{MarkdownDescription: "Number of repositories the team has permissions on.", Computed: true},
				}},
			},
			"quotas": quotasAttribute("Storage quotas of the organization (at most one; empty when quota management is off)."),
		},
	}
}

func (d *organizationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *organizationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg organizationDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := cfg.Name.ValueString()
	org, err := d.data.client.GetOrganization(ctx, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read organization %q", name), err)
		return
	}
	state := organizationDataSourceModel{
		Name:                types.StringValue(org.Name),
		Email:               types.StringValue(org.Email),
		InvoiceEmail:        types.BoolPointerValue(org.InvoiceEmail),
		InvoiceEmailAddress: types.StringPointerValue(org.InvoiceEmailAddress),
		TagExpirationS:      types.Int64PointerValue(org.TagExpirationS),
		IsAdmin:             types.BoolValue(org.IsAdmin),
		Teams:               teamsInOrder(org),
		Quotas:              quotasModel(org.Quotas),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// teamsInOrder lists the org view's teams in Quay's creation order.
func teamsInOrder(org *quay.Organization) []organizationTeam {
	out := []organizationTeam{}
	for _, name := range org.OrderedTeams {
		t, ok := org.Teams[name]
		if !ok {
			continue
		}
		out = append(out, organizationTeam{
			Name:        types.StringValue(t.Name),
			Description: types.StringValue(t.Description),
			Role:        types.StringValue(t.Role),
			MemberCount: types.Int64Value(t.MemberCount),
			RepoCount:   types.Int64Value(t.RepoCount),
		})
	}
	return out
}

// quotasAttribute is the quota list of an organization, as quotasModel fills it.
func quotasAttribute(description string) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		MarkdownDescription: description,
		Computed:            true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"id":          schema.Int64Attribute{MarkdownDescription: "Quota id assigned by Quay.", Computed: true},
			"limit_bytes": schema.Int64Attribute{MarkdownDescription: "Quota size in bytes.", Computed: true},
			"limits": schema.ListNestedAttribute{
				MarkdownDescription: "Thresholds of the quota.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                schema.Int64Attribute{MarkdownDescription: "Limit id assigned by Quay.", Computed: true},
					"type":              schema.StringAttribute{MarkdownDescription: "`Warning` or `Reject`.", Computed: true},
					"threshold_percent": schema.Int64Attribute{MarkdownDescription: "Percentage of the quota at which the limit applies.", Computed: true},
				}},
			},
		}},
	}
}

func quotasModel(quotas []quay.QuotaSummary) []organizationQuota {
	out := []organizationQuota{}
	for _, q := range quotas {
		limits := []organizationQuotaLimit{}
		for _, l := range q.Limits {
			limits = append(limits, organizationQuotaLimit{
				ID: types.Int64Value(l.ID), Type: types.StringValue(l.Type), ThresholdPercent: types.Int64Value(l.LimitPercent),
			})
		}
		out = append(out, organizationQuota{ID: types.Int64Value(q.ID), LimitBytes: types.Int64Value(q.LimitBytes), Limits: limits})
	}
	return out
}
