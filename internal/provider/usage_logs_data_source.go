package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ datasource.DataSourceWithConfigure        = (*usageLogsDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*usageLogsDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*usageLogsDataSource)(nil)
)

// NewUsageLogsDataSource is the quay_usage_logs data source.
func NewUsageLogsDataSource() datasource.DataSource { return &usageLogsDataSource{} }

type usageLogsDataSource struct{ data *providerData }

// defaultMaxLogEntries caps a read unless max_entries says otherwise.
const defaultMaxLogEntries = 1000

type usageLogsDataSourceModel struct {
	StartTime    types.String    `tfsdk:"starttime"`
	EndTime      types.String    `tfsdk:"endtime"`
	Organization types.String    `tfsdk:"organization"`
	Repository   types.String    `tfsdk:"repository"`
	Kind         types.String    `tfsdk:"kind"`
	MaxEntries   types.Int64     `tfsdk:"max_entries"`
	Truncated    types.Bool      `tfsdk:"truncated"`
	QuayStart    types.String    `tfsdk:"quay_start_time"`
	QuayEnd      types.String    `tfsdk:"quay_end_time"`
	Entries      []usageLogEntry `tfsdk:"entries"`
}

type usageLogEntry struct {
	Kind      types.String `tfsdk:"kind"`
	Time      types.String `tfsdk:"time"`
	Performer types.String `tfsdk:"performer"`
	Namespace types.String `tfsdk:"namespace"`
	IP        types.String `tfsdk:"ip"`
	Metadata  types.Map    `tfsdk:"metadata"`
}

