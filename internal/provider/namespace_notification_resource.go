package provider

import (
	"context"
	"fmt"
	"maps"
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
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ resource.ResourceWithConfigure        = (*namespaceNotificationResource)(nil)
	_ resource.ResourceWithImportState      = (*namespaceNotificationResource)(nil)
	_ resource.ResourceWithIdentity         = (*namespaceNotificationResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*namespaceNotificationResource)(nil)
	_ resource.ResourceWithConfigValidators = (*namespaceNotificationResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*namespaceNotificationResource)(nil)
)

// NewNamespaceNotificationResource is the quay_namespace_notification resource.
func NewNamespaceNotificationResource() resource.Resource { return &namespaceNotificationResource{} }

type namespaceNotificationResource struct{ data *providerData }

type namespaceNotificationModel struct {
	Organization     types.String `tfsdk:"organization"`
	UserNamespace    types.String `tfsdk:"user_namespace"`
	Event            types.String `tfsdk:"event"`
	Method           types.String `tfsdk:"method"`
	Title            types.String `tfsdk:"title"`
	Config           types.Object `tfsdk:"config"`
	ResetVersion     types.Int64  `tfsdk:"reset_version"`
	UUID             types.String `tfsdk:"uuid"`
	NumberOfFailures types.Int64  `tfsdk:"number_of_failures"`
}

var quotaNotificationsFeature = serverFeature{what: "namespace quota notifications", flag: "QUOTA_NOTIFICATIONS", since: [2]int{3, 18}}

// namespaceMethodKeys: as for repositories, except that e-mail goes to the
// namespace's own address, so it takes none.
var namespaceMethodKeys = func() map[string]methodSettings {
	keys := maps.Clone(methodKeys)
	keys["email"] = methodSettings{}
	return keys
}()

func (m *namespaceNotificationModel) owner() quay.NotificationOwner {
	if !m.UserNamespace.IsNull() {
		return quay.NotificationOwner{Namespace: m.UserNamespace.ValueString(), User: true}
	}
	return quay.NotificationOwner{Namespace: m.Organization.ValueString()}
}

func (m *namespaceNotificationModel) namespace() string {
	if !m.UserNamespace.IsNull() {
		return m.UserNamespace.ValueString()
	}
	return m.Organization.ValueString()
}

func (r *namespaceNotificationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_namespace_notification"
}

func (r *namespaceNotificationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	methods := slices.Sorted(maps.Keys(namespaceMethodKeys))
	resp.Schema = schema.Schema{
		MarkdownDescription: "A quota notification of an organization or of the token's own user: Quay tells someone when the namespace's storage crosses a warning or reject limit of its `quay_quota` (at most once a day by default). " +
			"Quay cannot change a notification: every change replaces it; `reset_version` sends a notification Quay stopped after three failures again. " +
			"Needs Quay 3.18+ with `FEATURE_QUOTA_NOTIFICATIONS`; the plan says when the server does not have it.",
		Attributes: map[string]schema.Attribute{
			"organization": schema.StringAttribute{
				MarkdownDescription: "Organization whose quota is watched. Exactly one of `organization` and `user_namespace`. Changing it replaces the notification.",
				Optional:            true, Validators: namespaceNameValidators("organization"), PlanModifiers: replace,
			},
			"user_namespace": schema.StringAttribute{
				MarkdownDescription: "The token's own user name, to watch the user's quota: Quay's calls for users act on the token's user only. Changing it replaces the notification.",
				Optional:            true, Validators: namespaceNameValidators("user"), PlanModifiers: replace,
			},
			"event": schema.StringAttribute{
				MarkdownDescription: "`quota_warning` (a warning limit is crossed) or `quota_error` (a reject limit is crossed). Changing it replaces the notification.",
				Required:            true, Validators: []validator.String{stringvalidator.OneOf("quota_warning", "quota_error")}, PlanModifiers: replace,
			},
			"method": schema.StringAttribute{
				MarkdownDescription: "How: `webhook`, `email` (to the organization's address, else its administrators, or the user's own address: no `config` needed), `slack`, `quay_notification`, `flowdock` or `hipchat`. Changing it replaces the notification.",
				Required:            true, Validators: []validator.String{stringvalidator.OneOf(methods...)}, PlanModifiers: replace,
			},
			"title":  schema.StringAttribute{MarkdownDescription: "Title shown in Quay. Changing it replaces the notification.", Optional: true, PlanModifiers: replace},
			"config": notificationConfigSchema("The method's settings; set those the method uses (`{}` for `email`). Changing them replaces the notification."),
			"reset_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number from one value to another to reset the failure count in place. Setting it for the first time or removing it resets nothing.",
				Optional:            true,
			},
			"uuid": schema.StringAttribute{MarkdownDescription: "UUID Quay gave the notification.", Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"number_of_failures": schema.Int64Attribute{
				MarkdownDescription: "Failed deliveries since the last reset; from 3 on, Quay no longer sends the notification. Never drift.",
				Computed:            true,
			},
		},
	}
}

func (r *namespaceNotificationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"namespace": identityschema.StringAttribute{RequiredForImport: true, Description: "Organization, or the token's own user."},
		"uuid":      identityschema.StringAttribute{RequiredForImport: true, Description: "UUID of the notification."},
	}}
}

func (r *namespaceNotificationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *namespaceNotificationResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{resourcevalidator.ExactlyOneOf(path.MatchRoot("organization"), path.MatchRoot("user_namespace"))}
}

