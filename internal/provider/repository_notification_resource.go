package provider

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
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
	_ resource.ResourceWithConfigure      = (*repositoryNotificationResource)(nil)
	_ resource.ResourceWithImportState    = (*repositoryNotificationResource)(nil)
	_ resource.ResourceWithIdentity       = (*repositoryNotificationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*repositoryNotificationResource)(nil)
)

// NewRepositoryNotificationResource is the quay_repository_notification resource.
func NewRepositoryNotificationResource() resource.Resource {
	return &repositoryNotificationResource{}
}

type repositoryNotificationResource struct{ data *providerData }

type repositoryNotificationModel struct {
	Repository       types.String `tfsdk:"repository"`
	Event            types.String `tfsdk:"event"`
	Method           types.String `tfsdk:"method"`
	Title            types.String `tfsdk:"title"`
	Config           types.Object `tfsdk:"config"`
	EventConfig      types.Object `tfsdk:"event_config"`
	ResetVersion     types.Int64  `tfsdk:"reset_version"`
	UUID             types.String `tfsdk:"uuid"`
	NumberOfFailures types.Int64  `tfsdk:"number_of_failures"`
}

// notificationConfig is the method's settings; each method uses some.
type notificationConfig struct {
	URL               types.String `tfsdk:"url"`
	Template          types.String `tfsdk:"template"`
	Email             types.String `tfsdk:"email"`
	TargetKind        types.String `tfsdk:"target_kind"`
	TargetName        types.String `tfsdk:"target_name"`
	FlowAPIToken      types.String `tfsdk:"flow_api_token"`
	NotificationToken types.String `tfsdk:"notification_token"`
	RoomID            types.String `tfsdk:"room_id"`
}

// notificationEventConfig is the event's settings.
type notificationEventConfig struct {
	RefRegex types.String `tfsdk:"ref_regex"`
	Level    types.String `tfsdk:"level"`
	Days     types.Int64  `tfsdk:"days"`
}

var (
	notificationConfigTypes = map[string]attr.Type{
		"url": types.StringType, "template": types.StringType, "email": types.StringType,
		"target_kind": types.StringType, "target_name": types.StringType,
		"flow_api_token": types.StringType, "notification_token": types.StringType, "room_id": types.StringType,
	}
	notificationEventConfigTypes = map[string]attr.Type{"ref_regex": types.StringType, "level": types.StringType, "days": types.Int64Type}
)

// methodSettings are the config keys a method requires and allows.
type methodSettings struct{ required, optional []string }

// The events and methods Quay has for repositories (quay-api.md §18.2).
// Quay answers an unknown name with a 500, so they are checked at plan.
var (
	buildEvents        = []string{"build_queued", "build_start", "build_success", "build_failure", "build_cancelled"} //nolint:misspell // Quay's event name
	notificationEvents = append([]string{"repo_push", "vulnerability_found", "repo_mirror_sync_started", "repo_mirror_sync_success", "repo_mirror_sync_failed", "repo_image_expiry"}, buildEvents...)
	// methodKeys lists, per method, the config keys it requires and allows.
	methodKeys = map[string]methodSettings{
		"webhook":           {required: []string{"url"}, optional: []string{"template"}},
		"email":             {required: []string{"email"}},
		"slack":             {required: []string{"url"}},
		"quay_notification": {required: []string{"target_kind", "target_name"}},
		"flowdock":          {required: []string{"flow_api_token"}},
		"hipchat":           {required: []string{"notification_token", "room_id"}},
	}
	// vulnerabilityLevels are Quay's severity names, most severe first; a
	// level's index is what Quay stores.
	vulnerabilityLevels = []string{"Critical", "High", "Medium", "Low", "Negligible", "Unknown"}
)

func (r *repositoryNotificationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_repository_notification"
}

