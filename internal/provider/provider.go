// Package provider implements the Terraform provider for Red Hat Quay.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	_ provider.Provider                       = (*quayProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*quayProvider)(nil)
)

// New returns a factory for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &quayProvider{version: version} }
}

type quayProvider struct {
	version string
}

type quayProviderModel struct {
	URL                   types.String `tfsdk:"url"`
	Token                 types.String `tfsdk:"token"`
	InsecureSkipVerify    types.Bool   `tfsdk:"insecure_skip_verify"`
	CACertPEM             types.String `tfsdk:"ca_cert_pem"`
	RequestTimeoutSeconds types.Int64  `tfsdk:"request_timeout_seconds"`
	MaxRetries            types.Int64  `tfsdk:"max_retries"`
}

// Defaults for settings that are neither configured nor in the environment,
// and the ranges that both the attributes and the variables must keep to.
var (
	requestTimeoutSetting = intRange{env: "QUAY_REQUEST_TIMEOUT", def: 60, min: 1, max: 3600, unit: " seconds"}
	maxRetriesSetting     = intRange{env: "QUAY_MAX_RETRIES", def: 5, min: 0, max: 20}
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client   *quay.Client
	me       *quay.CurrentUser
	instance *quay.InstanceConfig // nil when GET /config was not readable

	// userNamespaces caches, for this process, whether a namespace is a
	// user, as plan-time checks looked it up (*userLookup by name).
	userNamespaces sync.Map
}

func (p *quayProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "quay"
	resp.Version = p.version
}

func (p *quayProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a Red Hat Quay registry through its REST API: organizations, teams (and their directory sync), members, users, robots, repositories and their permissions, tags and their lifecycle (auto-prune and immutability policies, notifications), repository and organization mirrors, OAuth applications, proxy caches, quotas, service keys and global messages.",
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the Quay instance, for example `https://quay.example.com`: `http` or `https`, without a user name or password (the token authenticates). A trailing `/api/v1` is accepted and ignored. Falls back to the `QUAY_URL` environment variable, which is checked the same way.",
				Optional:            true,
				Validators:          []validator.String{baseURLValidator{}},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "OAuth access token the provider acts with. Give it all scopes (`org:admin repo:admin repo:create repo:read repo:write super:user user:admin user:read`); superuser resources need a superuser's token. Falls back to the `QUAY_TOKEN` environment variable.",
				Optional:            true,
				Sensitive:           true,
			},
			"insecure_skip_verify": schema.BoolAttribute{
				MarkdownDescription: "Skip verification of Quay's TLS certificate. Only for testing. Falls back to the `QUAY_INSECURE` environment variable; defaults to `false`.",
				Optional:            true,
			},
			"ca_cert_pem": schema.StringAttribute{
				MarkdownDescription: "PEM-encoded CA certificate(s) to trust in addition to the system pool, for a Quay behind a private CA. Falls back to the `QUAY_CA_CERT_PEM` environment variable.",
				Optional:            true,
			},
			"request_timeout_seconds": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("Timeout of one HTTP request to Quay, in seconds, from %d to %d. Falls back to the `%s` environment variable (same range); defaults to `%d`.", requestTimeoutSetting.min, requestTimeoutSetting.max, requestTimeoutSetting.env, requestTimeoutSetting.def),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(requestTimeoutSetting.min, requestTimeoutSetting.max)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after a 429, 502, 503, 504 or connection error (POSTs only where Quay cannot have acted: 429 and 503), from %d to %d. Falls back to the `%s` environment variable (same range); defaults to `%d`.", maxRetriesSetting.min, maxRetriesSetting.max, maxRetriesSetting.env, maxRetriesSetting.def),
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(maxRetriesSetting.min, maxRetriesSetting.max)},
			},
		},
	}
}