func (r *namespaceNotificationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m namespaceNotificationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Method.IsUnknown() || m.Method.IsNull() || m.Config.IsUnknown() || m.Config.IsNull() {
		return
	}
	var cfg notificationConfig
	resp.Diagnostics.Append(m.Config.As(ctx, &cfg, basetypes.ObjectAsOptions{})...)
	validateNotificationConfig(m.Method.ValueString(), &cfg, namespaceMethodKeys, &resp.Diagnostics)
}

// ModifyPlan refuses a server without quota notifications, and another
// user's namespace, before any write.
func (r *namespaceNotificationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	refuseUnserved(r.data.instance, quotaNotificationsFeature, &resp.Diagnostics)
	var user types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("user_namespace"), &user)...)
	if !user.IsNull() && !user.IsUnknown() && r.data.me != nil && user.ValueString() != r.data.me.Username {
		resp.Diagnostics.AddAttributeError(path.Root("user_namespace"), "Notifications of another user cannot be managed",
			fmt.Sprintf("Quay's calls for a user's quota notifications act on the token's own user (%q) only, even for a superuser.", r.data.me.Username))
	}
}

func (r *namespaceNotificationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan namespaceNotificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var cfg notificationConfig
	resp.Diagnostics.Append(plan.Config.As(ctx, &cfg, basetypes.ObjectAsOptions{})...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	owner, ns := plan.owner(), plan.namespace()
	body := quay.CreateNotificationRequest{Event: plan.Event.ValueString(), Method: plan.Method.ValueString(), Config: cfg.body(), Title: plan.Title.ValueStringPointer()}
	// The list before the create tells one made by a lost answer.
	before, err := c.ListNamespaceNotifications(ctx, owner)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the notifications of %s", ns), err)
		return
	}
	n, err := c.CreateNamespaceNotification(ctx, owner, body)
	if err != nil && quay.IsAmbiguous(err) {
		if after, lerr := c.ListNamespaceNotifications(ctx, owner); lerr == nil {
			if adopted := newNotification(before, after, body); adopted != nil {
				tflog.Warn(ctx, "namespace notification create failed ambiguously; keeping the notification Quay made", map[string]any{"namespace": ns, "uuid": adopted.UUID})
				n, err = adopted, nil
			}
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create a %s notification of %s", plan.Event.ValueString(), ns), err)
		return
	}
	namespaceNotificationToModel(n, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setNamespaceNotificationIdentity(ctx, ns, n.UUID, resp.Identity, &resp.Diagnostics)
}

func namespaceNotificationToModel(n *quay.Notification, m *namespaceNotificationModel) {
	m.UUID = types.StringValue(n.UUID)
	m.Event = types.StringValue(n.Event)
	m.Method = types.StringValue(n.Method)
	m.Title = types.StringPointerValue(n.Title)
	m.NumberOfFailures = types.Int64Value(n.NumberOfFailures)
	m.Config = notificationConfigValue(n.Config)
}

func (r *namespaceNotificationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state namespaceNotificationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, uuid := state.namespace(), state.UUID.ValueString()
	setNamespaceNotificationIdentity(ctx, ns, uuid, resp.Identity, &resp.Diagnostics)
	n, err := r.data.client.GetNamespaceNotification(ctx, state.owner(), uuid)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "namespace notification no longer exists in Quay; removing it from state", map[string]any{"namespace": ns, "uuid": uuid})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read notification %s of %s", uuid, ns), err)
		return
	}
	namespaceNotificationToModel(n, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update can only reset the failure count: everything else replaces.
func (r *namespaceNotificationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state namespaceNotificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ns, uuid := state.namespace(), state.UUID.ValueString()
	plan.UUID, plan.NumberOfFailures = state.UUID, state.NumberOfFailures
	if versionBumped(state.ResetVersion, plan.ResetVersion) {
		if err := r.data.client.ResetNamespaceNotificationFailures(ctx, state.owner(), uuid); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to reset notification %s of %s", uuid, ns), err)
			return
		}
		plan.NumberOfFailures = types.Int64Value(0)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setNamespaceNotificationIdentity(ctx, ns, uuid, resp.Identity, &resp.Diagnostics)
}

func (r *namespaceNotificationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state namespaceNotificationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.data.client.DeleteNamespaceNotification(ctx, state.owner(), state.UUID.ValueString()); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete notification %s of %s", state.UUID.ValueString(), state.namespace()), err)
	}
}

// ImportState takes "<namespace>/<uuid>": the token's own user name is its
// user namespace, any other name an organization.
func (r *namespaceNotificationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ns, uuid string
	if req.ID != "" {
		var ok bool
		ns, uuid, ok = strings.Cut(req.ID, "/")
		if !ok || ns == "" || !policyUUIDPattern.MatchString(uuid) {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected \"<namespace>/<uuid>\", got %q.", req.ID))
			return
		}
	} else {
		var n, u types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("namespace"), &n)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("uuid"), &u)...)
		ns, uuid = n.ValueString(), u.ValueString()
	}
	attr := "organization"
	if r.data != nil && r.data.me != nil && ns == r.data.me.Username {
		attr = "user_namespace"
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(attr), ns)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("uuid"), uuid)...)
	setNamespaceNotificationIdentity(ctx, ns, uuid, resp.Identity, &resp.Diagnostics)
}

func setNamespaceNotificationIdentity(ctx context.Context, ns, uuid string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("namespace"), ns)...)
	diags.Append(identity.SetAttribute(ctx, path.Root("uuid"), uuid)...)
}
