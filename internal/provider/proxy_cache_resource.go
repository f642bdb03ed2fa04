package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure   = (*proxyCacheResource)(nil)
	_ resource.ResourceWithImportState = (*proxyCacheResource)(nil)
	_ resource.ResourceWithIdentity    = (*proxyCacheResource)(nil)
)

// NewProxyCacheResource is the quay_proxy_cache resource.
func NewProxyCacheResource() resource.Resource { return &proxyCacheResource{} }

type proxyCacheResource struct {
	data *providerData
}

type proxyCacheModel struct {
	Organization      types.String `tfsdk:"organization"`
	UpstreamRegistry  types.String `tfsdk:"upstream_registry"`
	ExpirationS       types.Int64  `tfsdk:"expiration_s"`
	Insecure          types.Bool   `tfsdk:"insecure"`
	Username          types.String `tfsdk:"upstream_registry_username"`
	PasswordWO        types.String `tfsdk:"upstream_registry_password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"upstream_registry_password_wo_version"`
	Validate          types.Bool   `tfsdk:"validate"`
}

type proxyCacheIdentityModel struct {
	Organization types.String `tfsdk:"organization"`
}

// upstreamRegistryRegexp is "host[:port][/namespace...]" without a scheme,
// credentials or whitespace.
var upstreamRegistryRegexp = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._/-]+)?$`)

func (r *proxyCacheResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_cache"
}

func (r *proxyCacheResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replaceString := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes a Quay organization a pull-through cache of an upstream registry (`FEATURE_PROXY_CACHE`). Quay has no call to change a configuration, so every change replaces it; repositories already cached stay. Quay 3.18+ resolves the upstream host from the server and refuses private addresses.\n\n" +
			"Quay never returns the upstream credentials, so Terraform cannot see a password or user name changed outside it. To send a new password, change `upstream_registry_password_wo_version`: that replaces the configuration with the current `upstream_registry_password_wo`. " +
			"When a proxy cache is imported, the first apply records the configured user name and password version without contacting Quay (an in-place update, not a replacement); Terraform trusts that they match what Quay has.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization to configure; at most one configuration per organization.",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
				PlanModifiers:       replaceString,
			},
			"upstream_registry": schema.StringAttribute{
				MarkdownDescription: "Upstream registry host, optionally with a port and a namespace, without a scheme: for example `quay.io`, `docker.io/library` or `registry.example.com:5000/team`. At most 270 characters.",
				Required:            true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 270),
					upstreamRegistryValidator{},
				},
				PlanModifiers: replaceString,
			},
			"expiration_s": schema.Int64Attribute{
				MarkdownDescription: "How long cached blobs and manifests are kept, in seconds. Defaults to `86400` (one day).",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(86400),
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"insecure": schema.BoolAttribute{
				MarkdownDescription: "Talk to the upstream over plain HTTP. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"upstream_registry_username": schema.StringAttribute{
				MarkdownDescription: "User name for the upstream registry; unset for anonymous pulls. Quay never returns it, so it is kept from the configuration.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("upstream_registry_password_wo")),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(usernameChangeReplaces,
					credentialReplaceDescription, credentialReplaceDescription)},
			},
			"upstream_registry_password_wo": schema.StringAttribute{
				MarkdownDescription: "Password or token for the upstream registry. Write-only: sent to Quay (stored encrypted there) and never kept in state or plan. Change `upstream_registry_password_wo_version` to send a new one, which replaces the configuration.",
				Optional:            true,
				WriteOnly:           true,
				Sensitive:           true,
				Validators: []validator.String{
					stringvalidator.AlsoRequires(path.MatchRoot("upstream_registry_username"), path.MatchRoot("upstream_registry_password_wo_version")),
				},
			},
			"upstream_registry_password_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `upstream_registry_password_wo`; changing it replaces the configuration with the current password. " +
					"After an import, setting it (and `upstream_registry_username`) for the first time only records it: Quay never returns the credentials, so the provider takes the configuration's word for them.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AlsoRequires(path.MatchRoot("upstream_registry_password_wo"))},
				PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplaceIf(passwordVersionChangeReplaces,
					credentialReplaceDescription, credentialReplaceDescription)},
			},
			"validate": schema.BoolAttribute{
				MarkdownDescription: "Before creating the configuration, have Quay log in to the upstream with it and fail with Quay's message if that does not work. Defaults to `false`. Only used at creation.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
		},
	}
}

// upstreamRegistryValidator rejects URLs, credentials and stray characters
// in upstream_registry with a message saying what Quay expects.
type upstreamRegistryValidator struct{}

func (upstreamRegistryValidator) Description(context.Context) string {
	return "must be a registry host with an optional :port and /namespace, without scheme or credentials"
}

func (v upstreamRegistryValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v upstreamRegistryValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	var problem string
	switch {
	case strings.Contains(s, "://"):
		problem = "leave out the scheme (use insecure = true for plain HTTP)"
	case strings.Contains(strings.SplitN(s, "/", 2)[0], "@"):
		problem = "credentials do not belong in the URL; use upstream_registry_username and upstream_registry_password_wo"
	case !upstreamRegistryRegexp.MatchString(s):
		problem = v.Description(ctx)
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid upstream registry", fmt.Sprintf("%q: %s.", s, problem))
	}
}

func (r *proxyCacheResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"organization": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization with the proxy cache."},
	}}
}

func (r *proxyCacheResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *proxyCacheResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, cfg proxyCacheModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	org := plan.Organization.ValueString()
	body := quay.ProxyCacheRequest{
		UpstreamRegistry:         plan.UpstreamRegistry.ValueString(),
		UpstreamRegistryUsername: plan.Username.ValueStringPointer(),
		UpstreamRegistryPassword: cfg.PasswordWO.ValueStringPointer(),
		ExpirationS:              plan.ExpirationS.ValueInt64(),
		Insecure:                 plan.Insecure.ValueBool(),
	}
	if plan.Validate.ValueBool() {
		result, err := c.ValidateProxyCache(ctx, org, body)
		if err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Quay could not validate the proxy cache of %q against %q", org, body.UpstreamRegistry), err)
			return
		}
		tflog.Info(ctx, "Quay validated the upstream registry", map[string]any{"organization": org, "result": result})
	}
	err := c.CreateProxyCache(ctx, org, body)
	if err != nil && quay.IsAmbiguous(err) {
		if got, getErr := c.GetProxyCache(ctx, org); getErr == nil && got.UpstreamRegistry == body.UpstreamRegistry {
			tflog.Warn(ctx, "proxy cache create failed ambiguously but the configuration exists; adopting it", map[string]any{"organization": org})
			err = nil
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to configure organization %q as a proxy cache", org), err)
		return
	}
	got, err := c.GetProxyCache(ctx, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("The proxy cache of %q was created but could not be read back", org), err)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...) // keep it tracked
		return
	}
	proxyCacheToModel(got, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setProxyCacheIdentity(ctx, org, resp.Identity, &resp.Diagnostics)
}

func (r *proxyCacheResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state proxyCacheModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := state.Organization.ValueString()
	setProxyCacheIdentity(ctx, org, resp.Identity, &resp.Diagnostics)
	got, err := r.data.client.GetProxyCache(ctx, org)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "organization has no proxy cache configuration any more; removing it from state", map[string]any{"organization": org})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read the proxy cache of %q", org), err)
		return
	}
	proxyCacheToModel(got, &state)
	if state.Validate.IsNull() {
		state.Validate = types.BoolValue(false) // after import
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only records a changed `validate`, or the credentials first given
// after an import: every Quay-side setting replaces the configuration.
func (r *proxyCacheResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan proxyCacheModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.PasswordWO = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	// The credentials are recorded now: later changes replace as usual.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCredentialsUnread, nil)...)
	setProxyCacheIdentity(ctx, plan.Organization.ValueString(), resp.Identity, &resp.Diagnostics)
}

func (r *proxyCacheResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state proxyCacheModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org := state.Organization.ValueString()
	if err := r.data.client.DeleteProxyCache(ctx, org); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to remove the proxy cache of %q", org), err)
	}
}

func (r *proxyCacheResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("organization"), path.Root("organization"), req, resp)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCredentialsUnread, []byte("true"))...)
}

// privateCredentialsUnread marks an imported proxy cache whose upstream
// credentials Terraform has not seen: Quay never returns them, so the
// first username and password version the configuration gives are
// recorded in place rather than treated as a change.
const privateCredentialsUnread = "credentials_unread"

const credentialReplaceDescription = "Changing the upstream credentials replaces the configuration, except when they are first recorded after an import."

// privateGetter is what plan modifier requests offer to read private state.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// firstCredentialAfterImport reports whether a credential attribute is set
// for the first time on an imported proxy cache, so it is only recorded.
func firstCredentialAfterImport(ctx context.Context, stateNull bool, private privateGetter, diags *diag.Diagnostics) bool {
	if !stateNull || private == nil {
		return false
	}
	v, d := private.GetKey(ctx, privateCredentialsUnread)
	diags.Append(d...)
	return string(v) == "true"
}

func usernameChangeReplaces(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !firstCredentialAfterImport(ctx, req.StateValue.IsNull(), req.Private, &resp.Diagnostics)
}

func passwordVersionChangeReplaces(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !firstCredentialAfterImport(ctx, req.StateValue.IsNull(), req.Private, &resp.Diagnostics)
}

func proxyCacheToModel(p *quay.ProxyCache, m *proxyCacheModel) {
	m.UpstreamRegistry = types.StringValue(p.UpstreamRegistry)
	m.ExpirationS = types.Int64Value(p.ExpirationS)
	m.Insecure = types.BoolValue(p.Insecure)
	m.PasswordWO = types.StringNull()
}

func setProxyCacheIdentity(ctx context.Context, org string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, proxyCacheIdentityModel{Organization: types.StringValue(org)})...)
}