func (p *quayProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg quayProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	unknown := map[string]bool{
		"url": cfg.URL.IsUnknown(), "token": cfg.Token.IsUnknown(), "insecure_skip_verify": cfg.InsecureSkipVerify.IsUnknown(),
		"ca_cert_pem": cfg.CACertPEM.IsUnknown(), "request_timeout_seconds": cfg.RequestTimeoutSeconds.IsUnknown(), "max_retries": cfg.MaxRetries.IsUnknown(),
	}
	for _, name := range []string{"url", "token", "insecure_skip_verify", "ca_cert_pem", "request_timeout_seconds", "max_retries"} {
		if unknown[name] {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Quay provider setting",
				fmt.Sprintf("The provider cannot be configured because %q is not known until apply. Set it to a value known at plan time, or use the environment variable instead.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	url := stringSetting(cfg.URL, "QUAY_URL")
	token := stringSetting(cfg.Token, "QUAY_TOKEN")
	caPEM := stringSetting(cfg.CACertPEM, "QUAY_CA_CERT_PEM")
	insecure, err := boolSetting(cfg.InsecureSkipVerify, "QUAY_INSECURE", false)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("insecure_skip_verify"), "Invalid QUAY_INSECURE", err.Error())
	}
	timeout, err := requestTimeoutSetting.value(cfg.RequestTimeoutSeconds)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("request_timeout_seconds"), "Invalid "+requestTimeoutSetting.env, err.Error())
	}
	retries, err := maxRetriesSetting.value(cfg.MaxRetries)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("max_retries"), "Invalid "+maxRetriesSetting.env, err.Error())
	}
	if url == "" {
		resp.Diagnostics.AddAttributeError(path.Root("url"), "Missing Quay URL",
			"Set the provider's url attribute or the QUAY_URL environment variable to the base URL of your Quay, for example https://quay.example.com.")
	} else if url, err = quay.NormalizeBaseURL(url); err != nil {
		// Not an attribute error: Terraform would print the configuration
		// line, and with it any password in the URL.
		from := "The provider's url"
		if cfg.URL.IsNull() {
			from = "QUAY_URL"
		}
		resp.Diagnostics.AddError("Invalid Quay URL", from+": "+err.Error())
	}
	if token == "" {
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Missing Quay token",
			"Set the provider's token attribute or the QUAY_TOKEN environment variable to an OAuth access token of a Quay user (Quay UI: organization > OAuth applications > Generate token).")
	}
	if insecure && caPEM != "" {
		resp.Diagnostics.AddAttributeError(path.Root("ca_cert_pem"), "Conflicting TLS settings",
			"ca_cert_pem has no effect when insecure_skip_verify is true; set only one of them.")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	httpClient, err := quay.NewHTTPClient(quay.TLSOptions{CACertPEM: caPEM, InsecureSkipVerify: insecure}, time.Duration(timeout)*time.Second)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_cert_pem"), "Invalid CA certificate", err.Error())
		return
	}
	policy := quay.DefaultRetryPolicy
	policy.MaxRetries = int(retries)
	ua := fmt.Sprintf("terraform-provider-quay/%s (+https://registry.terraform.io/providers/quaytf/quay) Terraform/%s", p.version, req.TerraformVersion)
	client, err := quay.New(url,
		quay.WithToken(token),
		quay.WithUserAgent(ua),
		quay.WithHTTPClient(httpClient),
		quay.WithRetryPolicy(policy),
		quay.WithLogger(tflogLogger{}),
	)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Quay URL", err.Error())
		return
	}

	ctx = tflog.MaskMessageStrings(ctx, token)
	me, err := client.GetCurrentUser(ctx)
	switch {
	case err == nil && (me.Anonymous || me.Username == ""):
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Quay did not accept the token",
			"Quay treated the request as anonymous. Check that the token is a valid OAuth access token with the user:read scope.")
		return
	case quay.IsStatus(err, http.StatusUnauthorized):
		resp.Diagnostics.AddAttributeError(path.Root("token"), "Quay did not accept the token",
			"Quay answered 401 to GET /api/v1/user/: the token is unknown, expired or revoked, or lacks the user:read scope. Quay's message: "+quay.ErrorMessage(err))
		return
	case err != nil:
		var apiErr *quay.APIError
		if errors.As(err, &apiErr) {
			resp.Diagnostics.AddAttributeError(path.Root("url"), "The URL does not look like a Quay API",
				fmt.Sprintf("GET %s/api/v1/user/ answered HTTP %d (%s). Check that url points at the Quay server itself.", strings.TrimRight(url, "/"), apiErr.StatusCode, apiErr.Message))
			return
		}
		resp.Diagnostics.AddAttributeError(path.Root("url"), "Unable to reach Quay",
			fmt.Sprintf("Could not call %s: %s", url, err))
		return
	}
	tflog.Debug(ctx, "configured Quay client", map[string]any{"url": url, "user": me.Username, "superuser": me.SuperUser})

	data := &providerData{client: client, me: me}
	if ic, err := client.GetInstanceConfig(ctx); err == nil {
		data.instance = ic
	} else {
		tflog.Warn(ctx, "could not read Quay's /config; server-side option checks are skipped", map[string]any{"error": err.Error()})
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
}

