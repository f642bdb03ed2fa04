package provider

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure   = (*userResource)(nil)
	_ resource.ResourceWithImportState = (*userResource)(nil)
	_ resource.ResourceWithIdentity    = (*userResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*userResource)(nil)
)

// NewUserResource is the quay_user resource.
func NewUserResource() resource.Resource { return &userResource{} }

type userResource struct {
	data *providerData
}

type userResourceModel struct {
	Username          types.String   `tfsdk:"username"`
	Email             types.String   `tfsdk:"email"`
	Enabled           types.Bool     `tfsdk:"enabled"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	GeneratedPassword types.String   `tfsdk:"generated_password"`
	Superuser         types.Bool     `tfsdk:"superuser"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

type userIdentityModel struct {
	Username types.String `tfsdk:"username"`
}

// passwordRegexp is Quay's password rule: at least 8 characters, no whitespace.
var passwordRegexp = regexp.MustCompile(`^\S{8,}$`)

// passwordValidator applies Quay's password rule without echoing the
// value, which the generic validators would print in the error.
type passwordValidator struct{}

func (passwordValidator) Description(context.Context) string {
	return "must be at least 8 characters long and contain no whitespace"
}

func (v passwordValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v passwordValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || passwordRegexp.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid password", "The password "+v.Description(ctx)+" (the value is not shown).")
}

func (r *userResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user"
}

func (r *userResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Quay user account, managed through the superuser API. Needs a superuser token and Quay's `Database` authentication. Superusers themselves cannot be changed or deleted through the API.",
		Attributes: map[string]schema.Attribute{
			"username": schema.StringAttribute{
				MarkdownDescription: "Login name: 2 to 255 characters, lowercase letters and digits separated by single `.`, `_` or `-`; must not be used by any user or organization. Changing it replaces the user. Quay after 3.18.0 keeps the name of a deleted user or organization reserved until its namespace garbage collector runs; a create of such a name waits for it (see `timeouts`).",
				Required:            true,
				Validators:          namespaceNameValidators("user"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "E-mail address of the user. Required by Quay when it sends mail (`FEATURE_MAILING`). When unset, Quay stores a random placeholder, which is shown here.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{emailValidator{}},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether the user may log in. Defaults to `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"password_wo": schema.StringAttribute{
				MarkdownDescription: "Password to set, at least 8 characters without whitespace. Write-only: it is sent to Quay and never stored in state or plan. Quay cannot create a user with a chosen password, so it is set right after creation. Change `password_wo_version` to set a new one.",
				Optional:            true,
				WriteOnly:           true,
				Sensitive:           true,
				Validators: []validator.String{
					passwordValidator{},
					stringvalidator.AlsoRequires(path.MatchRoot("password_wo_version")),
				},
			},
			"password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `password_wo`. Any change sends the current `password_wo` to Quay; keep it unchanged and the password is left alone.",
				Optional:            true,
				Validators: []validator.Int64{
					int64validator.AlsoRequires(path.MatchRoot("password_wo")),
				},
			},
			"generated_password": schema.StringAttribute{
				MarkdownDescription: "The password Quay generated when it created the user, when no `password_wo` is configured; Quay returns it only once, so it is kept in state (sensitive). Null when a password was configured at creation or the user was imported; it stays as it was when a password is set later, though it then no longer works.",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"superuser": schema.BoolAttribute{
				MarkdownDescription: "Whether the user is a superuser (listed in Quay's `SUPER_USERS`). Superusers cannot be updated or deleted through the API.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{"timeouts": nameWaitTimeoutsBlock(ctx, "user")},
	}
}

func (r *userResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"username": identityschema.StringAttribute{RequiredForImport: true, Description: "Login name of the user."},
	}}
}

func (r *userResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, changes Quay's API cannot make: it
// neither updates nor deletes superusers.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.Superuser.ValueBool() {
		return
	}
	name := state.Username.ValueString()
	if req.Plan.Raw.IsNull() {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot delete superuser %q", name),
			"Quay's API cannot delete a superuser. Remove the user from SUPER_USERS in Quay's configuration first, or drop it from Terraform with a `removed` block.")
		return
	}
	var plan userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Email.Equal(state.Email) && !plan.Email.IsUnknown() || !plan.Enabled.Equal(state.Enabled) || !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) {
		resp.Diagnostics.AddError(fmt.Sprintf("Cannot update superuser %q", name),
			"Quay's API cannot change a superuser's e-mail, password or enabled flag. Make the change in Quay itself, or remove the user from SUPER_USERS first.")
	}
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	name := plan.Username.ValueString()
	waitFor, diags := plan.Timeouts.Create(ctx, defaultNameWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	var created *quay.CreatedUser
	err := createReusingName(ctx, c, waitFor, "user", name, func(ctx context.Context) (err error) {
		created, err = c.CreateUser(ctx, quay.CreateUserRequest{Username: name, Email: plan.Email.ValueString()})
		return err
	})
	generated := types.StringNull()
	switch {
	case err == nil:
		if cfg.PasswordWO.IsNull() {
			generated = types.StringValue(created.Password)
		}
	case quay.IsAmbiguous(err):
		// The answer was lost; if Quay made the user, adopt it. Its
		// generated password is lost with the answer.
		if _, getErr := c.GetUser(ctx, name); getErr != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create user %q", name), err)
			return
		}
		tflog.Warn(ctx, "user create failed ambiguously but the user exists; adopting it", map[string]any{"username": name})
	default:
		addCreateError(&resp.Diagnostics, fmt.Sprintf("Unable to create user %q", name), err)
		return
	}

	update := quay.UpdateUserRequest{}
	needUpdate := false
	if !cfg.PasswordWO.IsNull() {
		update.Password = cfg.PasswordWO.ValueStringPointer()
		needUpdate = true
	}
	if !plan.Enabled.ValueBool() {
		update.Enabled = plan.Enabled.ValueBoolPointer()
		needUpdate = true
	}
	if needUpdate {
		if err := c.UpdateUser(ctx, name, update); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to set the password or enabled flag of new user %q", name), err)
			// Roll back: a user without its configured password must not
			// linger. The failed update may still have disabled it.
			if delErr := r.deleteUser(ctx, name, update.Enabled != nil); delErr != nil {
				resp.Diagnostics.AddError(fmt.Sprintf("User %q was created but could not be removed again", name), quay.ErrorMessage(delErr))
				plan.GeneratedPassword = generated
				plan.Superuser = types.BoolValue(false)
				if plan.Email.IsUnknown() {
					plan.Email = types.StringNull()
				}
				resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			}
			return
		}
	}

	u, err := c.GetUser(ctx, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("User %q was created but could not be read back", name), err)
		plan.GeneratedPassword = generated
		plan.Superuser = types.BoolValue(false)
		if plan.Email.IsUnknown() {
			plan.Email = types.StringNull()
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	plan.GeneratedPassword = generated
	userToModel(u, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setUserIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Username.ValueString()
	u, err := r.data.client.GetUser(ctx, name)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "user no longer exists in Quay; removing it from state", map[string]any{"username": name})
		setUserIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read user %q", name), err)
		return
	}
	userToModel(u, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setUserIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, cfg userResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Username.ValueString()
	update := quay.UpdateUserRequest{}
	changed := false
	if !plan.Email.IsUnknown() && !plan.Email.IsNull() && !plan.Email.Equal(state.Email) {
		update.Email = plan.Email.ValueStringPointer()
		changed = true
	}
	if !plan.Enabled.Equal(state.Enabled) {
		update.Enabled = plan.Enabled.ValueBoolPointer()
		changed = true
	}
	if !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) && !cfg.PasswordWO.IsNull() {
		tflog.Debug(ctx, "password_wo_version changed: sending the write-only password", map[string]any{"username": name})
		update.Password = cfg.PasswordWO.ValueStringPointer()
		changed = true
	}
	if changed {
		if err := r.data.client.UpdateUser(ctx, name, update); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update user %q", name), err)
			return
		}
	}
	// Quay's PUT answer shows the old enabled flag: read the user again.
	u, err := r.data.client.GetUser(ctx, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read user %q after updating it", name), err)
		return
	}
	plan.GeneratedPassword = state.GeneratedPassword
	userToModel(u, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setUserIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
}