var repositoryPathRegexp = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*/[a-z0-9][.a-z0-9_-]*(?:/[a-z0-9][.a-z0-9_-]*)*$`)

func (d *usageLogsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_usage_logs"
}

func (d *usageLogsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads Quay's usage (audit) log entries, newest first: the whole instance's " +
			"(`GET /api/v1/superuser/logs`, needs a superuser token), or with `organization` an organization's " +
			"(its administrators, or a full-access superuser), or with `repository` a repository's (its administrators, or a superuser).\n\n" +
			"Quay takes the time bounds as whole days in UTC (`MM/DD/YYYY`, the end day included): the provider sends the days " +
			"of `starttime` and `endtime` and drops the entries outside the exact times itself. Quay answers 20 entries a page; " +
			"the provider makes one request per page and stops at `max_entries` entries read, so a plan cannot pull an unbounded " +
			"log. The `kind` filter is applied by the provider to the entries read (Quay's log endpoints cannot filter by kind), " +
			"so with a filter fewer than `max_entries` entries may come back although more exist: `truncated` says so.",
		Attributes: map[string]schema.Attribute{
			"starttime": schema.StringAttribute{
				MarkdownDescription: "Earliest entry time, RFC 3339 (for example `2026-08-21T00:00:00Z`). Unset: Quay's default, 24 hours ago.",
				Optional:            true,
				Validators:          []validator.String{rfc3339Validator{}},
			},
			"endtime": schema.StringAttribute{
				MarkdownDescription: "Latest entry time, RFC 3339. Unset: Quay's default, now (Quay then looks up to a day ahead).",
				Optional:            true,
				Validators:          []validator.String{rfc3339Validator{}},
			},
			"organization": schema.StringAttribute{
				MarkdownDescription: "Read this organization's logs instead of the instance's. Conflicts with `repository`.",
				Optional:            true,
				Validators:          namespaceNameValidators("organization"),
			},
			"repository": schema.StringAttribute{
				MarkdownDescription: "Read this repository's logs (`namespace/name`) instead of the instance's. Conflicts with `organization`.",
				Optional:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(repositoryPathRegexp,
					"must be <namespace>/<name>, for example acme/app (lowercase, as Quay names repositories)")},
			},
			"kind": schema.StringAttribute{
				MarkdownDescription: "Keep only entries of this kind (Quay's log kind names, for example `org_create`, `org_add_team_member`, `user_create`).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"max_entries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("At most this many entries are read from Quay (before the `kind` filter and the exact time bounds), from 1 to 100000; defaults to `%d`. The value in effect is shown here.", defaultMaxLogEntries),
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 100000)},
			},
			"truncated": schema.BoolAttribute{
				MarkdownDescription: "Whether reading stopped at `max_entries` while Quay offered a further page (which may turn out empty: Quay offers one more page after its last entries).",
				Computed:            true,
			},
			"quay_start_time": computed("Start of the range Quay searched, RFC 3339 (UTC)."),
			"quay_end_time":   computed("End of the range Quay searched, RFC 3339 (UTC)."),
			"entries": schema.ListNestedAttribute{
				MarkdownDescription: "The entries, newest first.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"kind":      computed("Log kind, for example `org_create`."),
					"time":      computed("When it happened, RFC 3339 (UTC, whole seconds)."),
					"performer": computed("User (or robot, `namespace+name`) who did it; null when nobody was authenticated."),
					"namespace": computed("Namespace the entry belongs to; set only in the instance-wide list."),
					"ip":        computed("Address the request came from, as Quay saw it."),
					"metadata": schema.MapAttribute{
						MarkdownDescription: "Details Quay recorded, which depend on the kind. Values that are not strings are shown as JSON; times are Unix seconds.",
						ElementType:         types.StringType, Computed: true,
					},
				}},
			},
		},
	}
}

func (d *usageLogsDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.Conflicting(path.MatchRoot("organization"), path.MatchRoot("repository")),
	}
}

// ValidateConfig refuses a range that ends before it starts.
func (d *usageLogsDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var cfg usageLogsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	start, errS := time.Parse(time.RFC3339, cfg.StartTime.ValueString())
	end, errE := time.Parse(time.RFC3339, cfg.EndTime.ValueString())
	if errS == nil && errE == nil && start.After(end) {
		resp.Diagnostics.AddAttributeError(path.Root("starttime"), "Empty time range",
			fmt.Sprintf("starttime is after endtime (%s > %s).", cfg.StartTime.ValueString(), cfg.EndTime.ValueString()))
	}
}

func (d *usageLogsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *usageLogsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg usageLogsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	q := quay.LogsQuery{Organization: cfg.Organization.ValueString(), Repository: cfg.Repository.ValueString()}
	q.Start, _ = time.Parse(time.RFC3339, cfg.StartTime.ValueString()) // checked by rfc3339Validator; zero when unset
	q.End, _ = time.Parse(time.RFC3339, cfg.EndTime.ValueString())
	if cfg.MaxEntries.IsNull() || cfg.MaxEntries.IsUnknown() {
		cfg.MaxEntries = types.Int64Value(defaultMaxLogEntries)
	}
	res, err := d.data.client.ListUsageLogs(ctx, q, int(cfg.MaxEntries.ValueInt64()))
	switch {
	case err != nil && q.Organization == "" && q.Repository == "":
		addSuperuserReadError(&resp.Diagnostics, d.data, "Unable to read the instance's usage logs", err)
		return
	case err != nil:
		what := "organization " + q.Organization
		if q.Repository != "" {
			what = "repository " + q.Repository
		}
		addAPIError(&resp.Diagnostics, "Unable to read the usage logs of "+what, err)
		return
	}
	cfg.Truncated = types.BoolValue(res.Truncated)
	cfg.QuayStart, cfg.QuayEnd = rfc2822ToRFC3339(res.StartTime), rfc2822ToRFC3339(res.EndTime)
	cfg.Entries = []usageLogEntry{}
	for _, e := range res.Entries {
		at, err := e.Time()
		if err != nil {
			resp.Diagnostics.AddError("Unexpected log entry time", fmt.Sprintf("Quay gave the time %q for a %s entry: %v", e.Datetime, e.Kind, err))
			return
		}
		if (!cfg.Kind.IsNull() && e.Kind != cfg.Kind.ValueString()) || (!q.Start.IsZero() && at.Before(q.Start)) || (!q.End.IsZero() && at.After(q.End)) {
			continue
		}
		entry := usageLogEntry{
			Kind: types.StringValue(e.Kind), Time: types.StringValue(at.UTC().Format(time.RFC3339)),
			Performer: types.StringNull(), Namespace: types.StringNull(), IP: types.StringPointerValue(e.IP),
		}
		if e.Performer != nil {
			entry.Performer = types.StringValue(e.Performer.Name)
		}
		if e.Namespace != nil {
			entry.Namespace = types.StringValue(e.Namespace.Name)
		}
		meta := map[string]string{}
		for k, v := range e.Metadata {
			meta[k] = metadataString(v)
		}
		entry.Metadata = types.MapValueMust(types.StringType, stringMapValues(meta))
		cfg.Entries = append(cfg.Entries, entry)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// rfc2822ToRFC3339 converts Quay's log dates; null when Quay sent none.
func rfc2822ToRFC3339(s string) types.String {
	t, err := time.Parse(time.RFC1123Z, s)
	if err != nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
