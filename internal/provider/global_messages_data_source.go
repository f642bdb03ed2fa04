package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var _ datasource.DataSourceWithConfigure = (*globalMessagesDataSource)(nil)

// NewGlobalMessagesDataSource is the quay_global_messages data source.
func NewGlobalMessagesDataSource() datasource.DataSource { return &globalMessagesDataSource{} }

type globalMessagesDataSource struct{ data *providerData }

type globalMessagesDataModel struct {
	Messages []globalMessageModel `tfsdk:"messages"`
}

func (d *globalMessagesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_global_messages"
}

func (d *globalMessagesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the messages Quay's web UI shows every user, with one request (anyone may read them).",
		Attributes: map[string]schema.Attribute{
			"messages": schema.ListNestedAttribute{
				MarkdownDescription: "The messages, sorted by uuid.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uuid":       schema.StringAttribute{MarkdownDescription: "UUID of the message.", Computed: true},
					"content":    schema.StringAttribute{MarkdownDescription: "The text.", Computed: true},
					"media_type": schema.StringAttribute{MarkdownDescription: "`text/markdown` or `text/plain`.", Computed: true},
					"severity":   schema.StringAttribute{MarkdownDescription: "`info`, `warning` or `error`.", Computed: true},
				}},
			},
		},
	}
}

func (d *globalMessagesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *globalMessagesDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	list, err := d.data.client.ListGlobalMessages(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list the global messages", err)
		return
	}
	sort.Slice(list, func(i, j int) bool { return list[i].UUID < list[j].UUID })
	m := globalMessagesDataModel{Messages: []globalMessageModel{}}
	for i := range list {
		var gm globalMessageModel
		messageToModel(&list[i], &gm)
		m.Messages = append(m.Messages, gm)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
