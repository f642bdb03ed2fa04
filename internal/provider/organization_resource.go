package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
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
	_ resource.ResourceWithConfigure   = (*organizationResource)(nil)
	_ resource.ResourceWithImportState = (*organizationResource)(nil)
	_ resource.ResourceWithIdentity    = (*organizationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*organizationResource)(nil)
)

// NewOrganizationResource is the quay_organization resource.
func NewOrganizationResource() resource.Resource { return &organizationResource{} }

type organizationResource struct {
	data *providerData
}

type organizationResourceModel struct {
	Name                types.String   `tfsdk:"name"`
	Email               types.String   `tfsdk:"email"`
	InvoiceEmail        types.Bool     `tfsdk:"invoice_email"`
	InvoiceEmailAddress types.String   `tfsdk:"invoice_email_address"`
	TagExpirationS      types.Int64    `tfsdk:"tag_expiration_s"`
	ForceDestroy        types.Bool     `tfsdk:"force_destroy"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

type organizationIdentityModel struct {
	Name types.String `tfsdk:"name"`
}

func (r *organizationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization"
}

func (r *organizationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Quay organization. Quay makes a team `owners` (role `admin`) in every new organization and puts the token's user in it.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the organization: 2 to 255 characters, lowercase letters and digits separated by single `.`, `_` or `-`. Must not be used by any user or organization. Changing it replaces the organization (and everything in it). Quay after 3.18.0 keeps the name of a deleted organization or user reserved until its namespace garbage collector runs; a create of such a name waits for it (see `timeouts`).",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Contact e-mail address of the organization. Empty (the default) means none. Quay 3.18+ requires it to be unused by any user; older versions with mailing on require it and require it unused by any account.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{emailValidator{allowEmpty: true}},
			},
			"invoice_email": schema.BoolAttribute{
				MarkdownDescription: "Whether Quay sends invoices to the organization by e-mail. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"invoice_email_address": schema.StringAttribute{
				MarkdownDescription: "Address invoices are sent to. Leave unset for none.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), emailValidator{}},
			},
			"tag_expiration_s": schema.Int64Attribute{
				MarkdownDescription: "How long, in seconds, tags removed from a repository stay recoverable (the time machine). Must be one of the instance's `TAG_EXPIRATION_OPTIONS` (by default 0, 86400, 604800, 1209600 or 2419200); the plan checks it against the server. When unset, Terraform does not manage it: Quay gives a new organization its `DEFAULT_TAG_EXPIRATION` (two weeks by default), the value Quay has is recorded in state, and a change made outside Terraform is not undone. When `FEATURE_CHANGE_TAG_EXPIRATION` is off, Quay would ignore it, so the plan refuses a value that differs from Quay's.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(0)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"force_destroy": schema.BoolAttribute{
				MarkdownDescription: "Whether a destroy may delete the organization while it still holds repositories that this configuration does not manage (managed ones are destroyed first); Quay deletes them with it. Defaults to `false`: the destroy then fails before deleting anything, naming how many repositories are left. Set it to `true` and apply before the destroy to allow it. Not sent to Quay.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
		},
		Blocks: map[string]schema.Block{"timeouts": nameWaitTimeoutsBlock(ctx, "organization")},
	}
}

func (r *organizationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"name": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "Name of the organization.",
			},
		},
	}
}

func (r *organizationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks tag_expiration_s against the server's allowed values,
// which a static validator cannot know.
func (r *organizationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil || r.data.instance == nil {
		return
	}
	var plan organizationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.TagExpirationS.IsNull() || plan.TagExpirationS.IsUnknown() {
		return
	}
	if on, reported := r.data.instance.Features["CHANGE_TAG_EXPIRATION"].(bool); reported && !on {
		var stateValue types.Int64
		if !req.State.Raw.IsNull() {
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("tag_expiration_s"), &stateValue)...)
		}
		if !stateValue.Equal(plan.TagExpirationS) {
			resp.Diagnostics.AddAttributeError(path.Root("tag_expiration_s"), "Tag expiration cannot be changed on this Quay",
				"This Quay has FEATURE_CHANGE_TAG_EXPIRATION turned off, so it would ignore tag_expiration_s. Remove the attribute, or turn the feature on.")
			return
		}
	}
	checkTagExpiration(r.data.instance, plan.TagExpirationS.ValueInt64(), path.Root("tag_expiration_s"), resp)
}

func checkTagExpiration(ic *quay.InstanceConfig, value int64, p path.Path, resp *resource.ModifyPlanResponse) {
	allowed := ic.TagExpirationSeconds()
	if len(allowed) == 0 || slices.Contains(allowed, value) {
		return
	}
	resp.Diagnostics.AddAttributeError(p, "Tag expiration not allowed by this Quay",
		fmt.Sprintf("tag_expiration_s = %d is not one of this instance's TAG_EXPIRATION_OPTIONS %v (seconds: %v).", value, ic.Config.TagExpirationOptions, allowed))
}

func (r *organizationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan organizationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	name := plan.Name.ValueString()
	waitFor, diags := plan.Timeouts.Create(ctx, defaultNameWaitTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}

	err := createReusingName(ctx, c, waitFor, "organization", name, func(ctx context.Context) error {
		return c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: name, Email: plan.Email.ValueString()})
	})
	if err != nil && quay.IsAmbiguous(err) {
		// The answer was lost; Quay may have made the org. Adopt it if so,
		// rather than fail now and "already exists" on the next run.
		if _, getErr := c.GetOrganization(ctx, name); getErr == nil {
			tflog.Warn(ctx, "organization create failed ambiguously but the organization exists; adopting it", map[string]any{"name": name, "error": err.Error()})
			err = nil
		}
	}
	if err != nil {
		addCreateError(&resp.Diagnostics, fmt.Sprintf("Unable to create organization %q", name), err)
		return
	}

	// Settings the create call does not take are applied with an update.
	update := quay.UpdateOrganizationRequest{}
	needUpdate := false
	if plan.InvoiceEmail.ValueBool() {
		update.InvoiceEmail = plan.InvoiceEmail.ValueBoolPointer()
		needUpdate = true
	}
	if !plan.InvoiceEmailAddress.IsNull() {
		update.InvoiceEmailAddress = plan.InvoiceEmailAddress.ValueStringPointer()
		needUpdate = true
	}
	if !plan.TagExpirationS.IsUnknown() && !plan.TagExpirationS.IsNull() {
		update.TagExpirationS = plan.TagExpirationS.ValueInt64Pointer()
		needUpdate = true
	}
	// Quay's PUT answers with the full organization view, so it doubles as
	// the read-back; without a PUT the organization is read.
	var org *quay.Organization
	if needUpdate {
		if org, err = c.UpdateOrganization(ctx, name, update); err != nil {
			// Roll back so a failed create leaves nothing behind.
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to configure new organization %q", name), err)
			if delErr := c.DeleteOrganization(ctx, name); delErr != nil && !quay.IsNotFound(delErr) {
				resp.Diagnostics.AddError(fmt.Sprintf("Organization %q was created but could not be removed again", name),
					"It is kept in state so that the next apply can fix or replace it. "+quay.ErrorMessage(delErr))
				resp.Diagnostics.Append(resp.State.Set(ctx, &organizationResourceModel{
					Name: plan.Name, Email: plan.Email, InvoiceEmail: types.BoolValue(false),
					InvoiceEmailAddress: types.StringNull(), TagExpirationS: types.Int64Null(), Timeouts: plan.Timeouts,
				})...)
			}
			return
		}
	} else if org, err = c.GetOrganization(ctx, name); err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Organization %q was created but could not be read back", name), err)
		// Keep the object in state (tainted) so it is not orphaned.
		plan.TagExpirationS = types.Int64Null()
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	r.setState(ctx, org, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	r.setIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
}

func (r *organizationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state organizationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	org, err := r.data.client.GetOrganization(ctx, name)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "organization no longer exists in Quay; removing it from state", map[string]any{"name": name})
		// The framework wants an identity even for a removed resource.
		r.setIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read organization %q", name), err)
		return
	}
	r.setState(ctx, org, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	r.setIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
}

func (r *organizationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state organizationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.Name.ValueString()

	// Send only what changed: Quay applies fields one at a time.
	update := quay.UpdateOrganizationRequest{}
	if !plan.Email.Equal(state.Email) {
		update.Email = plan.Email.ValueStringPointer()
	}
	if !plan.InvoiceEmail.Equal(state.InvoiceEmail) {
		update.InvoiceEmail = plan.InvoiceEmail.ValueBoolPointer()
	}
	if !plan.InvoiceEmailAddress.Equal(state.InvoiceEmailAddress) {
		addr := plan.InvoiceEmailAddress.ValueString() // "" clears it
		update.InvoiceEmailAddress = &addr
	}
	if !plan.TagExpirationS.IsUnknown() && !plan.TagExpirationS.Equal(state.TagExpirationS) {
		update.TagExpirationS = plan.TagExpirationS.ValueInt64Pointer()
	}

	// A successful PUT answers with the full organization view. A failed
	// one may still have saved some fields, so then the org is read again.
	org, updateErr := r.data.client.UpdateOrganization(ctx, name, update)
	if updateErr != nil {
		var err error
		if org, err = r.data.client.GetOrganization(ctx, name); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update organization %q", name), updateErr)
			return
		}
	}
	result := plan
	r.setState(ctx, org, &result, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if updateErr != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, &result)...)
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update organization %q", name), updateErr)
		return
	}
	if !plan.TagExpirationS.IsUnknown() && !plan.TagExpirationS.Equal(result.TagExpirationS) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &result)...)
		resp.Diagnostics.AddAttributeError(path.Root("tag_expiration_s"), "Quay ignored the tag expiration",
			fmt.Sprintf("Quay accepted tag_expiration_s = %d but still reports %d. The instance probably has FEATURE_CHANGE_TAG_EXPIRATION turned off.",
				plan.TagExpirationS.ValueInt64(), result.TagExpirationS.ValueInt64()))
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &result)...)
	r.setIdentity(ctx, name, resp.Identity, &resp.Diagnostics)
}

func (r *organizationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state organizationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := state.Name.ValueString()
	c := r.data.client
	if !state.ForceDestroy.ValueBool() {
		n, err := countRepositories(ctx, c, name)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the repositories of organization %q before deleting it", name), err)
			return
		}
		if n > 0 {
			resp.Diagnostics.AddError(fmt.Sprintf("Organization %q still holds %d repositories", name, n),
				fmt.Sprintf("Deleting the organization would delete its %d repositories (not managed in this configuration) with their images, and force_destroy is false, so nothing was deleted. "+
					"Delete or import the repositories, or set force_destroy = true on the organization and apply that change first, then destroy again.", n))
			return
		}
	}
	// Quay renames the org out of the way before it answers and purges it
	// later, so a GET answers 404 at once: there is nothing to wait for.
	if err := c.DeleteOrganization(ctx, name); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete organization %q", name), err)
	}
}

func (r *organizationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("name"), path.Root("name"), req, resp)
}

// setState copies Quay's view into m. Quay shows the settings only to org
// admins, so their absence means the token lacks rights, not drift.
func (r *organizationResource) setState(_ context.Context, org *quay.Organization, m *organizationResourceModel, diags *diag.Diagnostics) {
	if org.TagExpirationS == nil || org.InvoiceEmail == nil {
		diags.AddError(fmt.Sprintf("Not an administrator of organization %q", org.Name),
			"Quay hides the organization's settings from this token's user. The token must belong to an admin of the organization (a member of a team with role admin) or to a superuser with FEATURE_SUPERUSERS_FULL_ACCESS, and carry the org:admin scope.")
		return
	}
	m.Name = types.StringValue(org.Name)
	m.Email = types.StringValue(org.Email)
	m.InvoiceEmail = types.BoolValue(*org.InvoiceEmail)
	m.InvoiceEmailAddress = types.StringPointerValue(org.InvoiceEmailAddress)
	m.TagExpirationS = types.Int64Value(*org.TagExpirationS)
	if m.ForceDestroy.IsNull() || m.ForceDestroy.IsUnknown() {
		m.ForceDestroy = types.BoolValue(false) // after an import
	}
}

// countRepositories counts a namespace's repositories, following Quay's
// next_page to the end (100 per page).
func countRepositories(ctx context.Context, c *quay.Client, namespace string) (int, error) {
	n := 0
	next := ""
	for {
		page, err := c.ListRepositories(ctx, quay.ListRepositoriesOptions{Namespace: namespace, NextPage: next})
		if err != nil {
			return 0, err
		}
		n += len(page.Repositories)
		if page.NextPage == "" || len(page.Repositories) == 0 {
			return n, nil
		}
		next = page.NextPage
	}
}

func (r *organizationResource) setIdentity(ctx context.Context, name string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, organizationIdentityModel{Name: types.StringValue(name)})...)
}
