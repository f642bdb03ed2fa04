package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*repositoryDataSource)(nil)

// NewRepositoryDataSource is the quay_repository data source.
func NewRepositoryDataSource() datasource.DataSource { return &repositoryDataSource{} }

type repositoryDataSource struct{ data *providerData }

type repositoryDataModel struct {
	Namespace      types.String `tfsdk:"namespace"`
	Name           types.String `tfsdk:"name"`
	Visibility     types.String `tfsdk:"visibility"`
	Description    types.String `tfsdk:"description"`
	State          types.String `tfsdk:"state"`
	IsOrganization types.Bool   `tfsdk:"is_organization"`
	CanWrite       types.Bool   `tfsdk:"can_write"`
	CanAdmin       types.Bool   `tfsdk:"can_admin"`
	TagCount       types.Int64  `tfsdk:"tag_count"`
	LastModified   types.String `tfsdk:"last_modified"`
}

// repositoryViewTagLimit is how many tags the repository view carries at most.
const repositoryViewTagLimit = 500

func (d *repositoryDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository"
}

func (d *repositoryDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a Quay repository with the number of its tags and when one was last pushed.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{MarkdownDescription: "Organization or user the repository belongs to.", Required: true, Validators: namespaceNameValidators("namespace")},
			"name": schema.StringAttribute{MarkdownDescription: "Repository name (a nested name keeps its `/`).", Required: true, Validators: []validator.String{
				stringvalidator.LengthBetween(1, 255),
				stringvalidator.RegexMatches(repositoryNamePattern, "must be lowercase letters, digits, '.', '_' and '-', starting with a letter or digit, with '/' between the parts of a nested name"),
			}},
			"visibility":      schema.StringAttribute{MarkdownDescription: "`public` or `private`.", Computed: true},
			"description":     schema.StringAttribute{MarkdownDescription: "Description (Markdown); empty when there is none.", Computed: true},
			"state":           schema.StringAttribute{MarkdownDescription: "`NORMAL`, `READ_ONLY`, `MIRROR` or `ORG_MIRROR`.", Computed: true},
			"is_organization": schema.BoolAttribute{MarkdownDescription: "Whether the namespace is an organization (else a user).", Computed: true},
			"can_write":       schema.BoolAttribute{MarkdownDescription: "Whether the token's user may push (false whenever the state is not `NORMAL`).", Computed: true},
			"can_admin":       schema.BoolAttribute{MarkdownDescription: "Whether the token's user administers the repository.", Computed: true},
			"tag_count":       schema.Int64Attribute{MarkdownDescription: "Number of live tags.", Computed: true},
			"last_modified":   schema.StringAttribute{MarkdownDescription: "When a tag was last pushed or moved (RFC 3339, UTC); empty when the repository has no tags.", Computed: true},
		},
	}
}

func (d *repositoryDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *repositoryDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg repositoryDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := d.data.client
	ns, name := cfg.Namespace.ValueString(), cfg.Name.ValueString()
	repo, err := c.GetRepository(ctx, ns, name, true)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read repository %s/%s", ns, name), err)
		return
	}
	count := len(repo.Tags)
	if count >= repositoryViewTagLimit {
		// The view stops at 500 tags; the tag list pages through all.
		if count, err = c.CountActiveTags(ctx, ns, name); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to count the tags of repository %s/%s", ns, name), err)
			return
		}
	}
	cfg.Visibility = types.StringValue(visibilityOf(repo.IsPublic))
	description := ""
	if repo.Description != nil {
		description = *repo.Description
	}
	cfg.Description = types.StringValue(description)
	cfg.State = types.StringValue(repo.State)
	cfg.IsOrganization = types.BoolValue(repo.IsOrganization)
	cfg.CanWrite = types.BoolValue(repo.CanWrite)
	cfg.CanAdmin = types.BoolValue(repo.CanAdmin)
	cfg.TagCount = types.Int64Value(int64(count))
	cfg.LastModified = types.StringValue(newestTagTime(repo.Tags))
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

// newestTagTime is the latest last_modified of the tags (Quay writes them
// as RFC 2822 dates) in RFC 3339, or "" when there is none.
func newestTagTime(tags map[string]quay.RepositoryTag) string {
	var newest time.Time
	for _, t := range tags {
		at, err := time.Parse(time.RFC1123Z, t.LastModified)
		if err == nil && at.After(newest) {
			newest = at
		}
	}
	if newest.IsZero() {
		return ""
	}
	return newest.UTC().Format(time.RFC3339)
}