func (r *repositoryNotificationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	methods := make([]string, 0, len(methodKeys))
	for m := range methodKeys {
		methods = append(methods, m)
	}
	slices.Sort(methods)
	resp.Schema = schema.Schema{
		MarkdownDescription: "A notification of a repository: when `event` happens, Quay tells someone by `method`. Quay cannot change a notification: every change replaces it. " +
			"After three failed deliveries Quay stops sending it (it stays listed; `number_of_failures` shows it): change `reset_version` to send it again. " +
			"E-mail targets must first be confirmed by their owner through the link Quay mails them (an API call cannot confirm it), so an `email` notification fails to create until then; webhook, Slack and Quay notification targets work at once.",
		Attributes: map[string]schema.Attribute{
			"repository": schema.StringAttribute{MarkdownDescription: "Repository as `namespace/name`. Changing it replaces the notification.", Required: true, Validators: repositoryPathValidators(), PlanModifiers: replace},
			"event": schema.StringAttribute{
				MarkdownDescription: "What triggers it: `repo_push`, `build_queued`, `build_start`, `build_success`, `build_failure`, `build_cancelled`, `vulnerability_found` (needs a security scanner), `repo_mirror_sync_started`, `repo_mirror_sync_success`, `repo_mirror_sync_failed` or `repo_image_expiry`. Changing it replaces the notification.", //nolint:misspell // Quay's event name
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(notificationEvents...)},
				PlanModifiers:       replace,
			},
			"method": schema.StringAttribute{
				MarkdownDescription: "How: `webhook` (a POST to `config.url`), `email`, `slack`, `quay_notification` (in Quay's UI, to a user, team or organization), `flowdock` or `hipchat`. Changing it replaces the notification.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(methods...)},
				PlanModifiers:       replace,
			},
			"title":  schema.StringAttribute{MarkdownDescription: "Title shown in Quay. Changing it replaces the notification.", Optional: true, PlanModifiers: replace},
			"config": notificationConfigSchema("The method's settings; set those the method uses. Changing them replaces the notification."),
			"event_config": schema.SingleNestedAttribute{
				MarkdownDescription: "The event's settings. Changing them replaces the notification.",
				Optional:            true,
				PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
				Attributes: map[string]schema.Attribute{
					"ref_regex": schema.StringAttribute{MarkdownDescription: "Build events: only builds of git refs matching this regular expression (for example `refs/heads/main`).", Optional: true},
					"level": schema.StringAttribute{
						MarkdownDescription: "`vulnerability_found`: the least severe level that triggers it: `Critical`, `High`, `Medium`, `Low`, `Negligible` or `Unknown`. Unset for every level.",
						Optional:            true,
						Validators:          []validator.String{stringvalidator.OneOf(vulnerabilityLevels...)},
					},
					"days": schema.Int64Attribute{MarkdownDescription: "`repo_image_expiry` (required there): how many days before a tag expires to tell.", Optional: true, Validators: []validator.Int64{int64validator.AtLeast(1)}},
				},
			},
			"reset_version": schema.Int64Attribute{
				MarkdownDescription: "Change this number from one value to another to reset the failure count in place, so that a notification Quay stopped sending is sent again. Setting it for the first time or removing it resets nothing.",
				Optional:            true,
			},
			"uuid": schema.StringAttribute{MarkdownDescription: "UUID Quay gave the notification.", Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"number_of_failures": schema.Int64Attribute{
				MarkdownDescription: "Failed deliveries since the last reset, as Quay counts them; from 3 on, Quay no longer sends the notification. Changes outside Terraform and is never drift.",
				Computed:            true,
			},
		},
	}
}

func (r *repositoryNotificationResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		"repository": identityschema.StringAttribute{RequiredForImport: true, Description: "Repository as namespace/name."},
		"uuid":       identityschema.StringAttribute{RequiredForImport: true, Description: "UUID of the notification."},
	}}
}

