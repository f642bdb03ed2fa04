package provider

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*tagsDataSource)(nil)

// NewTagsDataSource is the quay_tags data source.
func NewTagsDataSource() datasource.DataSource { return &tagsDataSource{} }

type tagsDataSource struct{ data *providerData }

type tagsDataModel struct {
	Repository types.String   `tfsdk:"repository"`
	NameRegex  types.String   `tfsdk:"name_regex"`
	Tags       []tagDataEntry `tfsdk:"tags"`
}

type tagDataEntry struct {
	Name           types.String `tfsdk:"name"`
	ManifestDigest types.String `tfsdk:"manifest_digest"`
	Size           types.Int64  `tfsdk:"size"`
	LastModified   types.String `tfsdk:"last_modified"`
	Expiration     types.String `tfsdk:"expiration"`
	Immutable      types.Bool   `tfsdk:"immutable"`
}

func (d *tagsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tags"
}

func (d *tagsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the live tags of a repository, every page of them (100 tags a request), sorted by name, optionally only those whose names match a regular expression.",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{MarkdownDescription: "Repository as `namespace/name`.", Required: true, Validators: repositoryPathValidators()},
			"name_regex": schema.StringAttribute{
				MarkdownDescription: "Keep only tags whose names match this regular expression (searched, not anchored: use `^v1\\.` for a prefix).",
				Optional:            true,
				Validators:          []validator.String{regexValidator{}},
			},
			"tags": schema.ListNestedAttribute{
				MarkdownDescription: "The tags, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":            schema.StringAttribute{MarkdownDescription: "Tag name.", Computed: true},
					"manifest_digest": schema.StringAttribute{MarkdownDescription: "Digest of the manifest the tag points at.", Computed: true},
					"size":            schema.Int64Attribute{MarkdownDescription: "Size of the image's layers in bytes, as Quay reports it (compressed).", Computed: true},
					"last_modified":   schema.StringAttribute{MarkdownDescription: "When the tag was last pushed or moved (RFC 3339, UTC).", Computed: true},
					"expiration":      schema.StringAttribute{MarkdownDescription: "When the tag expires (RFC 3339, UTC); null when it does not.", Computed: true},
					"immutable":       schema.BoolAttribute{MarkdownDescription: "Whether the tag is immutable; null when the server has no immutable tags.", Computed: true},
				}},
			},
		},
	}
}

func (d *tagsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *tagsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tagsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var filter *regexp.Regexp
	if !m.NameRegex.IsNull() {
		filter = regexp.MustCompile(m.NameRegex.ValueString()) // checked by the validator
	}
	ns, repo := splitRepositoryPath(m.Repository.ValueString())
	tags, err := d.data.client.ListActiveTags(ctx, ns, repo)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the tags of %s", m.Repository.ValueString()), err)
		return
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Name < tags[j].Name })
	m.Tags = []tagDataEntry{}
	for _, t := range tags {
		if filter != nil && !filter.MatchString(t.Name) {
			continue
		}
		e := tagDataEntry{
			Name:           types.StringValue(t.Name),
			ManifestDigest: types.StringValue(t.ManifestDigest),
			Size:           types.Int64Value(t.Size),
			LastModified:   rfc2822ToRFC3339(t.LastModified),
			Expiration:     types.StringNull(),
			Immutable:      types.BoolPointerValue(t.Immutable),
		}
		if t.EndTS != nil {
			e.Expiration = types.StringValue(time.Unix(*t.EndTS, 0).UTC().Format(time.RFC3339))
		}
		m.Tags = append(m.Tags, e)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
