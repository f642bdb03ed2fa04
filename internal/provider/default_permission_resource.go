package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*defaultPermissionResource)(nil)
	_ resource.ResourceWithImportState      = (*defaultPermissionResource)(nil)
	_ resource.ResourceWithIdentity         = (*defaultPermissionResource)(nil)
	_ resource.ResourceWithConfigValidators = (*defaultPermissionResource)(nil)
)

// NewDefaultPermissionResource is the quay_default_permission resource.
func NewDefaultPermissionResource() resource.Resource { return &defaultPermissionResource{} }

type defaultPermissionResource struct {
	data *providerData
}

type defaultPermissionModel struct {
	Organization       types.String `tfsdk:"organization"`
	Role               types.String `tfsdk:"role"`
	DelegateTeam       types.String `tfsdk:"delegate_team"`
	DelegateUsername   types.String `tfsdk:"delegate_username"`
	ActivatingUsername types.String `tfsdk:"activating_username"`
	ID                 types.String `tfsdk:"id"`
}

type defaultPermissionIdentityModel struct {
	Organization types.String `tfsdk:"organization"`
	ID           types.String `tfsdk:"id"`
}

// repositoryRoleValues are the roles of repository permissions and of
// default permissions.
var repositoryRoleValues = []string{"read", "write", "admin"}