func (r *repositoryNotificationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the settings against the method and the event as
// Quay does, and what Quay would only refuse with a 500.
func (r *repositoryNotificationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m repositoryNotificationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.Method.IsUnknown() && !m.Method.IsNull() && !m.Config.IsUnknown() && !m.Config.IsNull() {
		var cfg notificationConfig
		resp.Diagnostics.Append(m.Config.As(ctx, &cfg, basetypes.ObjectAsOptions{})...)
		validateNotificationConfig(m.Method.ValueString(), &cfg, methodKeys, &resp.Diagnostics)
	}
	if !m.Event.IsUnknown() && !m.Event.IsNull() && !m.EventConfig.IsUnknown() {
		var ec notificationEventConfig
		if !m.EventConfig.IsNull() {
			resp.Diagnostics.Append(m.EventConfig.As(ctx, &ec, basetypes.ObjectAsOptions{})...)
		} else {
			ec = notificationEventConfig{RefRegex: types.StringNull(), Level: types.StringNull(), Days: types.Int64Null()}
		}
		validateNotificationEventConfig(m.Event.ValueString(), &ec, &resp.Diagnostics)
	}
}

func (c *notificationConfig) values() map[string]types.String {
	return map[string]types.String{
		"url": c.URL, "template": c.Template, "email": c.Email, "target_kind": c.TargetKind, "target_name": c.TargetName,
		"flow_api_token": c.FlowAPIToken, "notification_token": c.NotificationToken, "room_id": c.RoomID,
	}
}

func validateNotificationConfig(method string, cfg *notificationConfig, allKeys map[string]methodSettings, diags *diag.Diagnostics) {
	keys, ok := allKeys[method]
	if !ok {
		return
	}
	for key, v := range cfg.values() {
		p := path.Root("config").AtName(key)
		switch {
		case slices.Contains(keys.required, key) && v.IsNull():
			diags.AddAttributeError(p, "Missing notification setting", fmt.Sprintf("The %s method needs config.%s.", method, key))
		case !slices.Contains(keys.required, key) && !slices.Contains(keys.optional, key) && !v.IsNull():
			diags.AddAttributeError(p, "Setting not used by this method", fmt.Sprintf("The %s method has no setting config.%s; remove it.", method, key))
		}
	}
	if (method == "webhook" || method == "slack") && !cfg.URL.IsNull() && !cfg.URL.IsUnknown() {
		u, err := url.Parse(cfg.URL.ValueString())
		host := ""
		if err == nil {
			host = strings.ToLower(u.Hostname())
		}
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || host == "" || host == "localhost" || host == "127.0.0.1" {
			diags.AddAttributeError(path.Root("config").AtName("url"), "Invalid notification URL",
				"Quay needs an http or https URL of another host than localhost or 127.0.0.1 in config.url (the value is sensitive and not shown).")
		}
	}
}

func validateNotificationEventConfig(event string, ec *notificationEventConfig, diags *diag.Diagnostics) {
	isBuild := slices.Contains(buildEvents, event)
	check := func(name string, set, allowed bool) {
		if set && !allowed {
			diags.AddAttributeError(path.Root("event_config").AtName(name), "Setting not used by this event", fmt.Sprintf("The %s event has no setting event_config.%s; remove it.", event, name))
		}
	}
	check("ref_regex", !ec.RefRegex.IsNull(), isBuild)
	check("level", !ec.Level.IsNull(), event == "vulnerability_found")
	check("days", !ec.Days.IsNull(), event == "repo_image_expiry")
	if event == "repo_image_expiry" && ec.Days.IsNull() {
		diags.AddAttributeError(path.Root("event_config").AtName("days"), "Missing event setting",
			"The repo_image_expiry event needs event_config.days: Quay never sends it without.")
	}
}

// notificationConfigSchema is the config attribute of notifications.
func notificationConfigSchema(description string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: description,
		Required:            true,
		PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes: map[string]schema.Attribute{
			"url":                schema.StringAttribute{MarkdownDescription: "`webhook` and `slack`: the URL to post to (`http` or `https`, not `localhost`). Sensitive: such URLs often carry a token.", Optional: true, Sensitive: true},
			"template":           schema.StringAttribute{MarkdownDescription: "`webhook`: a JSON body template (Quay's syntax) instead of the default body.", Optional: true},
			"email":              schema.StringAttribute{MarkdownDescription: "`email`: the address, which its owner must have confirmed for this repository.", Optional: true, Validators: []validator.String{emailValidator{}}},
			"target_kind":        schema.StringAttribute{MarkdownDescription: "`quay_notification`: `user`, `team` (of the repository's organization) or `org` (the repository's organization).", Optional: true, Validators: []validator.String{stringvalidator.OneOf("user", "team", "org")}},
			"target_name":        schema.StringAttribute{MarkdownDescription: "`quay_notification`: the user, team or organization name.", Optional: true},
			"flow_api_token":     schema.StringAttribute{MarkdownDescription: "`flowdock`: the flow's API token. Sensitive.", Optional: true, Sensitive: true},
			"notification_token": schema.StringAttribute{MarkdownDescription: "`hipchat`: the room's notification token. Sensitive.", Optional: true, Sensitive: true},
			"room_id":            schema.StringAttribute{MarkdownDescription: "`hipchat`: the room id.", Optional: true},
		},
	}
}

