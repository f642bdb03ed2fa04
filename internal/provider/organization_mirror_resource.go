package provider

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*organizationMirrorResource)(nil)
	_ resource.ResourceWithImportState      = (*organizationMirrorResource)(nil)
	_ resource.ResourceWithIdentity         = (*organizationMirrorResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*organizationMirrorResource)(nil)
	_ resource.ResourceWithConfigValidators = (*organizationMirrorResource)(nil)
)

// NewOrganizationMirrorResource is the quay_organization_mirror resource.
func NewOrganizationMirrorResource() resource.Resource { return &organizationMirrorResource{} }

type organizationMirrorResource struct{ data *providerData }

type organizationMirrorModel struct {
	Organization         types.String `tfsdk:"organization"`
	ExternalRegistryType types.String `tfsdk:"external_registry_type"`
	ExternalRegistryURL  types.String `tfsdk:"external_registry_url"`
	ExternalNamespace    types.String `tfsdk:"external_namespace"`
	RobotUsername        types.String `tfsdk:"robot_username"`
	Visibility           types.String `tfsdk:"visibility"`
	RepositoryFilters    types.List   `tfsdk:"repository_filters"`
	SyncInterval         types.Int64  `tfsdk:"sync_interval"`
	SyncStartDate        types.String `tfsdk:"sync_start_date"`
	IsEnabled            types.Bool   `tfsdk:"is_enabled"`
	SkopeoTimeout        types.Int64  `tfsdk:"skopeo_timeout"`
	VerifyTLS            types.Bool   `tfsdk:"verify_tls"`
	Username             types.String `tfsdk:"external_registry_username"`
	PasswordWO           types.String `tfsdk:"external_registry_password_wo"`
	PasswordWOVersion    types.Int64  `tfsdk:"external_registry_password_wo_version"`
	SyncStatus           types.String `tfsdk:"sync_status"`
	NextSyncDate         types.String `tfsdk:"next_sync_date"`
}

var orgMirrorFeature = serverFeature{what: "organization mirroring", flag: "ORG_MIRROR", since: [2]int{3, 17}}

func (r *organizationMirrorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_organization_mirror"
}

func (r *organizationMirrorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The mirror configuration of an organization: Quay's worker finds every repository of a source namespace (a Harbor project or a Quay organization), creates it in the organization and mirrors its tags as `robot_username`. " +
			"Needs Quay 3.17+ with `FEATURE_ORG_MIRROR`; the plan says when the server does not have it. The organization must be empty, without a proxy cache or organization immutability policies; a proxy cache already there is refused at plan. " +
			"While it exists, Quay refuses new repositories, repository mirrors and state changes in the organization. Destroying it leaves the mirrored repositories, back in the `NORMAL` state. The worker's fields are never drift.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization the repositories are mirrored into. Changing it replaces the configuration.",
				Required:            true, Validators: namespaceNameValidators("organization"),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"external_registry_type": schema.StringAttribute{
				MarkdownDescription: "`harbor` or `quay`. Quay cannot change it: changing it replaces the configuration.",
				Required:            true, Validators: []validator.String{stringvalidator.OneOf("harbor", "quay")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"external_registry_url": schema.StringAttribute{
				MarkdownDescription: "The source registry, an `http` or `https` URL without a user name or password, such as `https://harbor.example.com`.",
				Required:            true, Validators: []validator.String{registryURLValidator{}},
			},
			"external_namespace": schema.StringAttribute{
				MarkdownDescription: "The Harbor project or Quay organization whose repositories are mirrored.",
				Required:            true, Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
			},
			"robot_username": schema.StringAttribute{
				MarkdownDescription: "Full name (`organization+name`) of a robot of the organization, which writes the mirrored tags.",
				Required:            true, Validators: accountNameValidators(),
			},
			"visibility": schema.StringAttribute{
				MarkdownDescription: "Visibility of the repositories the worker creates: `private` (the default) or `public`.",
				Optional:            true, Computed: true, Default: stringdefault.StaticString("private"),
				Validators: []validator.String{stringvalidator.OneOf("private", "public")},
			},
			"repository_filters": schema.ListAttribute{
				MarkdownDescription: "Glob patterns (case-sensitive) of the source repositories to mirror; empty (the default) for all.",
				Optional:            true, Computed: true, ElementType: types.StringType,
				Default:    listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{})),
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"sync_interval": schema.Int64Attribute{
				MarkdownDescription: "Seconds between syncs; at least 60.",
				Required:            true, Validators: []validator.Int64{int64validator.AtLeast(60)},
			},
			"sync_start_date": schema.StringAttribute{
				MarkdownDescription: "When the first sync runs, as `YYYY-MM-DDTHH:MM:SSZ` (UTC); defaults to the time of the create. The worker moves Quay's copy after each sync, which is never drift (`next_sync_date` shows it).",
				Optional:            true, Computed: true,
				Validators:    []validator.String{stringvalidator.RegexMatches(mirrorDate, "must be a UTC time as YYYY-MM-DDTHH:MM:SSZ, such as 2030-01-01T00:00:00Z")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"is_enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether Quay schedules syncs. Defaults to `true`.",
				Optional:            true, Computed: true, Default: booldefault.StaticBool(true),
			},
			"skopeo_timeout": schema.Int64Attribute{
				MarkdownDescription: "Seconds one repository's sync may take, 30 to 3600; default 300.",
				Optional:            true, Computed: true, Default: int64default.StaticInt64(300),
				Validators: []validator.Int64{int64validator.Between(30, 3600)},
			},
			"verify_tls": schema.BoolAttribute{
				MarkdownDescription: "Verify the source registry's TLS certificate. Unset for Quay's default (verify).",
				Optional:            true,
			},
			"external_registry_username": schema.StringAttribute{
				MarkdownDescription: "User name for the source registry; unset for anonymous pulls.",
				Optional:            true,
			},
			"external_registry_password_wo": schema.StringAttribute{
				MarkdownDescription: "Password or token for the source registry. Write-only: sent to Quay (which never returns it) and never kept in state or plan; sent when `external_registry_password_wo_version` changes.",
				Optional:            true, Sensitive: true, WriteOnly: true,
				Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("external_registry_password_wo_version"))},
			},
			"external_registry_password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `external_registry_password_wo`: change it to send the current password.",
				Optional:            true,
			},
			"sync_status":    schema.StringAttribute{MarkdownDescription: "The worker's discovery state: `NEVER_RUN`, `SYNC_NOW`, `SYNCING`, `SUCCESS`, `FAIL` or `CANCEL`. Never drift.", Computed: true},
			"next_sync_date": schema.StringAttribute{MarkdownDescription: "When the worker syncs next, as Quay reports it. Never drift.", Computed: true},
		},
	}
}

