package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ datasource.DataSourceWithConfigure = (*robotDataSource)(nil)

// NewRobotDataSource is the quay_robot data source.
func NewRobotDataSource() datasource.DataSource { return &robotDataSource{} }

type robotDataSource struct{ data *providerData }

type robotDataModel struct {
	Namespace            types.String `tfsdk:"namespace"`
	Name                 types.String `tfsdk:"name"`
	FullName             types.String `tfsdk:"full_name"`
	Description          types.String `tfsdk:"description"`
	UnstructuredMetadata types.Map    `tfsdk:"unstructured_metadata"`
	Created              types.String `tfsdk:"created"`
	LastAccessed         types.String `tfsdk:"last_accessed"`
	Federation           types.Set    `tfsdk:"federation"`
}

func (d *robotDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_robot"
}

func (d *robotDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a robot account of an organization or of the token's own user, without its token (see the `quay_robot_token` ephemeral resource for that).",
		Attributes: map[string]schema.Attribute{
			"namespace":             schema.StringAttribute{MarkdownDescription: "Organization that owns the robot, or the token's own user name for a personal robot.", Required: true, Validators: namespaceNameValidators("namespace")},
			"name":                  schema.StringAttribute{MarkdownDescription: "Short name of the robot, without the namespace.", Required: true, Validators: namespaceNameValidators("robot")},
			"full_name":             schema.StringAttribute{MarkdownDescription: "The robot's account name, `namespace+name`.", Computed: true},
			"description":           schema.StringAttribute{MarkdownDescription: "Description; empty when there is none.", Computed: true},
			"unstructured_metadata": schema.MapAttribute{MarkdownDescription: "Metadata stored with the robot; values that are not strings are given as JSON.", Computed: true, ElementType: types.StringType},
			"created":               schema.StringAttribute{MarkdownDescription: "When the robot was created (RFC 3339, UTC).", Computed: true},
			"last_accessed":         schema.StringAttribute{MarkdownDescription: "When the robot last authenticated (RFC 3339, UTC); null when never, or when Quay does not record it (`FEATURE_USER_LAST_ACCESSED` off).", Computed: true},
			"federation": schema.SetNestedAttribute{
				MarkdownDescription: "Identities trusted to act as the robot (keyless authentication); null when the server is too old to have robot federation.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"issuer":  schema.StringAttribute{MarkdownDescription: "Issuer of the OIDC tokens.", Computed: true},
					"subject": schema.StringAttribute{MarkdownDescription: "Subject the tokens must carry.", Computed: true},
				}},
			},
		},
	}
}

func (d *robotDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *robotDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m robotDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := d.data.client
	owner := robotOwner(d.data, m.Namespace.ValueString())
	short := m.Name.ValueString()
	robot, err := c.GetRobot(ctx, owner, short)
	if quay.IsNotFound(err) {
		resp.Diagnostics.AddError("Robot not found", fmt.Sprintf("Quay has no robot %s.", owner.FullName(short)))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read robot %s", owner.FullName(short)), err)
		return
	}
	m.FullName = types.StringValue(robot.Name)
	m.Description = types.StringValue(robot.Description)
	m.UnstructuredMetadata = metadataValue(robot.UnstructuredMetadata)
	m.Created = rfc2822ToRFC3339(robot.Created)
	m.LastAccessed = types.StringNull()
	if robot.LastAccessed != nil {
		m.LastAccessed = rfc2822ToRFC3339(*robot.LastAccessed)
	}
	m.Federation = types.SetNull(robotFederationType)
	if robotFederationServed(d.data.instance, owner) {
		stored, err := c.GetRobotFederation(ctx, owner, short)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the federation of robot %s", owner.FullName(short)), err)
			return
		}
		m.Federation = federationValue(stored)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// robotFederationServed says whether the server has federation for the
// owner's robots (an unknown version counts as new enough).
func robotFederationServed(ic *quay.InstanceConfig, owner quay.RobotOwner) bool {
	since := robotFederationOrgSince
	if owner.User {
		since = robotFederationUserSince
	}
	return !ic.OlderThan(since[0], since[1])
}