// body is the config as Quay takes it.
func (cfg *notificationConfig) body() map[string]any {
	config := map[string]any{}
	for key, v := range cfg.values() {
		if !v.IsNull() && !strings.HasPrefix(key, "target_") {
			config[key] = v.ValueString()
		}
	}
	if !cfg.TargetKind.IsNull() {
		config["target"] = map[string]any{"kind": cfg.TargetKind.ValueString(), "name": cfg.TargetName.ValueString()}
	}
	return config
}

// notificationConfigValue is Quay's config as the config attribute.
func notificationConfigValue(config map[string]any) types.Object {
	cfg := map[string]attr.Value{}
	for key := range notificationConfigTypes {
		cfg[key] = stringOrNull(config[key])
	}
	if target, ok := config["target"].(map[string]any); ok {
		cfg["target_kind"], cfg["target_name"] = stringOrNull(target["kind"]), stringOrNull(target["name"])
	}
	return types.ObjectValueMust(notificationConfigTypes, cfg)
}

func stringOrNull(v any) types.String {
	if s, ok := v.(string); ok {
		return types.StringValue(s)
	}
	return types.StringNull()
}

// request builds the create body from the plan.
func (m *repositoryNotificationModel) request(ctx context.Context, diags *diag.Diagnostics) quay.CreateNotificationRequest {
	var cfg notificationConfig
	diags.Append(m.Config.As(ctx, &cfg, basetypes.ObjectAsOptions{})...)
	config := cfg.body()
	eventConfig := map[string]any{}
	if !m.EventConfig.IsNull() {
		var ec notificationEventConfig
		diags.Append(m.EventConfig.As(ctx, &ec, basetypes.ObjectAsOptions{})...)
		if !ec.RefRegex.IsNull() {
			eventConfig["ref-regex"] = ec.RefRegex.ValueString()
		}
		if !ec.Level.IsNull() {
			eventConfig["level"] = slices.Index(vulnerabilityLevels, ec.Level.ValueString())
		}
		if !ec.Days.IsNull() {
			eventConfig["days"] = ec.Days.ValueInt64()
		}
	}
	return quay.CreateNotificationRequest{
		Event: m.Event.ValueString(), Method: m.Method.ValueString(), Config: config, EventConfig: eventConfig, Title: m.Title.ValueStringPointer(),
	}
}

// notificationToModel copies Quay's view into m.
func notificationToModel(n *quay.Notification, m *repositoryNotificationModel) {
	m.UUID = types.StringValue(n.UUID)
	m.Event = types.StringValue(n.Event)
	m.Method = types.StringValue(n.Method)
	m.Title = types.StringPointerValue(n.Title)
	m.NumberOfFailures = types.Int64Value(n.NumberOfFailures)
	m.Config = notificationConfigValue(n.Config)
	ec := map[string]attr.Value{"ref_regex": stringOrNull(n.EventConfig["ref-regex"]), "level": types.StringNull(), "days": types.Int64Null()}
	if f, ok := n.EventConfig["level"].(float64); ok && int(f) >= 0 && int(f) < len(vulnerabilityLevels) {
		ec["level"] = types.StringValue(vulnerabilityLevels[int(f)])
	}
	if f, ok := n.EventConfig["days"].(float64); ok {
		ec["days"] = types.Int64Value(int64(f))
	}
	if m.EventConfig.IsNull() && ec["ref_regex"].IsNull() && ec["level"].IsNull() && ec["days"].IsNull() {
		return // no settings, and none configured
	}
	m.EventConfig = types.ObjectValueMust(notificationEventConfigTypes, ec)
}

