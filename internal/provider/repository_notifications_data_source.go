package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*repositoryNotificationsDataSource)(nil)

// NewRepositoryNotificationsDataSource is the quay_repository_notifications data source.
func NewRepositoryNotificationsDataSource() datasource.DataSource {
	return &repositoryNotificationsDataSource{}
}

type repositoryNotificationsDataSource struct{ data *providerData }

type repositoryNotificationsDataModel struct {
	Repository    types.String            `tfsdk:"repository"`
	Notifications []notificationDataEntry `tfsdk:"notifications"`
}

type notificationDataEntry struct {
	UUID             types.String `tfsdk:"uuid"`
	Title            types.String `tfsdk:"title"`
	Event            types.String `tfsdk:"event"`
	Method           types.String `tfsdk:"method"`
	Config           types.Object `tfsdk:"config"`
	EventConfig      types.Object `tfsdk:"event_config"`
	NumberOfFailures types.Int64  `tfsdk:"number_of_failures"`
}

func (d *repositoryNotificationsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository_notifications"
}

func (d *repositoryNotificationsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string, sensitive bool) schema.Attribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true, Sensitive: sensitive}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the notifications of a repository with one request, their settings included (URLs and tokens are sensitive).",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{MarkdownDescription: "Repository as `namespace/name`.", Required: true, Validators: repositoryPathValidators()},
			"notifications": schema.ListNestedAttribute{
				MarkdownDescription: "The notifications, sorted by uuid.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uuid":   computed("UUID of the notification.", false),
					"title":  computed("Title; null when none.", false),
					"event":  computed("The event that triggers it.", false),
					"method": computed("How it is sent.", false),
					"config": schema.SingleNestedAttribute{
						MarkdownDescription: "The method's settings, as on `quay_repository_notification`.",
						Computed:            true,
						Attributes: map[string]schema.Attribute{
							"url":                computed("`webhook`, `slack`: the URL (sensitive).", true),
							"template":           computed("`webhook`: the body template.", false),
							"email":              computed("`email`: the address.", false),
							"target_kind":        computed("`quay_notification`: `user`, `team` or `org`.", false),
							"target_name":        computed("`quay_notification`: the target's name.", false),
							"flow_api_token":     computed("`flowdock`: the token (sensitive).", true),
							"notification_token": computed("`hipchat`: the token (sensitive).", true),
							"room_id":            computed("`hipchat`: the room id.", false),
						},
					},
					"event_config": schema.SingleNestedAttribute{
						MarkdownDescription: "The event's settings; null when it has none.",
						Computed:            true,
						Attributes: map[string]schema.Attribute{
							"ref_regex": computed("Build events: the git ref filter.", false),
							"level":     computed("`vulnerability_found`: the least severe level that triggers it.", false),
							"days":      schema.Int64Attribute{MarkdownDescription: "`repo_image_expiry`: days before expiry.", Computed: true},
						},
					},
					"number_of_failures": schema.Int64Attribute{MarkdownDescription: "Failed deliveries since the last reset; from 3 on, Quay no longer sends it.", Computed: true},
				}},
			},
		},
	}
}

func (d *repositoryNotificationsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *repositoryNotificationsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m repositoryNotificationsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, name := splitRepositoryPath(m.Repository.ValueString())
	list, err := d.data.client.ListNotifications(ctx, ns, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the notifications of %s", m.Repository.ValueString()), err)
		return
	}
	sort.Slice(list, func(i, j int) bool { return list[i].UUID < list[j].UUID })
	m.Notifications = []notificationDataEntry{}
	for i := range list {
		nm := repositoryNotificationModel{EventConfig: types.ObjectNull(notificationEventConfigTypes)}
		notificationToModel(&list[i], &nm)
		m.Notifications = append(m.Notifications, notificationDataEntry{
			UUID: nm.UUID, Title: nm.Title, Event: nm.Event, Method: nm.Method,
			Config: nm.Config, EventConfig: nm.EventConfig, NumberOfFailures: nm.NumberOfFailures,
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
