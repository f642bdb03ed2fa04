package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*proxyCacheDataSource)(nil)

// NewProxyCacheDataSource is the quay_proxy_cache data source.
func NewProxyCacheDataSource() datasource.DataSource { return &proxyCacheDataSource{} }

type proxyCacheDataSource struct{ data *providerData }

type proxyCacheDataModel struct {
	Organization     types.String `tfsdk:"organization"`
	UpstreamRegistry types.String `tfsdk:"upstream_registry"`
	ExpirationS      types.Int64  `tfsdk:"expiration_s"`
	Insecure         types.Bool   `tfsdk:"insecure"`
}

func (d *proxyCacheDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_cache"
}

func (d *proxyCacheDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the proxy cache configuration of an organization; fails when it has none. Upstream credentials are never returned by Quay.",
		Attributes: map[string]schema.Attribute{
			"organization":      schema.StringAttribute{MarkdownDescription: "Organization name.", Required: true, Validators: namespaceNameValidators("organization")},
			"upstream_registry": schema.StringAttribute{MarkdownDescription: "Upstream registry.", Computed: true},
			"expiration_s":      schema.Int64Attribute{MarkdownDescription: "Cache expiration in seconds.", Computed: true},
			"insecure":          schema.BoolAttribute{MarkdownDescription: "Whether the upstream is reached over plain HTTP.", Computed: true},
		},
	}
}

func (d *proxyCacheDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *proxyCacheDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg proxyCacheDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := cfg.Organization.ValueString()
	p, err := d.data.client.GetProxyCache(ctx, org)
	if quay.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("organization"), "No proxy cache",
			fmt.Sprintf("Organization %q has no proxy cache configuration (or does not exist).", org))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the proxy cache of %q", org), err)
		return
	}
	cfg.UpstreamRegistry = types.StringValue(p.UpstreamRegistry)
	cfg.ExpirationS = types.Int64Value(p.ExpirationS)
	cfg.Insecure = types.BoolValue(p.Insecure)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
