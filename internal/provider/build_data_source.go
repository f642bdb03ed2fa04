package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*buildDataSource)(nil)

// NewBuildDataSource is the quay_build data source.
func NewBuildDataSource() datasource.DataSource { return &buildDataSource{} }

type buildDataSource struct{ data *providerData }

type buildDataSourceModel struct {
	UUID           types.String    `tfsdk:"uuid"`
	IncludeLogs    types.Bool      `tfsdk:"include_logs"`
	Repository     types.String    `tfsdk:"repository"`
	Phase          types.String    `tfsdk:"phase"`
	Started        types.String    `tfsdk:"started"`
	DisplayName    types.String    `tfsdk:"display_name"`
	Status         types.String    `tfsdk:"status"`
	Tags           []types.String  `tfsdk:"tags"`
	DockerfilePath types.String    `tfsdk:"dockerfile_path"`
	Context        types.String    `tfsdk:"context"`
	ManualUser     types.String    `tfsdk:"manual_user"`
	PullRobot      types.String    `tfsdk:"pull_robot"`
	ResourceKey    types.String    `tfsdk:"resource_key"`
	ArchiveURL     types.String    `tfsdk:"archive_url"`
	Error          types.String    `tfsdk:"error"`
	LogsTotal      types.Int64     `tfsdk:"logs_total"`
	LogsURL        types.String    `tfsdk:"logs_url"`
	Logs           []buildLogEntry `tfsdk:"logs"`
}

type buildLogEntry struct {
	Type    types.String `tfsdk:"type"`
	Message types.String `tfsdk:"message"`
	Data    types.String `tfsdk:"data"`
}

// buildUUIDRegexp is the form of Quay's build ids (uuid4, lowercase hex).
var buildUUIDRegexp = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (d *buildDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_build"
}

func (d *buildDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one repository build by its UUID through the superuser API " +
			"(`GET /api/v1/superuser/{uuid}/build`, needs a superuser token), and with `include_logs` its log lines " +
			"(`GET /api/v1/superuser/{uuid}/logs`): one request, two with logs. A build that does not exist is an error.\n\n" +
			"Builds are requested outside this provider (`POST /api/v1/repository/{repository}/build/`, a build trigger, or the UI). " +
			"A build stays in phase `waiting` until a build worker takes it, so on an instance without builders it never moves. " +
			"Some fields follow the token's own permissions on the repository, not its superuser rights: `archive_url` " +
			"is null unless the token's user may write to the repository.",
		Attributes: map[string]schema.Attribute{
			"uuid": schema.StringAttribute{
				MarkdownDescription: "The build's UUID (as Quay gives it: lowercase hex, `8-4-4-4-12`).",
				Required:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(buildUUIDRegexp,
					"must be a build UUID: lowercase hex digits grouped 8-4-4-4-12, e.g. 4e3a6e0c-5d6b-4f3a-9c1e-2b7d8f9a0c1d")},
			},
			"include_logs": schema.BoolAttribute{
				MarkdownDescription: "Also read the build's log lines (one more request). Default `false`.",
				Optional:            true,
			},
			"repository": schema.StringAttribute{MarkdownDescription: "The repository built, `namespace/name`.", Computed: true},
			"phase": schema.StringAttribute{
				MarkdownDescription: "Build phase as Quay reports it: `waiting` (queued), `build-scheduled`, `unpacking`, `pulling`, `building`, `pushing`, " +
					"`complete`, `error`, `internalerror`, `cancelled`, and two Quay works out when asked: `expired` (failed with no retries left) and `cannot_load` (Quay could not read the live status).", //nolint:misspell // "cancelled" is Quay's phase name
				Computed: true,
			},
			"started":         schema.StringAttribute{MarkdownDescription: "When the build was requested, as an RFC 3339 time in UTC.", Computed: true},
			"display_name":    schema.StringAttribute{MarkdownDescription: "Quay's name for the build (for an archive URL build, the first 7 hex digits of its SHA-224).", Computed: true},
			"status":          schema.StringAttribute{MarkdownDescription: "The builder's live status as JSON (`{}` while queued or finished).", Computed: true},
			"tags":            schema.ListAttribute{MarkdownDescription: "Tags the built image is pushed to.", ElementType: types.StringType, Computed: true},
			"dockerfile_path": schema.StringAttribute{MarkdownDescription: "Path of the Dockerfile in the build context (Quay's `dockerfile_path`, also given as `subdirectory`).", Computed: true},
			"context":         schema.StringAttribute{MarkdownDescription: "The build context directory.", Computed: true},
			"manual_user":     schema.StringAttribute{MarkdownDescription: "Who requested the build by hand; null for trigger builds.", Computed: true},
			"pull_robot":      schema.StringAttribute{MarkdownDescription: "Robot account whose credentials pull the base images; null when none.", Computed: true},
			"resource_key":    schema.StringAttribute{MarkdownDescription: "The uploaded build file's id; null for archive URL and trigger builds.", Computed: true},
			"archive_url":     schema.StringAttribute{MarkdownDescription: "URL of the build archive; null unless the token's user may write to the repository.", Computed: true},
			"error":           schema.StringAttribute{MarkdownDescription: "Quay's error for the build's status, null when none.", Computed: true},
			"logs_total": schema.Int64Attribute{
				MarkdownDescription: "How many log lines the build has; null without `include_logs` or once the logs are archived.",
				Computed:            true,
			},
			"logs_url": schema.StringAttribute{
				MarkdownDescription: "Where the archived logs can be downloaded, once Quay has archived them (then `logs` is empty); null otherwise.",
				Computed:            true,
			},
			"logs": schema.ListNestedAttribute{
				MarkdownDescription: "The build's log lines, oldest first; null without `include_logs`.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type":    schema.StringAttribute{MarkdownDescription: "Line type (`phase`, `command`, `error`, ...); null for plain output.", Computed: true},
					"message": schema.StringAttribute{MarkdownDescription: "The line's text.", Computed: true},
					"data":    schema.StringAttribute{MarkdownDescription: "The line's data as JSON; null when none.", Computed: true},
				}},
			},
		},
	}
}