// accountRegexp is a user name or a robot's full name (namespace+short),
// each part following Quay's namespace rule.
var accountRegexp = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\+[a-z0-9]+(?:[._-][a-z0-9]+)*)?$`)

// accountNameValidators reject user and robot names Quay would never
// have, at plan time.
func accountNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(2, 511),
		stringvalidator.RegexMatches(accountRegexp,
			"must be a Quay user name, or a robot's full name namespace+name: lowercase letters and digits, optionally separated by single '.', '_' or '-'"),
	}
}

func (r *defaultPermissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_default_permission"
}

func (r *defaultPermissionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A default permission of a Quay organization (Quay's permission prototype): when a repository is created in the organization " +
			"(by `activating_username`, or by anybody when that is unset), Quay grants the delegate, a team or a user or robot, `role` on it. " +
			"Quay applies default permissions once, when the repository is created: existing repositories are never changed, and changing or deleting a default permission leaves the grants it made.\n\n" +
			"Quay accepts identical default permissions and tells them apart only by an id it assigns. So that applying never makes a second copy, " +
			"creating one that has the same delegate and activating user as an existing one fails before any change and says how to import it (`organization/id`), " +
			"and a create whose answer was lost adopts the default permission it made.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization the default permission belongs to (user namespaces have none). Changing it replaces the default permission.",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role": schema.StringAttribute{
				MarkdownDescription: "Role granted on each new repository: `read`, `write` or `admin`. Updated in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(repositoryRoleValues...)},
			},
			"delegate_team": schema.StringAttribute{
				MarkdownDescription: "Team of the organization that gets the role. Exactly one of `delegate_team` and `delegate_username` is set. Changing it replaces the default permission.",
				Optional:            true,
				Validators:          namespaceNameValidators("team"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"delegate_username": schema.StringAttribute{
				MarkdownDescription: "User, or robot as `namespace+name`, that gets the role. Exactly one of `delegate_team` and `delegate_username` is set. " +
					"Quay does not check that the user is a member of the organization or that a robot belongs to it; a robot of another namespace is refused at plan. Changing it replaces the default permission.",
				Optional:      true,
				Validators:    accountNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"activating_username": schema.StringAttribute{
				MarkdownDescription: "Only repositories created by this user (or robot, as `namespace+name`) get the grant. Unset: repositories created by anybody. " +
					"For the same delegate, a default permission for the creating user wins over one for anybody. Changing it replaces the default permission.",
				Optional:      true,
				Validators:    accountNameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "Id Quay assigned to the default permission (a UUID).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *defaultPermissionResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("delegate_team"), path.MatchRoot("delegate_username")),
		robotInNamespaceValidator{robot: path.Root("delegate_username"), namespace: path.Root("organization"), what: "default permission"},
		robotInNamespaceValidator{robot: path.Root("activating_username"), namespace: path.Root("organization"), what: "default permission"},
	}
}

func (r *defaultPermissionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"organization": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization the default permission belongs to."},
		"id":           identityschema.StringAttribute{RequiredForImport: true, Description: "Id Quay assigned to the default permission."},
	}}
}

func (r *defaultPermissionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// prototypeKey is what tells default permissions apart for people: the
// delegate and the activating user (the role is what one updates).
func prototypeKey(p *quay.Prototype) string {
	key := p.Delegate.Kind + ":" + p.Delegate.Name
	if p.ActivatingUser != nil {
		key += " by " + p.ActivatingUser.Name
	}
	return key
}

func (m *defaultPermissionModel) key() string {
	key := "user:" + m.DelegateUsername.ValueString()
	if !m.DelegateTeam.IsNull() {
		key = "team:" + m.DelegateTeam.ValueString()
	}
	if !m.ActivatingUsername.IsNull() {
		key += " by " + m.ActivatingUsername.ValueString()
	}
	return key
}

func (m *defaultPermissionModel) describe() string {
	who := fmt.Sprintf("user %q", m.DelegateUsername.ValueString())
	if !m.DelegateTeam.IsNull() {
		who = fmt.Sprintf("team %q", m.DelegateTeam.ValueString())
	}
	s := fmt.Sprintf("default permission of organization %q for %s", m.Organization.ValueString(), who)
	if !m.ActivatingUsername.IsNull() {
		s += fmt.Sprintf(" on repositories created by %q", m.ActivatingUsername.ValueString())
	}
	return s
}

func (m *defaultPermissionModel) request() quay.CreatePrototypeRequest {
	req := quay.CreatePrototypeRequest{Role: m.Role.ValueString(), Delegate: quay.PrototypeDelegate{Kind: "user", Name: m.DelegateUsername.ValueString()}}
	if !m.DelegateTeam.IsNull() {
		req.Delegate = quay.PrototypeDelegate{Kind: "team", Name: m.DelegateTeam.ValueString()}
	}
	if !m.ActivatingUsername.IsNull() {
		req.ActivatingUser = &quay.PrototypeUserName{Name: m.ActivatingUsername.ValueString()}
	}
	return req
}

func (r *defaultPermissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan defaultPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	org := plan.Organization.ValueString()
	// Quay accepts duplicates, so the list taken first both refuses a copy
	// of an existing default permission and tells the one a create with a
	// lost answer made from older ones.
	before, err := c.ListPrototypes(ctx, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the default permissions of organization %q", org), err)
		return
	}
	for i := range before {
		if prototypeKey(&before[i]) == plan.key() {
			addAlreadyExistsError(&resp.Diagnostics, "quay_default_permission", "the "+plan.describe(), org+"/"+before[i].ID,
				fmt.Sprintf("It has the id %q and grants %q.", before[i].ID, before[i].Role))
			return
		}
	}
	p, err := c.CreatePrototype(ctx, org, plan.request())
	if err != nil && quay.IsAmbiguous(err) {
		if adopted := adoptNewPrototype(ctx, c, org, plan.key(), before); adopted != nil {
			tflog.Warn(ctx, "default permission create failed ambiguously; adopting the one Quay made", map[string]any{"organization": org, "id": adopted.ID})
			p, err = adopted, nil
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create the %s", plan.describe()), err)
		return
	}
	if p.Role != plan.Role.ValueString() {
		// An adopted default permission may carry another role if someone
		// changed it meanwhile; set the planned one.
		if p, err = c.UpdatePrototype(ctx, org, p.ID, plan.Role.ValueString()); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to set the role of the %s", plan.describe()), err)
			return
		}
	}
	prototypeToModel(p, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setDefaultPermissionIdentity(ctx, org, p.ID, resp.Identity, &resp.Diagnostics)
}

// adoptNewPrototype finds the one default permission with key that was not
// in before; nil when there is not exactly one.
func adoptNewPrototype(ctx context.Context, c *quay.Client, org, key string, before []quay.Prototype) *quay.Prototype {
	after, err := c.ListPrototypes(ctx, org)
	if err != nil {
		return nil
	}
	var known []string
	for _, p := range before {
		known = append(known, p.ID)
	}
	var found *quay.Prototype
	for i := range after {
		if prototypeKey(&after[i]) == key && !slices.Contains(known, after[i].ID) {
			if found != nil {
				return nil
			}
			found = &after[i]
		}
	}
	return found
}

// findPrototype reads the default permission by id from the organization's
// list (Quay has no call that reads one); nil when it is gone.
func findPrototype(ctx context.Context, c *quay.Client, org, id string) (*quay.Prototype, error) {
	list, err := c.ListPrototypes(ctx, org)
	if quay.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], nil
		}
	}
	return nil, nil
}

func (r *defaultPermissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state defaultPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, id := state.Organization.ValueString(), state.ID.ValueString()
	setDefaultPermissionIdentity(ctx, org, id, resp.Identity, &resp.Diagnostics)
	p, err := findPrototype(ctx, r.data.client, org, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read default permission %s/%s", org, id), err)
		return
	}
	if p == nil {
		tflog.Warn(ctx, "default permission no longer exists in Quay; removing it from state", map[string]any{"organization": org, "id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	prototypeToModel(p, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *defaultPermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state defaultPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, id := state.Organization.ValueString(), state.ID.ValueString()
	p, err := r.data.client.UpdatePrototype(ctx, org, id, plan.Role.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update default permission %s/%s", org, id), err)
		return
	}
	prototypeToModel(p, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setDefaultPermissionIdentity(ctx, org, id, resp.Identity, &resp.Diagnostics)
}

func (r *defaultPermissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state defaultPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, id := state.Organization.ValueString(), state.ID.ValueString()
	if err := r.data.client.DeletePrototype(ctx, org, id); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete default permission %s/%s", org, id), err)
	}
}

func (r *defaultPermissionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOrgChild(ctx, req, resp, "id", "organization/id")
}

// prototypeToModel copies a default permission as Quay shows it into m.
func prototypeToModel(p *quay.Prototype, m *defaultPermissionModel) {
	m.ID = types.StringValue(p.ID)
	m.Role = types.StringValue(p.Role)
	m.DelegateTeam, m.DelegateUsername = types.StringNull(), types.StringNull()
	if p.Delegate.Kind == "team" {
		m.DelegateTeam = types.StringValue(p.Delegate.Name)
	} else {
		m.DelegateUsername = types.StringValue(p.Delegate.Name)
	}
	m.ActivatingUsername = types.StringNull()
	if p.ActivatingUser != nil {
		m.ActivatingUsername = types.StringValue(p.ActivatingUser.Name)
	}
}

func setDefaultPermissionIdentity(ctx context.Context, org, id string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, defaultPermissionIdentityModel{Organization: types.StringValue(org), ID: types.StringValue(id)})...)
}

// robotInNamespaceValidator refuses, at plan, a robot (namespace+name) at
// robot whose namespace is not the one at namespace: Quay grants robots
// only in their own namespace.
type robotInNamespaceValidator struct {
	robot, namespace path.Path
	what             string
}

func (v robotInNamespaceValidator) Description(context.Context) string {
	return "a robot must belong to the namespace it is granted in"
}

func (v robotInNamespaceValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v robotInNamespaceValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	validateRobotNamespace(ctx, req.Config, v.robot, v.namespace, v.what, &resp.Diagnostics)
}

// validateRobotNamespace checks a robot's namespace against another
// attribute; unknown or unset values pass. namespace may name a repository
// ("namespace/name"), whose first part is compared.
func validateRobotNamespace(ctx context.Context, cfg tfsdk.Config, robotPath, nsPath path.Path, what string, diags *diag.Diagnostics) {
	var robot, ns types.String
	diags.Append(cfg.GetAttribute(ctx, robotPath, &robot)...)
	diags.Append(cfg.GetAttribute(ctx, nsPath, &ns)...)
	if diags.HasError() || robot.IsNull() || robot.IsUnknown() || ns.IsNull() || ns.IsUnknown() {
		return
	}
	owner, _, isRobot := strings.Cut(robot.ValueString(), "+")
	namespace, _, _ := strings.Cut(ns.ValueString(), "/")
	if isRobot && owner != namespace {
		diags.AddAttributeError(robotPath, "Robot of another namespace",
			fmt.Sprintf("Robot %q belongs to namespace %q, but this %s is in %q: Quay grants robots only in their own namespace. Use a robot of %q.",
				robot.ValueString(), owner, what, namespace, namespace))
	}
}
