package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSourceWithConfigure        = (*autoPrunePoliciesDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*autoPrunePoliciesDataSource)(nil)
)

// NewAutoPrunePoliciesDataSource is the quay_auto_prune_policies data source.
func NewAutoPrunePoliciesDataSource() datasource.DataSource { return &autoPrunePoliciesDataSource{} }

type autoPrunePoliciesDataSource struct{ data *providerData }

type autoPrunePoliciesDataModel struct {
	Organization  types.String           `tfsdk:"organization"`
	UserNamespace types.String           `tfsdk:"user_namespace"`
	Repository    types.String           `tfsdk:"repository"`
	Policies      []autoPrunePolicyEntry `tfsdk:"policies"`
}

type autoPrunePolicyEntry struct {
	UUID              types.String `tfsdk:"uuid"`
	Method            types.String `tfsdk:"method"`
	Value             types.String `tfsdk:"value"`
	TagPattern        types.String `tfsdk:"tag_pattern"`
	TagPatternMatches types.Bool   `tfsdk:"tag_pattern_matches"`
}

func (d *autoPrunePoliciesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_auto_prune_policies"
}

func (d *autoPrunePoliciesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the auto-prune policies of an organization, a user namespace or a repository (one of them), with one request. Needs `FEATURE_AUTO_PRUNE`.",
		Attributes: map[string]schema.Attribute{
			"organization":   schema.StringAttribute{MarkdownDescription: "Organization whose policies to list.", Optional: true, Validators: namespaceNameValidators("organization")},
			"user_namespace": schema.StringAttribute{MarkdownDescription: "User whose namespace policies to list (the token's own user, or any for a full-access superuser).", Optional: true, Validators: namespaceNameValidators("user")},
			"repository":     schema.StringAttribute{MarkdownDescription: "Repository (`namespace/name`) whose own policies to list (not those of its namespace).", Optional: true, Validators: repositoryPathValidators()},
			"policies": schema.ListNestedAttribute{
				MarkdownDescription: "The policies, sorted by uuid.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uuid":                schema.StringAttribute{MarkdownDescription: "UUID of the policy.", Computed: true},
					"method":              schema.StringAttribute{MarkdownDescription: "`number_of_tags` or `creation_date`.", Computed: true},
					"value":               schema.StringAttribute{MarkdownDescription: "Number of tags to keep, or the age past which tags go (such as `7d`).", Computed: true},
					"tag_pattern":         schema.StringAttribute{MarkdownDescription: "Regular expression the policy is limited to; null for every tag.", Computed: true},
					"tag_pattern_matches": schema.BoolAttribute{MarkdownDescription: "Whether the policy prunes tags that match the pattern (else those that do not).", Computed: true},
				}},
			},
		},
	}
}

func (d *autoPrunePoliciesDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("organization"), path.MatchRoot("user_namespace"), path.MatchRoot("repository")),
	}
}

func (d *autoPrunePoliciesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *autoPrunePoliciesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m autoPrunePoliciesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	refuseUnserved(d.data.instance, autoPruneFeature, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	tm := policyTargetModel{Organization: m.Organization, UserNamespace: m.UserNamespace, Repository: m.Repository}
	policies, err := d.data.client.ListAutoPrunePolicies(ctx, tm.target(d.data))
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the auto-prune policies of %s", tm.label()), err)
		return
	}
	sort.Slice(policies, func(i, j int) bool { return policies[i].UUID < policies[j].UUID })
	m.Policies = []autoPrunePolicyEntry{}
	for i := range policies {
		var pm autoPrunePolicyModel
		autoPruneToModel(&policies[i], &pm)
		m.Policies = append(m.Policies, autoPrunePolicyEntry{UUID: pm.UUID, Method: pm.Method, Value: pm.Value, TagPattern: pm.TagPattern, TagPatternMatches: pm.TagPatternMatches})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
