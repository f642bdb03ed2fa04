package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*registrySizeDataSource)(nil)

// NewRegistrySizeDataSource is the quay_registry_size data source.
func NewRegistrySizeDataSource() datasource.DataSource { return &registrySizeDataSource{} }

type registrySizeDataSource struct{ data *providerData }

type registrySizeDataSourceModel struct {
	SizeBytes types.Int64  `tfsdk:"size_bytes"`
	LastRan   types.String `tfsdk:"last_ran"`
	Queued    types.Bool   `tfsdk:"queued"`
	Running   types.Bool   `tfsdk:"running"`
}

func (d *registrySizeDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_registry_size"
}

func (d *registrySizeDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the total size of the registry's stored data as Quay last computed it " +
			"(`GET /api/v1/superuser/registrysize/`, needs a superuser token). One request.\n\n" +
			"Quay computes the figure in a background worker, only when asked to: an administrator queues a computation " +
			"with `POST /api/v1/superuser/registrysize/`. " +
			"This data source does **not** offer that call, not even as an opt-in attribute: a data source is read on every " +
			"plan, and Terraform expects reading to change nothing, so a plan would queue work on the registry each time " +
			"it ran. Queue the computation outside Terraform (for example `curl -X POST -H \"Authorization: Bearer $QUAY_TOKEN\" " +
			"https://quay.example.com/api/v1/superuser/registrysize/`) and read the result here once `queued` and `running` are false.",
		Attributes: map[string]schema.Attribute{
			"size_bytes": schema.Int64Attribute{MarkdownDescription: "Total size in bytes at the last completed computation; `0` when it never ran.", Computed: true},
			"last_ran": schema.StringAttribute{
				MarkdownDescription: "When the last computation completed, as an RFC 3339 time in UTC (Quay gives milliseconds since the epoch); null when it never ran.",
				Computed:            true,
			},
			"queued":  schema.BoolAttribute{MarkdownDescription: "Whether a computation is queued.", Computed: true},
			"running": schema.BoolAttribute{MarkdownDescription: "Whether a computation is running now.", Computed: true},
		},
	}
}

func (d *registrySizeDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *registrySizeDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	size, err := d.data.client.GetRegistrySize(ctx)
	if err != nil {
		addSuperuserReadError(&resp.Diagnostics, d.data, "Unable to read the registry size", err)
		return
	}
	state := registrySizeDataSourceModel{
		SizeBytes: types.Int64Value(size.SizeBytes),
		LastRan:   types.StringNull(),
		Queued:    types.BoolValue(size.Queued),
		Running:   types.BoolValue(size.Running),
	}
	if size.LastRanMs != nil {
		state.LastRan = types.StringValue(time.UnixMilli(*size.LastRanMs).UTC().Format(time.RFC3339Nano))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
