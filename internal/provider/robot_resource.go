package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure      = (*robotResource)(nil)
	_ resource.ResourceWithImportState    = (*robotResource)(nil)
	_ resource.ResourceWithIdentity       = (*robotResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*robotResource)(nil)
	_ resource.ResourceWithValidateConfig = (*robotResource)(nil)
)

// NewRobotResource is the quay_robot resource.
func NewRobotResource() resource.Resource { return &robotResource{} }

type robotResource struct {
	data *providerData
}

type robotResourceModel struct {
	Namespace            types.String `tfsdk:"namespace"`
	Name                 types.String `tfsdk:"name"`
	FullName             types.String `tfsdk:"full_name"`
	Description          types.String `tfsdk:"description"`
	UnstructuredMetadata types.Map    `tfsdk:"unstructured_metadata"`
	TokenVersion         types.Int64  `tfsdk:"token_version"`
	Federation           types.Set    `tfsdk:"federation"`
}

type robotIdentityModel struct {
	Namespace types.String `tfsdk:"namespace"`
	Name      types.String `tfsdk:"name"`
}

type robotFederationModel struct {
	Issuer  types.String `tfsdk:"issuer"`
	Subject types.String `tfsdk:"subject"`
}

var robotFederationType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"issuer":  types.StringType,
	"subject": types.StringType,
}}

// Federation is served for organization robots since Quay 3.13 and for
// user robots since 3.18 (quay-api.md §12.5, §24).
var (
	robotFederationOrgSince  = [2]int{3, 13}
	robotFederationUserSince = [2]int{3, 18}
)

var httpURLPrefix = regexp.MustCompile(`^https?://`)

func (r *robotResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_robot"
}