func (r *organizationMirrorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"organization": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization name."},
	}}
}

func (r *organizationMirrorResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *organizationMirrorResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		robotInNamespaceValidator{robot: path.Root("robot_username"), namespace: path.Root("organization"), what: "organization mirror"},
	}
}

// ModifyPlan refuses, before any write, a server without organization
// mirroring, and an organization that has a proxy cache (Quay allows one
// or the other).
func (r *organizationMirrorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	refuseUnserved(r.data.instance, orgMirrorFeature, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !req.State.Raw.IsNull() || r.data.instance.FeatureOff("PROXY_CACHE") {
		return
	}
	var org types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("organization"), &org)...)
	if org.IsUnknown() || org.IsNull() {
		return
	}
	if _, err := r.data.client.GetProxyCache(ctx, org.ValueString()); err == nil {
		resp.Diagnostics.AddAttributeError(path.Root("organization"), "The organization is a proxy cache",
			fmt.Sprintf("Organization %q has a proxy cache configuration, and Quay refuses organization mirroring with one. Remove the quay_proxy_cache first.", org.ValueString()))
	}
}

// request is the body from the plan; the password goes only when its
// version changed (sendPassword).
func (m *organizationMirrorModel) request(ctx context.Context, password types.String, sendPassword bool, diags *diag.Diagnostics) quay.OrgMirrorRequest {
	var filters []string
	diags.Append(m.RepositoryFilters.ElementsAs(ctx, &filters, false)...)
	if filters == nil {
		filters = []string{}
	}
	req := quay.OrgMirrorRequest{
		ExternalRegistryType: m.ExternalRegistryType.ValueString(),
		ExternalRegistryURL:  m.ExternalRegistryURL.ValueString(),
		ExternalNamespace:    m.ExternalNamespace.ValueString(),
		RobotUsername:        m.RobotUsername.ValueString(),
		Visibility:           m.Visibility.ValueString(),
		SyncInterval:         m.SyncInterval.ValueInt64(),
		SyncStartDate:        m.SyncStartDate.ValueStringPointer(),
		IsEnabled:            m.IsEnabled.ValueBool(),
		RepositoryFilters:    filters,
		SkopeoTimeout:        m.SkopeoTimeout.ValueInt64(),
		// Quay replaces the whole config: what is unset goes back to defaults.
		ExternalRegistryConfig:   &quay.OrgMirrorConfig{VerifyTLS: knownBool(m.VerifyTLS)},
		ExternalRegistryUsername: m.Username.ValueStringPointer(),
		SendUsername:             true,
		ExternalRegistryPassword: password.ValueStringPointer(),
		SendPassword:             sendPassword,
	}
	return req
}

