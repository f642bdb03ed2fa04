package provider

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
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
	_ resource.ResourceWithConfigure   = (*oauthApplicationResource)(nil)
	_ resource.ResourceWithImportState = (*oauthApplicationResource)(nil)
	_ resource.ResourceWithIdentity    = (*oauthApplicationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*oauthApplicationResource)(nil)
)

// NewOAuthApplicationResource is the quay_oauth_application resource.
func NewOAuthApplicationResource() resource.Resource { return &oauthApplicationResource{} }

type oauthApplicationResource struct {
	data *providerData
}

type oauthApplicationModel struct {
	Organization   types.String `tfsdk:"organization"`
	Name           types.String `tfsdk:"name"`
	Description    types.String `tfsdk:"description"`
	ApplicationURI types.String `tfsdk:"application_uri"`
	RedirectURI    types.String `tfsdk:"redirect_uri"`
	AvatarEmail    types.String `tfsdk:"avatar_email"`
	SecretVersion  types.Int64  `tfsdk:"secret_version"`
	ClientID       types.String `tfsdk:"client_id"`
	ClientSecret   types.String `tfsdk:"client_secret"`
}

type oauthApplicationIdentityModel struct {
	Organization types.String `tfsdk:"organization"`
	ClientID     types.String `tfsdk:"client_id"`
}

func (r *oauthApplicationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_oauth_application"
}

func (r *oauthApplicationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OAuth application of a Quay organization, the holder of API tokens. Quay allows several applications with the same name; an application is identified by its `client_id`.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization that owns the application. Changing it replaces the application.",
				Required:            true,
				Validators:          namespaceNameValidators("organization"),
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Display name of the application (not unique).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.NoneOf("__quay_bootstrap_app")},
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "Description of the application. Defaults to empty.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
			"application_uri": schema.StringAttribute{
				MarkdownDescription: "Home page of the application: an absolute `http` or `https` URL. Defaults to empty.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{uriValidator{webOnly: true}},
			},
			"redirect_uri": schema.StringAttribute{
				MarkdownDescription: "OAuth redirect (callback) URI: an absolute URI, `http`, `https` or an application's own scheme, but never `javascript:`, `data:` or `vbscript:`. Defaults to empty.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{uriValidator{}},
			},
			"avatar_email": schema.StringAttribute{
				MarkdownDescription: "E-mail address whose Gravatar is the application's avatar. Unset for none.",
				Optional:            true,
				Validators:          []validator.String{emailValidator{}},
			},
			"secret_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number from one value to another to rotate the client secret in place (Quay's reset-secret call); the application and its `client_id` stay. " +
					"Setting it where it was unset (for example in the first apply after an import) or removing it rotates nothing, so importing an application never changes its secret.",
				Optional: true,
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client ID assigned by Quay (20 characters).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret (40 characters). Sensitive. Rotated when `secret_version` changes; a reset made outside Terraform shows up on the next refresh.",
				Computed:            true,
				Sensitive:           true,
			},
		},
	}
}

func (r *oauthApplicationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"organization": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization that owns the application."},
		"client_id":    identityschema.StringAttribute{RequiredForImport: true, Description: "Client ID of the application."},
	}}
}

func (r *oauthApplicationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan keeps the client secret from state unless a rotation is
// planned, so that plans stay empty and a rotation shows as "known after apply".
func (r *oauthApplicationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var plan, state oauthApplicationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !versionBumped(state.SecretVersion, plan.SecretVersion) && plan.Organization.Equal(state.Organization) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, pathClientSecret, state.ClientSecret)...)
	}
}

func (m *oauthApplicationModel) request() quay.ApplicationRequest {
	return quay.ApplicationRequest{
		Name:           m.Name.ValueString(),
		RedirectURI:    m.RedirectURI.ValueString(),
		ApplicationURI: m.ApplicationURI.ValueString(),
		Description:    m.Description.ValueString(),
		AvatarEmail:    m.AvatarEmail.ValueStringPointer(),
	}
}