// deleteUser deletes the user and checks that it is gone. Quay answers 204
// to deleting a disabled user but keeps it, so a user that is (or may be)
// disabled is enabled first, and one found disabled afterwards, behind
// Terraform's back, is enabled and deleted once more.
func (r *userResource) deleteUser(ctx context.Context, name string, disabled bool) error {
	c := r.data.client
	deleteOnce := func(disabled bool) error {
		if disabled {
			enable := true
			if err := c.UpdateUser(ctx, name, quay.UpdateUserRequest{Enabled: &enable}); err != nil {
				return err
			}
		}
		return c.DeleteUser(ctx, name)
	}
	if err := deleteOnce(disabled); err != nil {
		if quay.IsNotFound(err) {
			return nil
		}
		return err
	}
	retried := false
	err := waitUntilGone(ctx, 2*time.Minute, func(ctx context.Context) (bool, error) {
		u, err := c.GetUser(ctx, name)
		if quay.IsNotFound(err) {
			return true, nil
		}
		if err == nil && !u.Enabled && !retried {
			retried = true
			if err := deleteOnce(true); err != nil && !quay.IsNotFound(err) {
				return false, err
			}
		}
		return false, err
	})
	if err != nil {
		return fmt.Errorf("quay accepted the deletion but the user is still readable: %w", err)
	}
	return nil
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Username.ValueString()
	// State was refreshed just before, so Enabled says whether Quay's
	// disabled-user quirk applies.
	if err := r.deleteUser(ctx, name, !state.Enabled.ValueBool()); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete user %q", name), err)
	}
}

func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("username"), path.Root("username"), req, resp)
}

func userToModel(u *quay.User, m *userResourceModel) {
	m.Username = types.StringValue(u.Username)
	m.Email = types.StringValue(u.Email)
	m.Enabled = types.BoolValue(u.Enabled)
	m.Superuser = types.BoolValue(u.SuperUser)
	m.PasswordWO = types.StringNull()
	if m.GeneratedPassword.IsUnknown() {
		m.GeneratedPassword = types.StringNull()
	}
}

func setUserIdentity(ctx context.Context, name string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, userIdentityModel{Username: types.StringValue(name)})...)
}