func orgMirrorToModel(mirror *quay.OrgMirror, m *organizationMirrorModel) {
	m.ExternalRegistryType = types.StringValue(mirror.ExternalRegistryType)
	m.ExternalRegistryURL = types.StringValue(mirror.ExternalRegistryURL)
	m.ExternalNamespace = types.StringValue(mirror.ExternalNamespace)
	m.RobotUsername = types.StringPointerValue(mirror.RobotUsername)
	m.Visibility = types.StringValue(mirror.Visibility)
	filters := make([]attr.Value, 0, len(mirror.RepositoryFilters))
	for _, f := range mirror.RepositoryFilters {
		filters = append(filters, types.StringValue(f))
	}
	m.RepositoryFilters = types.ListValueMust(types.StringType, filters)
	m.SyncInterval = types.Int64Value(mirror.SyncInterval)
	m.IsEnabled = types.BoolValue(mirror.IsEnabled)
	m.SkopeoTimeout = types.Int64Value(mirror.SkopeoTimeout)
	m.VerifyTLS = types.BoolPointerValue(mirror.ExternalRegistryConfig.VerifyTLS)
	m.Username = nonEmpty(mirror.ExternalRegistryUsername)
	if m.SyncStartDate.IsNull() || m.SyncStartDate.IsUnknown() {
		m.SyncStartDate = types.StringValue(trimFraction(derefString(mirror.SyncStartDate)))
	}
	m.SyncStatus = types.StringValue(mirror.SyncStatus)
	m.NextSyncDate = types.StringPointerValue(mirror.SyncStartDate)
}

func (r *organizationMirrorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan organizationMirrorModel
	var password types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("external_registry_password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	org := plan.Organization.ValueString()
	if plan.SyncStartDate.IsUnknown() {
		plan.SyncStartDate = types.StringValue(time.Now().UTC().Format(mirrorDateFormat))
	}
	existing, err := c.GetOrgMirror(ctx, org)
	switch {
	case err == nil:
		addAlreadyExistsError(&resp.Diagnostics, "quay_organization_mirror", "the mirror configuration of organization "+org, org,
			fmt.Sprintf("It mirrors %s from %s.", existing.ExternalNamespace, existing.ExternalRegistryURL))
		return
	case !quay.IsNotFound(err):
		addAPIError(&resp.Diagnostics, "Unable to check for a mirror configuration of "+org, err)
		return
	}
	body := plan.request(ctx, password, !password.IsNull(), &resp.Diagnostics)
	err = c.CreateOrgMirror(ctx, org, body)
	if err != nil && quay.IsAmbiguous(err) {
		if _, gerr := c.GetOrgMirror(ctx, org); gerr == nil {
			tflog.Warn(ctx, "organization mirror create failed ambiguously; keeping the configuration Quay made", map[string]any{"organization": org})
			err = nil
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to configure the mirror of organization "+org, err)
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("organization"), org)...)
	}
}

func (r *organizationMirrorResource) readInto(ctx context.Context, m *organizationMirrorModel, diags *diag.Diagnostics) {
	mirror, err := r.data.client.GetOrgMirror(ctx, m.Organization.ValueString())
	if err != nil {
		addAPIError(diags, "Unable to read the mirror configuration of organization "+m.Organization.ValueString()+" back", err)
		return
	}
	orgMirrorToModel(mirror, m)
}

func (r *organizationMirrorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state organizationMirrorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := state.Organization.ValueString()
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("organization"), org)...)
	}
	mirror, err := r.data.client.GetOrgMirror(ctx, org)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "organization mirror no longer exists in Quay; removing it from state", map[string]any{"organization": org})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the mirror configuration of organization "+org, err)
		return
	}
	orgMirrorToModel(mirror, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *organizationMirrorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state organizationMirrorModel
	var password types.String
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("external_registry_password_wo"), &password)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := state.Organization.ValueString()
	body := plan.request(ctx, password, !plan.PasswordWOVersion.Equal(state.PasswordWOVersion), &resp.Diagnostics)
	if plan.SyncStartDate.Equal(state.SyncStartDate) {
		body.SyncStartDate = nil // the worker owns it now
	}
	if err := r.data.client.UpdateOrgMirror(ctx, org, body); err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update the mirror configuration of organization "+org, err)
		return
	}
	r.readInto(ctx, &plan, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Identity != nil {
		resp.Diagnostics.Append(resp.Identity.SetAttribute(ctx, path.Root("organization"), org)...)
	}
}

func (r *organizationMirrorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state organizationMirrorModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.data.client.DeleteOrgMirror(ctx, state.Organization.ValueString()); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Unable to delete the mirror configuration of organization "+state.Organization.ValueString(), err)
	}
}

func (r *organizationMirrorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("organization"), path.Root("organization"), req, resp)
}

// registryURLValidator accepts an http or https URL with a host and without
// credentials, as Quay checks a source registry.
type registryURLValidator struct{}

func (registryURLValidator) Description(context.Context) string {
	return "must be an http or https URL with a host and no user name or password, such as https://harbor.example.com"
}

func (v registryURLValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v registryURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid registry URL", fmt.Sprintf("The registry URL %s.", v.Description(ctx)))
	}
}
