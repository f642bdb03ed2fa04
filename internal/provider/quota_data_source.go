package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*quotaDataSource)(nil)

// NewQuotaDataSource is the quay_quota data source.
func NewQuotaDataSource() datasource.DataSource { return &quotaDataSource{} }

type quotaDataSource struct {
	data *providerData
}

type quotaDataSourceModel struct {
	Namespace  types.String             `tfsdk:"namespace"`
	ID         types.Int64              `tfsdk:"id"`
	LimitBytes types.Int64              `tfsdk:"limit_bytes"`
	Limit      types.String             `tfsdk:"limit"`
	Limits     []organizationQuotaLimit `tfsdk:"limits"`
	UsedBytes  types.Int64              `tfsdk:"used_bytes"`
}

func (d *quotaDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_quota"
}

func (d *quotaDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the storage quota of a namespace (organization or user), its limits and, for organizations, the storage in use. " +
			"Superuser tokens read any namespace; other tokens read organizations they are members of. Fails when the namespace has no quota.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{
				MarkdownDescription: "Organization or user whose quota to read.",
				Required:            true,
				Validators:          namespaceNameValidators("namespace"),
			},
			"id":          schema.Int64Attribute{MarkdownDescription: "Quota id assigned by Quay.", Computed: true},
			"limit_bytes": schema.Int64Attribute{MarkdownDescription: "Quota size in bytes.", Computed: true},
			"limit":       schema.StringAttribute{MarkdownDescription: "Quota size as Quay renders it, in binary units with one decimal (for example `10.0 GiB`).", Computed: true},
			"limits": schema.ListNestedAttribute{
				MarkdownDescription: "Thresholds of the quota, in Quay's order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                schema.Int64Attribute{MarkdownDescription: "Limit id assigned by Quay.", Computed: true},
					"type":              schema.StringAttribute{MarkdownDescription: "`Warning` or `Reject`.", Computed: true},
					"threshold_percent": schema.Int64Attribute{MarkdownDescription: "Percentage of the quota at which the limit applies.", Computed: true},
				}},
			},
			"used_bytes": schema.Int64Attribute{
				MarkdownDescription: "Storage the namespace uses, in bytes, from Quay's quota report. Null when the token may not see the report (user namespaces need a superuser token).",
				Computed:            true,
			},
		},
	}
}

func (d *quotaDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *quotaDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg quotaDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns := cfg.Namespace.ValueString()
	c := d.data.client
	q, err := c.FindQuota(ctx, quotaReadPath(d.data), ns)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the quota of %q", ns), err)
		return
	}
	if q == nil {
		resp.Diagnostics.AddError(fmt.Sprintf("Namespace %q has no quota", ns), "Quay lists no quota for this namespace.")
		return
	}
	state := quotaDataSourceModel{
		Namespace:  cfg.Namespace,
		ID:         types.Int64Value(*q.ID),
		LimitBytes: types.Int64Value(q.LimitBytes),
		Limit:      types.StringValue(q.Limit),
		Limits:     []organizationQuotaLimit{},
		UsedBytes:  types.Int64Null(),
	}
	for _, l := range q.Limits {
		state.Limits = append(state.Limits, organizationQuotaLimit{ID: types.Int64Value(l.ID), Type: types.StringValue(l.Type), ThresholdPercent: types.Int64Value(l.LimitPercent)})
	}
	// Usage comes from the quota report of the organization view, or of
	// the superuser's user view for a user namespace.
	org, err := c.GetOrganization(ctx, ns)
	switch {
	case err == nil && org.QuotaReport != nil:
		state.UsedBytes = types.Int64Value(org.QuotaReport.QuotaBytes)
	case quay.IsNotFound(err) && d.data.me.SuperUser:
		u, userErr := c.GetUser(ctx, ns)
		if userErr != nil && !quay.IsNotFound(userErr) {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the quota report of %q", ns), userErr)
			return
		}
		if userErr == nil && u.QuotaReport != nil {
			state.UsedBytes = types.Int64Value(u.QuotaReport.QuotaBytes)
		}
	case err != nil && !quay.IsNotFound(err):
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the quota report of %q", ns), err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