func (r *robotResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A robot account of an organization or of the token's own user: the credentials pipelines push and pull with. " +
			"The robot's token never enters Terraform's state or plan: read it with the `quay_robot_token` ephemeral resource (or, on CLIs without ephemeral resources, the `quay_robot_token` data source, which does store it). " +
			"Quay cannot change a robot: a new `description` or `unstructured_metadata` replaces it, which issues a new token and makes Quay drop the robot's team memberships, repository permissions and default permissions. " +
			"Refer to the robot through `full_name` elsewhere, so that those are planned again and restored in the same apply. " +
			"A create never takes over a robot that already exists: import it instead (`namespace/name`).",
		Attributes: map[string]schema.Attribute{
			"namespace": schema.StringAttribute{
				MarkdownDescription: "Organization that owns the robot, or the token's own user name for a personal robot. Quay's user robot calls always act on the token's own user, a superuser's too, so robots of other users cannot be managed (the plan says so). Changing it replaces the robot.",
				Required:            true,
				Validators:          namespaceNameValidators("namespace"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Short name of the robot, without the namespace: 2 to 255 lowercase letters and digits, optionally separated by single `.`, `_` or `-`. Changing it replaces the robot.",
				Required:            true,
				Validators:          namespaceNameValidators("robot"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"full_name": schema.StringAttribute{
				MarkdownDescription: "The robot's account name, `namespace+name`: its user name for `docker login` and the name to use in team memberships, repository permissions and default permissions. Unknown in a plan that replaces the robot, so that whatever refers to it is planned again.",
				Computed:            true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description, at most 255 characters. Defaults to empty. Quay has no update for robots: changing it replaces the robot, with a new token.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{stringvalidator.LengthAtMost(255)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"unstructured_metadata": schema.MapAttribute{
				MarkdownDescription: "Free-form string metadata stored with the robot. Quay has no update for robots: changing it replaces the robot, with a new token. When unset, metadata set outside Terraform shows up as drift.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Map{mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1))},
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"token_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number from one value to another to regenerate the robot's token in place (the old token stops working at once); the robot, its memberships and permissions stay. " +
					"Setting it where it was unset (for example in the first apply after an import) or removing it regenerates nothing.",
				Optional: true,
			},
			"federation": schema.SetNestedAttribute{
				MarkdownDescription: "Identities trusted to act as the robot without its token (keyless authentication): an OIDC token from `issuer` whose subject is `subject` can be exchanged for a short-lived robot token. " +
					"When set, the set is authoritative: entries added outside Terraform are removed; `[]` removes them all. When unset, Terraform leaves the robot's federation alone. " +
					"Needs Quay 3.13 or later for organization robots and 3.18 or later for personal robots; the plan says when the server is older. Changes in place.",
				Optional: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"issuer": schema.StringAttribute{
						MarkdownDescription: "Issuer of the OIDC tokens, an `http://` or `https://` URL exactly as the tokens' `iss` claim spells it, for example `https://token.actions.githubusercontent.com`.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.RegexMatches(httpURLPrefix, "must be a URL starting with http:// or https://, exactly as the tokens' iss claim spells it")},
					},
					"subject": schema.StringAttribute{
						MarkdownDescription: "Subject (`sub` claim) the tokens must carry, for example `repo:acme/app:ref:refs/heads/main`.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
				}},
			},
		},
	}
}

func (r *robotResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"namespace": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization or user that owns the robot."},
		"name":      identityschema.StringAttribute{RequiredForImport: true, Description: "Short name of the robot."},
	}}
}

func (r *robotResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// robotOwner says which of Quay's robot paths serve namespace: the user
// paths for the token's own user, the organization paths otherwise.
func robotOwner(pd *providerData, namespace string) quay.RobotOwner {
	return quay.RobotOwner{Namespace: namespace, User: pd.me != nil && namespace == pd.me.Username}
}

// ValidateConfig refuses a full name longer than Quay's 255-character
// user name column, which Quay answers with a database error.
func (r *robotResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var ns, name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("namespace"), &ns)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	if resp.Diagnostics.HasError() || ns.IsNull() || ns.IsUnknown() || name.IsNull() || name.IsUnknown() {
		return
	}
	if n := len(ns.ValueString()) + 1 + len(name.ValueString()); n > 255 {
		resp.Diagnostics.AddAttributeError(path.Root("name"), "Robot name too long",
			fmt.Sprintf("The robot's full name %q would be %d characters long; Quay stores at most 255 (namespace, \"+\" and name together).", ns.ValueString()+"+"+name.ValueString(), n))
	}
}

// ModifyPlan plans full_name (unknown when the robot is replaced, so that
// memberships and grants that refer to it are planned again) and refuses,
// before any write, what this server cannot do.
func (r *robotResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state robotResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	creating := req.State.Raw.IsNull()
	if !creating {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// On a create full_name stays unknown. Terraform plans a replacement as
	// a create too, so whatever refers to the robot is planned again.
	if !creating {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("full_name"), state.FullName)...)
	}
	if r.data == nil || plan.Namespace.IsUnknown() {
		return
	}
	ns := plan.Namespace.ValueString()
	ic := r.data.instance
	if creating && ic != nil && ic.Config.RobotsDisallow {
		resp.Diagnostics.AddError("Robot accounts are turned off in this Quay",
			"This Quay has ROBOTS_DISALLOW: true in its configuration, so it refuses to create robots. Remove the robot from the configuration, or ask the Quay administrator to allow robot accounts.")
		return
	}
	owner := robotOwner(r.data, ns)
	if !plan.Federation.IsNull() && (creating || !plan.Federation.Equal(state.Federation)) {
		if !robotFederationServed(ic, owner) {
			since, what := robotFederationOrgSince, "organization robots"
			if owner.User {
				since, what = robotFederationUserSince, "personal (user namespace) robots"
			}
			resp.Diagnostics.AddAttributeError(path.Root("federation"), "Robot federation is not available on this Quay",
				fmt.Sprintf("Quay serves robot federation for %s since Quay %d.%d; this server reports %q. Remove the federation attribute, or upgrade Quay.", what, since[0], since[1], ic.VersionNumber))
		}
	}
	if creating || !plan.Namespace.Equal(state.Namespace) {
		r.refuseOtherUsersNamespace(ctx, owner, &resp.Diagnostics)
	}
}

// refuseOtherUsersNamespace fails the plan when namespace is another user:
// Quay's user robot paths always act on the token's own user. A namespace
// the token's user is known to belong to is an organization and costs no
// request; otherwise one public user lookup tells.
func (r *robotResource) refuseOtherUsersNamespace(ctx context.Context, owner quay.RobotOwner, diags *diag.Diagnostics) {
	me := r.data.me
	if owner.User || me == nil {
		return
	}
	for _, o := range me.Organizations {
		if o.Name == owner.Namespace {
			return
		}
	}
	isUser, err := r.data.isUser(ctx, owner.Namespace)
	if err != nil {
		tflog.Debug(ctx, "could not tell whether the robot's namespace is a user", map[string]any{"namespace": owner.Namespace, "error": err.Error()})
		return
	}
	if isUser {
		diags.AddAttributeError(path.Root("namespace"), "Robots of another user cannot be managed",
			fmt.Sprintf("%q is a user, and Quay's calls for personal robots always act on the token's own user (%q), even for a superuser. Manage %s's robots with a token of %s, or give the robot to an organization.",
				owner.Namespace, me.Username, owner.Namespace, owner.Namespace))
	}
}