func (p *quayProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewOrganizationResource,
		NewTeamResource,
		NewOrgMemberResource,
		NewUserResource,
		NewOAuthApplicationResource,
		NewProxyCacheResource,
		NewQuotaResource,
		NewServiceKeyResource,
		NewRepositoryResource,
		NewDefaultPermissionResource,
		NewRepositoryPermissionResource,
		NewRepositoryPermissionsResource,
		NewRobotResource,
		NewAutoPrunePolicyResource,
		NewImmutabilityPolicyResource,
		NewTagResource,
		NewRepositoryNotificationResource,
		NewNamespaceNotificationResource,
		NewRepositoryMirrorResource,
		NewGlobalMessageResource,
		NewOrganizationMirrorResource,
	}
}

func (p *quayProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewOrganizationDataSource,
		NewOrganizationsDataSource,
		NewRegistrySizeDataSource,
		NewUsageLogsDataSource,
		NewBuildDataSource,
		NewTeamDataSource,
		NewOrgMembersDataSource,
		NewUserDataSource,
		NewUsersDataSource,
		NewOAuthApplicationDataSource,
		NewOAuthApplicationsDataSource,
		NewProxyCacheDataSource,
		NewQuotaDataSource,
		NewServiceKeyDataSource,
		NewServiceKeysDataSource,
		NewRepositoryDataSource,
		NewRepositoriesDataSource,
		NewDefaultPermissionsDataSource,
		NewRepositoryPermissionsDataSource,
		NewRobotDataSource,
		NewRobotsDataSource,
		NewRobotTokenDataSource,
		NewTagsDataSource,
		NewAutoPrunePoliciesDataSource,
		NewRepositoryNotificationsDataSource,
		NewGlobalMessagesDataSource,
		NewRepositoryMirrorDataSource,
	}
}

func (p *quayProvider) EphemeralResources(_ context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		NewRobotTokenEphemeralResource,
	}
}

// Settings: configuration first, then the environment, then the default.

func stringSetting(v types.String, env string) string {
	if !v.IsNull() {
		return v.ValueString()
	}
	return os.Getenv(env)
}

func boolSetting(v types.Bool, env string, def bool) (bool, error) {
	if !v.IsNull() {
		return v.ValueBool(), nil
	}
	s := os.Getenv(env)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return def, fmt.Errorf("%s=%q is not a boolean (use true or false)", env, s)
	}
	return b, nil
}

// intRange is an integer setting with its environment variable, default
// and allowed range; a value from the environment is held to the same
// range as the attribute.
type intRange struct {
	env      string
	def      int64
	min, max int64
	unit     string
}

func (r intRange) value(v types.Int64) (int64, error) {
	if !v.IsNull() {
		return v.ValueInt64(), nil
	}
	s := os.Getenv(r.env)
	if s == "" {
		return r.def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < r.min || n > r.max {
		return r.def, fmt.Errorf("%s=%q must be a whole number from %d to %d%s", r.env, s, r.min, r.max, r.unit)
	}
	return n, nil
}

// baseURLValidator checks a configured url at validation time, with the
// client's own rules. A URL with credentials gets an error without an
// attribute path, so that Terraform does not print the line holding it.
type baseURLValidator struct{}

func (baseURLValidator) Description(context.Context) string {
	return "must be an http or https URL with a host and without credentials"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if _, err := quay.NormalizeBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddError("Invalid Quay URL", "The provider's url: "+err.Error())
	}
}

// tflogLogger sends the client's request lines to Terraform's provider log.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}
