package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ datasource.DataSourceWithConfigure      = (*repositoriesDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*repositoriesDataSource)(nil)
)

// NewRepositoriesDataSource is the quay_repositories data source.
func NewRepositoriesDataSource() datasource.DataSource { return &repositoriesDataSource{} }

type repositoriesDataSource struct{ data *providerData }

type repositoriesDataModel struct {
	Namespace    types.String          `tfsdk:"namespace"`
	Public       types.Bool            `tfsdk:"public"`
	Starred      types.Bool            `tfsdk:"starred"`
	Repositories []repositoryListModel `tfsdk:"repositories"`
}

type repositoryListModel struct {
	Namespace    types.String `tfsdk:"namespace"`
	Name         types.String `tfsdk:"name"`
	Visibility   types.String `tfsdk:"visibility"`
	Description  types.String `tfsdk:"description"`
	State        types.String `tfsdk:"state"`
	LastModified types.String `tfsdk:"last_modified"`
}

func (d *repositoriesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repositories"
}

func (d *repositoriesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the repositories the token's user can see, as Quay's repository list gives them (all pages, 100 repositories each, in creation order). " +
			"Quay needs at least one of `namespace`, `public` and `starred`. Repositories the user has no permission on are left out unless they are public and `public` is true; an unknown namespace gives an empty list.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{MarkdownDescription: "Only repositories of this organization or user.", Optional: true, Validators: namespaceNameValidators("namespace")},
			"public":    schema.BoolAttribute{MarkdownDescription: "Also every public repository (of `namespace`, when set).", Optional: true},
			"starred":   schema.BoolAttribute{MarkdownDescription: "Only the repositories the token's user starred.", Optional: true},
			"repositories": schema.ListNestedAttribute{
				MarkdownDescription: "The repositories, in creation order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"namespace":     schema.StringAttribute{MarkdownDescription: "Organization or user.", Computed: true},
					"name":          schema.StringAttribute{MarkdownDescription: "Repository name.", Computed: true},
					"visibility":    schema.StringAttribute{MarkdownDescription: "`public` or `private`.", Computed: true},
					"description":   schema.StringAttribute{MarkdownDescription: "Description (Markdown); empty when there is none.", Computed: true},
					"state":         schema.StringAttribute{MarkdownDescription: "`NORMAL`, `READ_ONLY`, `MIRROR` or `ORG_MIRROR`.", Computed: true},
					"last_modified": schema.StringAttribute{MarkdownDescription: "When a tag was last pushed (RFC 3339, UTC); empty when the repository has no tags.", Computed: true},
				}},
			},
		},
	}
}

func (d *repositoriesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var cfg repositoriesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.Namespace.IsUnknown() || cfg.Public.IsUnknown() || cfg.Starred.IsUnknown() {
		return
	}
	if cfg.Namespace.IsNull() && !cfg.Public.ValueBool() && !cfg.Starred.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("namespace"), "A filter is required",
			"Quay lists repositories only by namespace, public or starred: set namespace, or public = true, or starred = true.")
	}
}

func (d *repositoriesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *repositoriesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg repositoriesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := quay.ListRepositoriesOptions{
		Namespace: cfg.Namespace.ValueString(), Public: cfg.Public.ValueBool(), Starred: cfg.Starred.ValueBool(), LastModified: true,
	}
	cfg.Repositories = []repositoryListModel{}
	for {
		page, err := d.data.client.ListRepositories(ctx, opts)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to list repositories", err)
			return
		}
		for _, r := range page.Repositories {
			description, modified := "", ""
			if r.Description != nil {
				description = *r.Description
			}
			if r.LastModified != nil {
				modified = time.Unix(*r.LastModified, 0).UTC().Format(time.RFC3339)
			}
			cfg.Repositories = append(cfg.Repositories, repositoryListModel{
				Namespace: types.StringValue(r.Namespace), Name: types.StringValue(r.Name),
				Visibility: types.StringValue(visibilityOf(r.IsPublic)), Description: types.StringValue(description),
				State: types.StringValue(r.State), LastModified: types.StringValue(modified),
			})
		}
		if page.NextPage == "" || len(page.Repositories) == 0 {
			break
		}
		opts.NextPage = page.NextPage
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