func (d *buildDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *buildDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg buildDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := cfg.UUID.ValueString()
	b, err := d.data.client.GetBuildSuperuser(ctx, id)
	if err != nil {
		addBuildReadError(&resp.Diagnostics, d.data, id, err)
		return
	}
	cfg.Repository = types.StringValue(b.Repository.Namespace + "/" + b.Repository.Name)
	cfg.Phase = types.StringValue(b.Phase)
	cfg.Started = types.StringValue(b.Started)
	if t, err := b.StartedTime(); err == nil {
		cfg.Started = types.StringValue(t.UTC().Format(time.RFC3339))
	}
	cfg.DisplayName = types.StringValue(b.DisplayName)
	cfg.Status = types.StringValue(compactJSON(b.Status, "{}"))
	cfg.Tags = make([]types.String, 0, len(b.Tags))
	for _, t := range b.Tags {
		cfg.Tags = append(cfg.Tags, types.StringValue(t))
	}
	cfg.DockerfilePath = types.StringValue(b.DockerfilePath)
	cfg.Context = types.StringValue(b.Context)
	cfg.ManualUser = types.StringPointerValue(b.ManualUser)
	cfg.PullRobot = types.StringNull()
	if b.PullRobot != nil {
		cfg.PullRobot = types.StringValue(b.PullRobot.Name)
	}
	cfg.ResourceKey = types.StringPointerValue(b.ResourceKey)
	cfg.ArchiveURL = types.StringPointerValue(b.ArchiveURL)
	cfg.Error = types.StringPointerValue(b.Error)
	cfg.LogsTotal, cfg.LogsURL, cfg.Logs = types.Int64Null(), types.StringNull(), nil
	if cfg.IncludeLogs.ValueBool() {
		logs, err := d.data.client.GetBuildLogsSuperuser(ctx, id)
		if err != nil {
			addBuildReadError(&resp.Diagnostics, d.data, id, err)
			return
		}
		cfg.Logs = []buildLogEntry{}
		if logs.LogsURL != "" {
			cfg.LogsURL = types.StringValue(logs.LogsURL)
		} else {
			cfg.LogsTotal = types.Int64Value(int64(logs.Total))
		}
		for _, raw := range logs.Logs {
			cfg.Logs = append(cfg.Logs, buildLogLine(raw))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// addBuildReadError reports a failed build read: a missing build by name,
// anything else as the other superuser reads do.
func addBuildReadError(diags *diag.Diagnostics, data *providerData, id string, err error) {
	if quay.IsNotFound(err) {
		diags.AddAttributeError(path.Root("uuid"), "Build not found",
			fmt.Sprintf("Quay has no build %q (Quay answered: %s).", id, quay.ErrorMessage(err)))
		return
	}
	addSuperuserReadError(diags, data, fmt.Sprintf("Unable to read build %q", id), err)
}

// buildLogLine is one of Quay's log lines ({"message", "type", "data"},
// any of them possibly absent).
func buildLogLine(raw json.RawMessage) buildLogEntry {
	var line struct {
		Type    *string         `json:"type"`
		Message *string         `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &line); err != nil {
		return buildLogEntry{Type: types.StringNull(), Message: types.StringValue(string(raw)), Data: types.StringNull()}
	}
	e := buildLogEntry{Type: types.StringPointerValue(line.Type), Message: types.StringPointerValue(line.Message), Data: types.StringNull()}
	if len(line.Data) > 0 && string(line.Data) != "null" {
		e.Data = types.StringValue(compactJSON(line.Data, ""))
	}
	return e
}

// compactJSON is raw without insignificant space; empty or null gives def.
func compactJSON(raw json.RawMessage, def string) string {
	if len(raw) == 0 || string(raw) == "null" {
		return def
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return string(raw)
	}
	out, _ := json.Marshal(v)
	return string(out)
}