// isUser asks Quay once per process whether name is a user account;
// plans of several robots of one namespace run at once and share the one
// lookup.
func (pd *providerData) isUser(ctx context.Context, name string) (bool, error) {
	v, _ := pd.userNamespaces.LoadOrStore(name, &userLookup{})
	l, _ := v.(*userLookup)
	l.once.Do(func() { l.isUser, l.err = pd.client.IsUser(ctx, name) })
	if l.err != nil {
		pd.userNamespaces.CompareAndDelete(name, l) // let a later plan try again
	}
	return l.isUser, l.err
}

// userLookup is one namespace's answer, looked up once.
type userLookup struct {
	once   sync.Once
	isUser bool
	err    error
}

func (r *robotResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan robotResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns, name := plan.Namespace.ValueString(), plan.Name.ValueString()
	owner := robotOwner(r.data, ns)
	full := owner.FullName(name)

	// Quay's create answers an existing robot with 400, but look first so
	// that the error can say how to import it, and so that a robot found
	// after a lost answer is known to be this create's.
	_, err := c.GetRobot(ctx, owner, name)
	switch {
	case err == nil:
		addAlreadyExistsError(&resp.Diagnostics, "quay_robot", "robot "+full, ns+"/"+name, "")
		return
	case !quay.IsNotFound(err):
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to check whether robot %s exists", full), err)
		return
	}
	metadata := map[string]string{}
	resp.Diagnostics.Append(plan.UnstructuredMetadata.ElementsAs(ctx, &metadata, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	robot, err := c.CreateRobot(ctx, owner, name, quay.CreateRobotRequest{Description: plan.Description.ValueString(), UnstructuredMetadata: metadata})
	if err != nil && (quay.IsAmbiguous(err) || robotExistsAnswer(err)) {
		// The robot was absent just before: one that exists now is ours,
		// made by an attempt whose answer was lost.
		if got, gerr := c.GetRobot(ctx, owner, name); gerr == nil {
			tflog.Warn(ctx, "robot create failed ambiguously; keeping the robot Quay made", map[string]any{"robot": full})
			robot, err = got, nil
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create robot %s", full), err)
		return
	}
	wantFederation := plan.Federation
	robotToModel(robot, &plan)
	if !wantFederation.IsNull() {
		plan.Federation = types.SetValueMust(robotFederationType, nil)
		entries := federationEntries(ctx, wantFederation, &resp.Diagnostics)
		if len(entries) > 0 {
			stored, ferr := c.SetRobotFederation(ctx, owner, name, entries)
			if ferr != nil {
				// The robot exists: keep it in state (Terraform marks it
				// tainted and replaces it on the next apply).
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Robot %s was created, but setting its federation failed", full), ferr)
			} else {
				plan.Federation = federationValue(stored)
			}
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRobotIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
}

// robotMirrorWait bounds how long a robot's destroy waits for the
// repository whose mirror names it to be deleted.
const robotMirrorWait = 2 * time.Minute

func robotUsedByMirror(err error) bool {
	return err != nil && strings.Contains(quay.ErrorMessage(err), "used by a mirror")
}

// robotExistsAnswer is Quay's refusal of a create for an existing robot,
// which a retried create meets when its first attempt was applied.
func robotExistsAnswer(err error) bool {
	return quay.IsStatus(err, http.StatusBadRequest) && strings.Contains(quay.ErrorMessage(err), "Existing robot with name")
}

func (r *robotResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state robotResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	owner := robotOwner(r.data, ns)
	setRobotIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
	robot, err := c.GetRobot(ctx, owner, name)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "robot no longer exists in Quay; removing it from state", map[string]any{"robot": owner.FullName(name)})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read robot %s", owner.FullName(name)), err)
		return
	}
	robotToModel(robot, &state)
	// Federation costs a second request, made only when it is managed.
	if !state.Federation.IsNull() {
		stored, err := c.GetRobotFederation(ctx, owner, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the federation of robot %s", owner.FullName(name)), err)
			return
		}
		state.Federation = federationValue(stored)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes what Quay can change in place: the federation list and,
// through token_version, the token. Everything else replaces the robot.
func (r *robotResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state robotResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	owner := robotOwner(r.data, ns)
	full := owner.FullName(name)
	plan.FullName = state.FullName
	if !plan.Federation.IsNull() && !plan.Federation.Equal(state.Federation) {
		entries := federationEntries(ctx, plan.Federation, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		stored, err := c.SetRobotFederation(ctx, owner, name, entries)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to set the federation of robot %s", full), err)
			return
		}
		plan.Federation = federationValue(stored)
	}
	if versionBumped(state.TokenVersion, plan.TokenVersion) {
		tflog.Info(ctx, "token_version changed: regenerating the robot's token", map[string]any{"robot": full})
		if _, err := c.RegenerateRobotToken(ctx, owner, name); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to regenerate the token of robot %s", full), err)
			// Keep the old version so that the next apply tries again.
			plan.TokenVersion = state.TokenVersion
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setRobotIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
}

func (r *robotResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state robotResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, name := state.Namespace.ValueString(), state.Name.ValueString()
	owner := robotOwner(r.data, ns)
	err := r.data.client.DeleteRobot(ctx, owner, name)
	// A mirror configuration keeps its robot even when disabled, until its
	// repository goes; when the same run deletes that repository, wait for it.
	deadline := time.Now().Add(robotMirrorWait)
	for wait := time.Second; robotUsedByMirror(err) && time.Now().Before(deadline); wait = min(2*wait, 10*time.Second) {
		tflog.Info(ctx, "robot still used by a repository mirror; waiting for the mirror's repository to go", map[string]any{"robot": owner.FullName(name)})
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		err = r.data.client.DeleteRobot(ctx, owner, name)
	}
	switch {
	case err == nil || quay.IsNotFound(err):
	case robotUsedByMirror(err):
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete robot %s: a repository mirror configuration names it (Quay keeps it, even disabled, until the repository is deleted); give the mirror another robot or delete the repository, then destroy the robot", owner.FullName(name)), err)
	default:
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete robot %s", owner.FullName(name)), err)
	}
}

// ImportState takes "namespace/name", or the full name "namespace+name".
func (r *robotResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ns, name string
	if req.ID != "" {
		var ok bool
		ns, name, ok = strings.Cut(req.ID, "/")
		if !ok {
			ns, name, ok = strings.Cut(req.ID, "+")
		}
		if !ok || ns == "" || name == "" || strings.ContainsAny(name, "/+") {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("Expected an ID of the form \"namespace/name\" or the robot's full name \"namespace+name\", got %q.", req.ID))
			return
		}
	} else {
		var id robotIdentityModel
		resp.Diagnostics.Append(req.Identity.Get(ctx, &id)...)
		if resp.Diagnostics.HasError() {
			return
		}
		ns, name = id.Namespace.ValueString(), id.Name.ValueString()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("namespace"), ns)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
	setRobotIdentity(ctx, ns, name, resp.Identity, &resp.Diagnostics)
}

// robotToModel copies what Quay says of the robot. Metadata left unset in
// the configuration stays null while Quay has none.
func robotToModel(robot *quay.Robot, m *robotResourceModel) {
	m.FullName = types.StringValue(robot.Name)
	m.Description = types.StringValue(robot.Description)
	if len(robot.UnstructuredMetadata) == 0 && m.UnstructuredMetadata.IsNull() {
		return
	}
	m.UnstructuredMetadata = metadataValue(robot.UnstructuredMetadata)
}

// metadataValue turns Quay's metadata into a map of strings; values that
// are not strings (set outside Terraform) are kept as their JSON text.
func metadataValue(md map[string]any) types.Map {
	elems := make(map[string]attr.Value, len(md))
	for k, v := range md {
		s, ok := v.(string)
		if !ok {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		elems[k] = types.StringValue(s)
	}
	return types.MapValueMust(types.StringType, elems)
}

func federationEntries(ctx context.Context, set types.Set, diags *diag.Diagnostics) []quay.RobotFederation {
	var models []robotFederationModel
	diags.Append(set.ElementsAs(ctx, &models, false)...)
	out := make([]quay.RobotFederation, 0, len(models))
	for _, m := range models {
		out = append(out, quay.RobotFederation{Issuer: m.Issuer.ValueString(), Subject: m.Subject.ValueString()})
	}
	return out
}

func federationValue(entries []quay.RobotFederation) types.Set {
	elems := make([]attr.Value, 0, len(entries))
	for _, e := range entries {
		elems = append(elems, types.ObjectValueMust(robotFederationType.AttrTypes, map[string]attr.Value{
			"issuer": types.StringValue(e.Issuer), "subject": types.StringValue(e.Subject),
		}))
	}
	return types.SetValueMust(robotFederationType, elems)
}

func setRobotIdentity(ctx context.Context, ns, name string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, robotIdentityModel{Namespace: types.StringValue(ns), Name: types.StringValue(name)})...)
}