func (r *oauthApplicationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan oauthApplicationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	org := plan.Organization.ValueString()
	// Names are not unique, so the only way to recognise an application
	// made by a create whose answer was lost is that it is new.
	before, err := c.ListApplications(ctx, org)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the applications of %q", org), err)
		return
	}
	app, err := c.CreateApplication(ctx, org, plan.request())
	if err != nil && quay.IsAmbiguous(err) {
		if adopted := adoptNewApplication(ctx, c, org, plan.Name.ValueString(), before); adopted != nil {
			tflog.Warn(ctx, "application create failed ambiguously; adopting the application Quay made", map[string]any{"organization": org, "client_id": adopted.ClientID})
			app, err = adopted, nil
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create application %q in %q", plan.Name.ValueString(), org), err)
		return
	}
	applicationToModel(app, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setApplicationIdentity(ctx, org, app.ClientID, resp.Identity, &resp.Diagnostics)
}

// adoptNewApplication finds the one application named name that was not in
// before; nil when there is not exactly one.
func adoptNewApplication(ctx context.Context, c *quay.Client, org, name string, before []quay.Application) *quay.Application {
	after, err := c.ListApplications(ctx, org)
	if err != nil {
		return nil
	}
	var known []string
	for _, a := range before {
		known = append(known, a.ClientID)
	}
	var found *quay.Application
	for i, a := range after {
		if a.Name == name && !slices.Contains(known, a.ClientID) {
			if found != nil {
				return nil
			}
			found = &after[i]
		}
	}
	return found
}

func (r *oauthApplicationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state oauthApplicationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, id := state.Organization.ValueString(), state.ClientID.ValueString()
	setApplicationIdentity(ctx, org, id, resp.Identity, &resp.Diagnostics)
	app, err := r.data.client.GetApplication(ctx, org, id)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "application no longer exists in Quay; removing it from state", map[string]any{"organization": org, "client_id": id})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read application %s/%s", org, id), err)
		return
	}
	applicationToModel(app, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *oauthApplicationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state oauthApplicationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	org, id := state.Organization.ValueString(), state.ClientID.ValueString()
	// Quay's PUT replaces every field, so all of them are sent.
	app, err := c.UpdateApplication(ctx, org, id, plan.request())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to update application %s/%s", org, id), err)
		return
	}
	if versionBumped(state.SecretVersion, plan.SecretVersion) {
		tflog.Info(ctx, "secret_version changed: rotating the client secret", map[string]any{"organization": org, "client_id": id})
		if app, err = c.ResetApplicationSecret(ctx, org, id); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to rotate the secret of application %s/%s", org, id), err)
			return
		}
	}
	applicationToModel(app, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setApplicationIdentity(ctx, org, id, resp.Identity, &resp.Diagnostics)
}

func (r *oauthApplicationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state oauthApplicationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	org, id := state.Organization.ValueString(), state.ClientID.ValueString()
	if err := r.data.client.DeleteApplication(ctx, org, id); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete application %s/%s", org, id), err)
	}
}

func (r *oauthApplicationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importOrgChild(ctx, req, resp, "client_id", "organization/client_id")
}

func applicationToModel(a *quay.Application, m *oauthApplicationModel) {
	m.Name = types.StringValue(a.Name)
	m.Description = types.StringValue(a.Description)
	m.ApplicationURI = types.StringValue(a.ApplicationURI)
	m.RedirectURI = types.StringValue(derefString(a.RedirectURI))
	m.AvatarEmail = types.StringPointerValue(a.AvatarEmail)
	m.ClientID = types.StringValue(a.ClientID)
	m.ClientSecret = types.StringPointerValue(a.ClientSecret)
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func setApplicationIdentity(ctx context.Context, org, clientID string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, oauthApplicationIdentityModel{Organization: types.StringValue(org), ClientID: types.StringValue(clientID)})...)
}

var pathClientSecret = path.Root("client_secret")

// uriValidator accepts an empty string (no URI) or an absolute URI with a
// host; webOnly limits it to http and https. Schemes that run code in a
// browser are always refused: Quay sends users to the redirect URI.
type uriValidator struct{ webOnly bool }

var scriptSchemes = []string{"javascript", "data", "vbscript"}

func (v uriValidator) Description(context.Context) string {
	if v.webOnly {
		return "must be an absolute http or https URL, such as https://ci.example.com"
	}
	return "must be an absolute URI such as https://ci.example.com/oauth/callback, and not a javascript:, data: or vbscript: URI"
}

func (v uriValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v uriValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	s := req.ConfigValue.ValueString()
	u, err := url.Parse(s)
	var problem string
	switch {
	case err != nil || u.Scheme == "":
		problem = "it is not an absolute URI (it needs a scheme such as https://)"
	case slices.Contains(scriptSchemes, strings.ToLower(u.Scheme)):
		problem = fmt.Sprintf("%s: URIs are refused, because they run code in the browser Quay redirects", strings.ToLower(u.Scheme))
	case v.webOnly && u.Scheme != "http" && u.Scheme != "https":
		problem = fmt.Sprintf("the scheme is %q", u.Scheme)
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
		problem = "it has no host"
	case strings.ContainsAny(s, " \t\r\n"):
		problem = "it contains white space"
	}
	if problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URI", fmt.Sprintf("%q %s: %s.", s, v.Description(ctx), problem))
	}
}
