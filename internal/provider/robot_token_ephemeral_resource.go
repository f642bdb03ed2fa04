package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*robotTokenEphemeralResource)(nil)

// NewRobotTokenEphemeralResource is the quay_robot_token ephemeral resource.
func NewRobotTokenEphemeralResource() ephemeral.EphemeralResource {
	return &robotTokenEphemeralResource{}
}

type robotTokenEphemeralResource struct{ data *providerData }

// robotTokenModel is the ephemeral resource's and the data source's shape.
type robotTokenModel struct {
	Namespace types.String `tfsdk:"namespace"`
	Name      types.String `tfsdk:"name"`
	FullName  types.String `tfsdk:"full_name"`
	Token     types.String `tfsdk:"token"`
}

const robotTokenFullNameDescription = "The robot's account name, `namespace+name`: the user name that goes with the token (`docker login -u`)."

func (e *robotTokenEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_robot_token"
}

func (e *robotTokenEphemeralResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Opens the current token of a robot account for the length of one Terraform run, without writing it to state or to a plan: " +
			"use it in a provider block (for example a Docker or Kubernetes provider's registry credentials) or in a write-only attribute. " +
			"Needs Terraform 1.10 or later, or OpenTofu 1.11 or later; on older CLIs use the `quay_robot_token` data source, which stores the token in state. " +
			"Reading a token needs an administrator of the robot's organization (or a superuser with full access), or the robot's own user.",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{MarkdownDescription: "Organization that owns the robot, or the token's own user name for a personal robot.", Required: true, Validators: namespaceNameValidators("namespace")},
			"name":      schema.StringAttribute{MarkdownDescription: "Short name of the robot, without the namespace.", Required: true, Validators: namespaceNameValidators("robot")},
			"full_name": schema.StringAttribute{MarkdownDescription: robotTokenFullNameDescription, Computed: true},
			"token":     schema.StringAttribute{MarkdownDescription: "The robot's token: its password for `docker login` and the registry API.", Computed: true, Sensitive: true},
		},
	}
}

func (e *robotTokenEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (e *robotTokenEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m robotTokenModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	readRobotToken(ctx, e.data, &m, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

// readRobotToken fills m's full name and token with one robot read.
func readRobotToken(ctx context.Context, pd *providerData, m *robotTokenModel, diags *diag.Diagnostics) {
	owner := robotOwner(pd, m.Namespace.ValueString())
	full := owner.FullName(m.Name.ValueString())
	robot, err := pd.client.GetRobot(ctx, owner, m.Name.ValueString())
	if quay.IsNotFound(err) {
		diags.AddError("Robot not found", fmt.Sprintf("Quay has no robot %s.", full))
		return
	}
	if err != nil {
		addAPIError(diags, fmt.Sprintf("Unable to read robot %s", full), err)
		return
	}
	if robot.Token == nil || *robot.Token == "" {
		diags.AddError("Quay did not show the robot's token",
			fmt.Sprintf("Quay answered for robot %s without its token: it shows tokens only to administrators of the robot's organization, superusers with FEATURE_SUPERUSERS_FULL_ACCESS, and the owner of a personal robot. The token acts as %q.", full, pd.me.Username))
		return
	}
	m.FullName = types.StringValue(robot.Name)
	m.Token = types.StringValue(*robot.Token)
}