func (r *repositoryNotificationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan repositoryNotificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	body := plan.request(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := r.data.client
	repo := plan.Repository.ValueString()
	ns, name := splitRepositoryPath(repo)
	// Notifications have no name: the list before the create is how one
	// made by a create whose answer was lost is told from older ones.
	before, err := c.ListNotifications(ctx, ns, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to list the notifications of %s", repo), err)
		return
	}
	n, err := c.CreateNotification(ctx, ns, name, body)
	if err != nil && quay.IsAmbiguous(err) {
		if after, lerr := c.ListNotifications(ctx, ns, name); lerr == nil {
			if adopted := newNotification(before, after, body); adopted != nil {
				tflog.Warn(ctx, "notification create failed ambiguously; keeping the notification Quay made", map[string]any{"repository": repo, "uuid": adopted.UUID})
				n, err = adopted, nil
			}
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to create a %s notification of %s", plan.Event.ValueString(), repo), err)
		return
	}
	notificationToModel(n, &plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setNotificationIdentity(ctx, repo, n.UUID, resp.Identity, &resp.Diagnostics)
}

// newNotification is the one notification of after, for the body's event
// and method, that was not in before; nil when there is not exactly one.
func newNotification(before, after []quay.Notification, body quay.CreateNotificationRequest) *quay.Notification {
	var found *quay.Notification
	for i, n := range after {
		known := slices.ContainsFunc(before, func(b quay.Notification) bool { return b.UUID == n.UUID })
		if !known && n.Event == body.Event && n.Method == body.Method {
			if found != nil {
				return nil
			}
			found = &after[i]
		}
	}
	return found
}

func (r *repositoryNotificationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state repositoryNotificationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo, uuid := state.Repository.ValueString(), state.UUID.ValueString()
	ns, name := splitRepositoryPath(repo)
	setNotificationIdentity(ctx, repo, uuid, resp.Identity, &resp.Diagnostics)
	n, err := r.data.client.GetNotification(ctx, ns, name, uuid)
	if quay.IsNotFound(err) {
		tflog.Warn(ctx, "notification no longer exists in Quay; removing it from state", map[string]any{"repository": repo, "uuid": uuid})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to read notification %s of %s", uuid, repo), err)
		return
	}
	notificationToModel(n, &state)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update can only reset the failure count: everything else replaces.
func (r *repositoryNotificationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state repositoryNotificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo, uuid := state.Repository.ValueString(), state.UUID.ValueString()
	ns, name := splitRepositoryPath(repo)
	plan.UUID, plan.NumberOfFailures = state.UUID, state.NumberOfFailures
	if versionBumped(state.ResetVersion, plan.ResetVersion) {
		if err := r.data.client.ResetNotificationFailures(ctx, ns, name, uuid); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to reset notification %s of %s", uuid, repo), err)
			return
		}
		plan.NumberOfFailures = types.Int64Value(0)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setNotificationIdentity(ctx, repo, uuid, resp.Identity, &resp.Diagnostics)
}

func (r *repositoryNotificationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state repositoryNotificationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	repo, uuid := state.Repository.ValueString(), state.UUID.ValueString()
	ns, name := splitRepositoryPath(repo)
	if err := r.data.client.DeleteNotification(ctx, ns, name, uuid); err != nil && !quay.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to delete notification %s of %s", uuid, repo), err)
	}
}

// ImportState takes "namespace/repository/<uuid>".
func (r *repositoryNotificationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var repo, uuid string
	if req.ID != "" {
		if i := strings.LastIndex(req.ID, "/"); i > 0 {
			repo, uuid = req.ID[:i], req.ID[i+1:]
		}
		if !repositoryPathRegexp.MatchString(repo) || !policyUUIDPattern.MatchString(uuid) {
			resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected \"namespace/repository/<uuid>\", got %q.", req.ID))
			return
		}
	} else {
		var r, u types.String
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("repository"), &r)...)
		resp.Diagnostics.Append(req.Identity.GetAttribute(ctx, path.Root("uuid"), &u)...)
		repo, uuid = r.ValueString(), u.ValueString()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("repository"), repo)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("uuid"), uuid)...)
	setNotificationIdentity(ctx, repo, uuid, resp.Identity, &resp.Diagnostics)
}

func setNotificationIdentity(ctx context.Context, repo, uuid string, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.SetAttribute(ctx, path.Root("repository"), repo)...)
	diags.Append(identity.SetAttribute(ctx, path.Root("uuid"), uuid)...)
}
