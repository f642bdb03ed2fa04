package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*repositoryMirrorDataSource)(nil)

// NewRepositoryMirrorDataSource is the quay_repository_mirror data source.
func NewRepositoryMirrorDataSource() datasource.DataSource { return &repositoryMirrorDataSource{} }

type repositoryMirrorDataSource struct{ data *providerData }

type repositoryMirrorDataModel struct {
	Repository           types.String `tfsdk:"repository"`
	ExternalReference    types.String `tfsdk:"external_reference"`
	RootRule             types.List   `tfsdk:"root_rule"`
	RobotUsername        types.String `tfsdk:"robot_username"`
	SyncInterval         types.Int64  `tfsdk:"sync_interval"`
	IsEnabled            types.Bool   `tfsdk:"is_enabled"`
	Username             types.String `tfsdk:"external_registry_username"`
	SyncStatus           types.String `tfsdk:"sync_status"`
	SyncRetriesRemaining types.Int64  `tfsdk:"sync_retries_remaining"`
	SyncExpirationDate   types.String `tfsdk:"sync_expiration_date"`
	NextSyncDate         types.String `tfsdk:"next_sync_date"`
}

func (d *repositoryMirrorDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository_mirror"
}

func (d *repositoryMirrorDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a repository's mirror configuration and the state of its last sync, with one request. Needs `FEATURE_REPO_MIRROR`.",
		Attributes: map[string]schema.Attribute{
			"repository":                 schema.StringAttribute{MarkdownDescription: "Repository as `namespace/name`.", Required: true, Validators: repositoryPathValidators()},
			"external_reference":         str("Upstream repository (`host[:port]/path`)."),
			"root_rule":                  schema.ListAttribute{MarkdownDescription: "Glob patterns of the mirrored tags.", Computed: true, ElementType: types.StringType},
			"robot_username":             str("Robot that writes the mirrored tags."),
			"sync_interval":              schema.Int64Attribute{MarkdownDescription: "Seconds between syncs.", Computed: true},
			"is_enabled":                 schema.BoolAttribute{MarkdownDescription: "Whether Quay schedules syncs.", Computed: true},
			"external_registry_username": str("User name for the upstream registry; null for anonymous pulls."),
			"sync_status":                str("`NEVER_RUN`, `SYNC_NOW`, `SYNCING`, `SUCCESS`, `FAIL` or `CANCEL`."),
			"sync_retries_remaining":     schema.Int64Attribute{MarkdownDescription: "Retries left after failed syncs.", Computed: true},
			"sync_expiration_date":       str("When the running sync times out; null when none runs."),
			"next_sync_date":             str("When the next sync is due."),
		},
	}
}

func (d *repositoryMirrorDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *repositoryMirrorDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m repositoryMirrorDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	refuseUnserved(d.data.instance, repoMirrorFeature, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, name := splitRepositoryPath(m.Repository.ValueString())
	mirror, err := d.data.client.GetMirror(ctx, ns, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the mirror configuration of "+m.Repository.ValueString(), err)
		return
	}
	// The resource's model holds the conversions.
	rm := repositoryMirrorModel{SyncStartDate: types.StringNull(), ArchitectureFilter: types.SetNull(types.StringType)}
	mirrorToModel(mirror, &rm)
	m.ExternalReference, m.RootRule, m.RobotUsername = rm.ExternalReference, rm.RootRule, rm.RobotUsername
	m.SyncInterval, m.IsEnabled, m.Username = rm.SyncInterval, rm.IsEnabled, rm.Username
	m.SyncStatus, m.SyncRetriesRemaining = rm.SyncStatus, rm.SyncRetriesRemaining
	m.SyncExpirationDate, m.NextSyncDate = rm.SyncExpirationDate, rm.ReportedSyncStartDate
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
