package provider

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// badInput is one invalid configuration: block is the resource or data
// source block, attr the attribute at fault, want the expected message.
type badInput struct {
	name  string
	attr  string
	block string
	want  string
}

// badInputCorpus covers every attribute with a rule, of every resource and
// data source.
var badInputCorpus = []badInput{
	{"org name uppercase", "name", `resource "quay_organization" "x" { name = "Platform" }`, `must be a valid Quay organization name`},
	{"org name underscore start", "name", `resource "quay_organization" "x" { name = "_platform" }`, `must be a valid Quay organization name`},
	{"org name double separator", "name", `resource "quay_organization" "x" { name = "plat--form" }`, `must be a valid Quay organization name`},
	{"org name too short", "name", `resource "quay_organization" "x" { name = "p" }`, `string length must be between 2 and 255`},
	{"org name too long", "name", `resource "quay_organization" "x" { name = "` + strings.Repeat("a", 256) + `" }`, `string length must be between 2 and 255`},
	{"org name empty", "name", `resource "quay_organization" "x" { name = "" }`, `string length must be between 2 and 255`},
	{"org email malformed", "email", `resource "quay_organization" "x" {
  name  = "platform"
  email = "platform.example.com"
}`, `must be an e-mail address`},
	{"org email two ats", "email", `resource "quay_organization" "x" {
  name  = "platform"
  email = "a@b@example.com"
}`, `must be an e-mail address`},
	{"org email one label domain", "email", `resource "quay_organization" "x" {
  name  = "platform"
  email = "ops@localhost"
}`, `must be an e-mail address`},
	{"org invoice address empty", "invoice_email_address", `resource "quay_organization" "x" {
  name                  = "platform"
  invoice_email_address = ""
}`, `string length must be at least 1`},
	{"org invoice address malformed", "invoice_email_address", `resource "quay_organization" "x" {
  name                  = "platform"
  invoice_email_address = "billing"
}`, `must be an e-mail address`},
	{"org tag expiration negative", "tag_expiration_s", `resource "quay_organization" "x" {
  name             = "platform"
  tag_expiration_s = -86400
}`, `value must be at least 0`},
	{"org tag expiration not an option", "tag_expiration_s", `resource "quay_organization" "x" {
  name             = "platform"
  tag_expiration_s = 3600
}`, `not one of this instance's TAG_EXPIRATION_OPTIONS`},
	{"org data source name", "name", `data "quay_organization" "x" { name = "Not Valid" }`, `must be a valid Quay organization name`},
	{"team name uppercase", "name", `resource "quay_team" "x" {
  organization = "acme"
  name         = "Builders"
  role         = "member"
}`, `must be a valid Quay team name`},
	{"team role unknown", "role", `resource "quay_team" "x" {
  organization = "acme"
  name         = "builders"
  role         = "Admin"
}`, `value must be one of`},
	{"team organization invalid", "organization", `resource "quay_team" "x" {
  organization = "acme!"
  name         = "builders"
  role         = "member"
}`, `must be a valid Quay organization name`},
	{"team data source name", "name", `data "quay_team" "x" {
  organization = "acme"
  name         = "x"
}`, `string length must be between 2 and 255`},
	{"member teams empty", "teams", `resource "quay_org_member" "x" {
  organization = "acme"
  username     = "alice"
  teams        = []
}`, `set must contain at least 1 elements`},
	{"member team invalid", "teams", `resource "quay_org_member" "x" {
  organization = "acme"
  username     = "alice"
  teams        = ["ok", "Not_OK"]
}`, `must be a valid Quay team name`},
	{"member username invalid", "username", `resource "quay_org_member" "x" {
  organization = "acme"
  username     = "Alice"
  teams        = ["owners"]
}`, `must be a Quay user name, or a robot's full name`},
	{"member robot of another organization", "username", `resource "quay_org_member" "x" {
  organization = "acme"
  username     = "other+ci"
  teams        = ["owners"]
}`, `Quay grants robots only in their own namespace`},
	{"robot name uppercase", "name", `resource "quay_robot" "x" {
  namespace = "acme"
  name      = "CI"
}`, `must be a valid Quay robot name`},
	{"robot name with plus", "name", `resource "quay_robot" "x" {
  namespace = "acme"
  name      = "acme+ci"
}`, `must be a valid Quay robot name`},
	{"robot name too short", "name", `resource "quay_robot" "x" {
  namespace = "acme"
  name      = "c"
}`, `string length must be between 2 and 255`},
	{"robot full name too long", "name", `resource "quay_robot" "x" {
  namespace = "` + strings.Repeat("a", 200) + `"
  name      = "` + strings.Repeat("b", 60) + `"
}`, `Quay stores at most 255`},
	{"robot namespace invalid", "namespace", `resource "quay_robot" "x" {
  namespace = "Acme"
  name      = "ci"
}`, `must be a valid Quay namespace name`},
	{"robot description too long", "description", `resource "quay_robot" "x" {
  namespace   = "acme"
  name        = "ci"
  description = "` + strings.Repeat("d", 256) + `"
}`, `string length must be at most 255`},
	{"robot federation issuer not a URL", "issuer", `resource "quay_robot" "x" {
  namespace  = "acme"
  name       = "ci"
  federation = [{ issuer = "token.actions.githubusercontent.com", subject = "repo:acme/app" }]
}`, `must be a URL starting with http:// or https://`},
	{"robot federation subject empty", "subject", `resource "quay_robot" "x" {
  namespace  = "acme"
  name       = "ci"
  federation = [{ issuer = "https://issuer.example.com", subject = "" }]
}`, `string length must be at least 1`},
	{"robot metadata empty key", "unstructured_metadata", `resource "quay_robot" "x" {
  namespace             = "acme"
  name                  = "ci"
  unstructured_metadata = { "" = "x" }
}`, `string length must be at least 1`},
	{"robot data source name", "name", `data "quay_robot" "x" {
  namespace = "acme"
  name      = "acme+ci"
}`, `must be a valid Quay robot name`},
	{"robots data source namespace", "namespace", `data "quay_robots" "x" { namespace = "-acme" }`, `must be a valid Quay namespace name`},
	{"robot token data source name", "name", `data "quay_robot_token" "x" {
  namespace = "acme"
  name      = "CI"
}`, `must be a valid Quay robot name`},
	{"org members data source", "organization", `data "quay_org_members" "x" { organization = "-acme" }`, `must be a valid Quay organization name`},
	{"user name invalid", "username", `resource "quay_user" "x" { username = "a b" }`, `must be a valid Quay user name`},
	{"user email invalid", "email", `resource "quay_user" "x" {
  username = "alice"
  email    = "alice@"
}`, `must be an e-mail address`},
	{"user password short", "password_wo", `resource "quay_user" "x" {
  username            = "alice"
  password_wo         = "1234567"
  password_wo_version = 1
}`, `must be at least 8 characters long`},
	{"user password version alone", "password_wo_version", `resource "quay_user" "x" {
  username            = "alice"
  password_wo_version = 1
}`, `password_wo`},
	{"user data source", "username", `data "quay_user" "x" { username = "A" }`, `must be a valid Quay user name`},
	{"app name empty", "name", `resource "quay_oauth_application" "x" {
  organization = "acme"
  name         = ""
}`, `string length must be at least 1`},
	{"app name reserved", "name", `resource "quay_oauth_application" "x" {
  organization = "acme"
  name         = "__quay_bootstrap_app"
}`, `value must be none of`},
	{"app avatar email", "avatar_email", `resource "quay_oauth_application" "x" {
  organization = "acme"
  name         = "ci"
  avatar_email = "ci"
}`, `must be an e-mail address`},
	{"app data source both keys", "name", `data "quay_oauth_application" "x" {
  organization = "acme"
  name         = "ci"
  client_id    = "ABC"
}`, `of [name,client_id]`},
	{"apps data source org", "organization", `data "quay_oauth_applications" "x" { organization = "ACME" }`, `must be a valid Quay organization name`},
	{"proxy upstream empty", "upstream_registry", `resource "quay_proxy_cache" "x" {
  organization      = "acme"
  upstream_registry = ""
}`, `string length must be between 1 and 270`},
	{"proxy upstream scheme", "upstream_registry", `resource "quay_proxy_cache" "x" {
  organization      = "acme"
  upstream_registry = "http://quay.io"
}`, `leave out the scheme`},
	{"proxy upstream credentials", "upstream_registry", `resource "quay_proxy_cache" "x" {
  organization      = "acme"
  upstream_registry = "me@quay.io"
}`, `credentials do not belong in the URL`},
	{"proxy upstream too long", "upstream_registry", `resource "quay_proxy_cache" "x" {
  organization      = "acme"
  upstream_registry = "quay.io/` + strings.Repeat("n", 270) + `"
}`, `string length must be between 1 and 270`},
	{"proxy expiration negative", "expiration_s", `resource "quay_proxy_cache" "x" {
  organization      = "acme"
  upstream_registry = "quay.io"
  expiration_s      = -1
}`, `value must be at least 1`},
	{"proxy username without password", "upstream_registry_username", `resource "quay_proxy_cache" "x" {
  organization               = "acme"
  upstream_registry          = "quay.io"
  upstream_registry_username = "robot"
}`, `upstream_registry_password_wo`},
	{"proxy data source org", "organization", `data "quay_proxy_cache" "x" { organization = "a" }`, `string length must be between 2 and 255`},
	{"quota size zero", "limit", `resource "quay_quota" "x" {
  namespace = "acme"
  limit     = "0 GiB"
}`, `larger than zero`},
	{"quota size in B", "limit", `resource "quay_quota" "x" {
  namespace = "acme"
  limit     = "100B"
}`, `does not accept the unit "B"`},
	{"quota size decimal", "limit", `resource "quay_quota" "x" {
  namespace = "acme"
  limit     = "1.5 GiB"
}`, `write "1536 MiB"`},
	{"quota bytes zero", "limit_bytes", `resource "quay_quota" "x" {
  namespace   = "acme"
  limit_bytes = 0
}`, `value must be at least 1`},
	{"quota threshold zero", "limits", `resource "quay_quota" "x" {
  namespace = "acme"
  limit     = "1 GiB"
  limits    = [{ type = "Warning", threshold_percent = 0 }]
}`, `between 1 and 100`},
	{"quota threshold 101", "limits", `resource "quay_quota" "x" {
  namespace = "acme"
  limit     = "1 GiB"
  limits    = [{ type = "Reject", threshold_percent = 101 }]
}`, `between 1 and 100`},
	{"quota limit type", "limits", `resource "quay_quota" "x" {
  namespace = "acme"
  limit     = "1 GiB"
  limits    = [{ type = "Info", threshold_percent = 50 }]
}`, `must be one of`},
	{"quota namespace", "namespace", `resource "quay_quota" "x" {
  namespace = "Bad Name"
  limit     = "1 GiB"
}`, `must be a valid Quay namespace name`},
	{"service key service", "service", `resource "quay_service_key" "x" {
  service    = "Bad-Service"
  expiration = null
}`, `must contain only lowercase letters, digits and '_'`},
	{"service key name", "name", `resource "quay_service_key" "x" {
  service = "ok"
  name    = "semi;colon"
}`, `may contain only letters, digits, whitespace`},
	{"service key past expiration", "expiration", `resource "quay_service_key" "x" {
  service    = "ok"
  expiration = "2001-01-01T00:00:00Z"
}`, `Expiration is in the past`},
	{"service key expiration format", "expiration", `resource "quay_service_key" "x" {
  service    = "ok"
  expiration = "tomorrow"
}`, `must be an RFC 3339 timestamp`},
	{"service key reserved metadata", "metadata", `resource "quay_service_key" "x" {
  service  = "ok"
  metadata = { creator = "me" }
}`, `metadata key "creator" is reserved`},
	{"app javascript redirect", "redirect_uri", `resource "quay_oauth_application" "x" {
  organization = "platform"
  name         = "ci"
  redirect_uri = "javascript:alert(1)"
}`, `javascript: URIs are refused`},
	{"app relative home page", "application_uri", `resource "quay_oauth_application" "x" {
  organization    = "platform"
  name            = "ci"
  application_uri = "ci.example.com"
}`, `must be an absolute http or https URL`},
	{"default permission role", "role", `resource "quay_default_permission" "x" {
  organization  = "platform"
  delegate_team = "builders"
  role          = "owner"
}`, `value must be one of`},
	{"default permission team name", "delegate_team", `resource "quay_default_permission" "x" {
  organization  = "platform"
  delegate_team = "Builders"
  role          = "read"
}`, `must be a valid Quay team name`},
	{"default permission delegate user", "delegate_username", `resource "quay_default_permission" "x" {
  organization      = "platform"
  delegate_username = "ci bot"
  role              = "read"
}`, `must be a Quay user name`},
	{"default permission activating user", "activating_username", `resource "quay_default_permission" "x" {
  organization        = "platform"
  delegate_team       = "builders"
  activating_username = "CI"
  role                = "read"
}`, `must be a Quay user name`},
	{"default permissions organization", "organization", `data "quay_default_permissions" "x" { organization = "Platform" }`, `must be a valid Quay organization name`},
	{"repository name uppercase", "name", `resource "quay_repository" "x" {
  namespace = "platform"
  name      = "App"
}`, `must be lowercase letters`},
	{"repository name empty segment", "name", `resource "quay_repository" "x" {
  namespace = "platform"
  name      = "team//app"
}`, `must be lowercase letters`},
	{"repository name separator start", "name", `resource "quay_repository" "x" {
  namespace = "platform"
  name      = "-app"
}`, `must be lowercase letters`},
	{"repository name too long", "name", `resource "quay_repository" "x" {
  namespace = "platform"
  name      = "` + strings.Repeat("a", 256) + `"
}`, `string length must be between 1 and 255`},
	{"repository namespace", "namespace", `resource "quay_repository" "x" {
  namespace = "Platform"
  name      = "app"
}`, `must be a valid Quay namespace name`},
	{"repository visibility", "visibility", `resource "quay_repository" "x" {
  namespace  = "platform"
  name       = "app"
  visibility = "internal"
}`, `value must be one of`},
	{"repository state mirror", "state", `resource "quay_repository" "x" {
  namespace = "platform"
  name      = "app"
  state     = "MIRROR"
}`, `State MIRROR is set by mirroring`},
	{"repository state unknown", "state", `resource "quay_repository" "x" {
  namespace = "platform"
  name      = "app"
  state     = "ARCHIVED"
}`, `value must be one of`},
	{"repository data source name", "name", `data "quay_repository" "x" {
  namespace = "platform"
  name      = "App"
}`, `must be lowercase letters`},
	{"repositories data source without a filter", "namespace", `data "quay_repositories" "x" {}`, `A filter is required`},
	{"repository permission repository", "repository", `resource "quay_repository_permission" "x" {
  repository = "platform"
  team       = "builders"
  role       = "read"
}`, `must be a repository as namespace/name`},
	{"repository permission role", "role", `resource "quay_repository_permission" "x" {
  repository = "platform/app"
  team       = "builders"
  role       = "pull"
}`, `value must be one of`},
	{"repository permission team", "team", `resource "quay_repository_permission" "x" {
  repository = "platform/app"
  team       = "-builders"
  role       = "read"
}`, `must be a valid Quay team name`},
	{"repository permission robot name", "username", `resource "quay_repository_permission" "x" {
  repository = "platform/app"
  username   = "platform+"
  role       = "read"
}`, `must be a Quay user name`},
	{"repository permissions repository", "repository", `resource "quay_repository_permissions" "x" { repository = "platform/App" }`, `must be a repository as namespace/name`},
	{"repository permissions team role", "teams", `resource "quay_repository_permissions" "x" {
  repository = "platform/app"
  teams      = { builders = "pull" }
}`, `value must be one of`},
	{"repository permissions user name", "users", `resource "quay_repository_permissions" "x" {
  repository = "platform/app"
  users      = { "CI" = "read" }
}`, `must be a Quay user name`},
	{"repository permissions data source repository", "repository", `data "quay_repository_permissions" "x" { repository = "app" }`, `must be a repository as namespace/name`},
	{"auto-prune method unknown", "method", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  method       = "newest"
  value        = "10"
}`, `value must be one of`},
	{"auto-prune tag count not a number", "value", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  method       = "number_of_tags"
  value        = "7d"
}`, `is not a number of tags`},
	{"auto-prune tag count zero", "value", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  method       = "number_of_tags"
  value        = "0"
}`, `is not a number of tags`},
	{"auto-prune age uppercase unit", "value", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  method       = "creation_date"
  value        = "7D"
}`, `is not an age Quay understands`},
	{"auto-prune age without number", "value", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  method       = "creation_date"
  value        = "d"
}`, `is not an age Quay understands`},
	{"auto-prune tag pattern does not compile", "tag_pattern", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  method       = "number_of_tags"
  value        = "10"
  tag_pattern  = "(dev"
}`, `it does not compile`},
	{"auto-prune tag pattern blank", "tag_pattern", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  method       = "number_of_tags"
  value        = "10"
  tag_pattern  = " "
}`, `it is empty`},
	{"auto-prune two targets", "organization", `resource "quay_auto_prune_policy" "x" {
  organization = "acme"
  repository   = "acme/app"
  method       = "number_of_tags"
  value        = "10"
}`, `Exactly one of these attributes must be configured`},
	{"auto-prune policies data source no target", "organization", `data "quay_auto_prune_policies" "x" {}`, `Exactly one of these attributes must be configured`},
	{"immutability tag pattern too long", "tag_pattern", `resource "quay_immutability_policy" "x" {
  organization = "acme"
  tag_pattern  = "` + strings.Repeat("v", 257) + `"
}`, `it is 257 characters long`},
	{"immutability tag pattern spaces", "tag_pattern", `resource "quay_immutability_policy" "x" {
  repository  = "acme/app"
  tag_pattern = " v1.* "
}`, `leading or trailing white space`},
	{"immutability no target", "organization", `resource "quay_immutability_policy" "x" { tag_pattern = "v1.*" }`, `Exactly one of these attributes must be configured`},
	{"tag name invalid", "name", `resource "quay_tag" "x" {
  repository      = "acme/app"
  name            = "-prod"
  manifest_digest = "sha256:` + strings.Repeat("a", 64) + `"
}`, `must be a tag name`},
	{"tag digest invalid", "manifest_digest", `resource "quay_tag" "x" {
  repository      = "acme/app"
  name            = "prod"
  manifest_digest = "latest"
}`, `must be a manifest digest`},
	{"tag expiration in the past", "expiration", `resource "quay_tag" "x" {
  repository      = "acme/app"
  name            = "prod"
  manifest_digest = "sha256:` + strings.Repeat("a", 64) + `"
  expiration      = "2001-01-01T00:00:00Z"
}`, `Quay refuses an expiration in the past`},
	{"tag expiration too far ahead", "expiration", `resource "quay_tag" "x" {
  repository      = "acme/app"
  name            = "prod"
  manifest_digest = "sha256:` + strings.Repeat("a", 64) + `"
  expiration      = "2999-01-01T00:00:00Z"
}`, `is more than 104 weeks ahead`},
	{"tag expiration not a time", "expiration", `resource "quay_tag" "x" {
  repository      = "acme/app"
  name            = "prod"
  manifest_digest = "sha256:` + strings.Repeat("a", 64) + `"
  expiration      = "tomorrow"
}`, `must be an RFC 3339 time in the future`},
	{"tags data source regex", "name_regex", `data "quay_tags" "x" {
  repository = "acme/app"
  name_regex = "(v1"
}`, `must be a valid regular expression`},
	{"notification event unknown", "event", `resource "quay_repository_notification" "x" {
  repository = "acme/app"
  event      = "push"
  method     = "webhook"
  config     = { url = "https://hooks.example.com/x" }
}`, `value must be one of`},
	{"notification method unknown", "method", `resource "quay_repository_notification" "x" {
  repository = "acme/app"
  event      = "repo_push"
  method     = "sms"
  config     = { url = "https://hooks.example.com/x" }
}`, `value must be one of`},
	{"notification webhook without url", "config.url", `resource "quay_repository_notification" "x" {
  repository = "acme/app"
  event      = "repo_push"
  method     = "webhook"
  config     = { email = "ops@example.com" }
}`, `The webhook method needs`},
	{"notification webhook to localhost", "127.0.0.1", `resource "quay_repository_notification" "x" {
  repository = "acme/app"
  event      = "repo_push"
  method     = "webhook"
  config     = { url = "http://localhost:8080/hook" }
}`, `Quay needs an http or https URL`},
	{"notification email invalid", "config.email", `resource "quay_repository_notification" "x" {
  repository = "acme/app"
  event      = "repo_push"
  method     = "email"
  config     = { email = "ops" }
}`, `must be an e-mail address`},
	{"notification quay target kind", "config.target_kind", `resource "quay_repository_notification" "x" {
  repository = "acme/app"
  event      = "repo_push"
  method     = "quay_notification"
  config     = { target_kind = "group", target_name = "ops" }
}`, `value must be one of`},
	{"notification expiry without days", "event_config.days", `resource "quay_repository_notification" "x" {
  repository = "acme/app"
  event      = "repo_image_expiry"
  method     = "slack"
  config     = { url = "https://hooks.slack.com/services/x" }
}`, `The repo_image_expiry event needs`},
	{"notification level on push", "event_config.level", `resource "quay_repository_notification" "x" {
  repository   = "acme/app"
  event        = "repo_push"
  method       = "slack"
  config       = { url = "https://hooks.slack.com/services/x" }
  event_config = { level = "High" }
}`, `The repo_push event has no setting`},
	{"mirror reference with scheme", "external_reference", `resource "quay_repository_mirror" "x" {
  repository         = "acme/app"
  external_reference = "https://quay.io/acme/app"
  root_rule          = ["latest"]
  robot_username     = "acme+mirror"
  sync_interval      = 3600
}`, `without a scheme`},
	{"mirror interval too short", "sync_interval", `resource "quay_repository_mirror" "x" {
  repository         = "acme/app"
  external_reference = "quay.io/acme/app"
  root_rule          = ["latest"]
  robot_username     = "acme+mirror"
  sync_interval      = 10
}`, `value must be at least 60`},
	{"mirror robot of another namespace", "robot_username", `resource "quay_repository_mirror" "x" {
  repository         = "acme/app"
  external_reference = "quay.io/acme/app"
  root_rule          = ["latest"]
  robot_username     = "other+mirror"
  sync_interval      = 3600
}`, `Quay grants robots only in their own namespace`},
	{"mirror no tag rule", "root_rule", `resource "quay_repository_mirror" "x" {
  repository         = "acme/app"
  external_reference = "quay.io/acme/app"
  root_rule          = []
  robot_username     = "acme+mirror"
  sync_interval      = 3600
}`, `list must contain at least 1 elements`},
	{"mirror start date with offset", "sync_start_date", `resource "quay_repository_mirror" "x" {
  repository         = "acme/app"
  external_reference = "quay.io/acme/app"
  root_rule          = ["latest"]
  robot_username     = "acme+mirror"
  sync_interval      = 3600
  sync_start_date    = "2030-01-01T00:00:00+02:00"
}`, `must be a UTC time as YYYY-MM-DDTHH:MM:SSZ`},
	{"mirror skopeo timeout too short", "skopeo_timeout_interval", `resource "quay_repository_mirror" "x" {
  repository              = "acme/app"
  external_reference      = "quay.io/acme/app"
  root_rule               = ["latest"]
  robot_username          = "acme+mirror"
  sync_interval           = 3600
  skopeo_timeout_interval = 60
}`, `value must be at least 300`},
	{"mirror architecture unknown", "architecture_filter", `resource "quay_repository_mirror" "x" {
  repository          = "acme/app"
  external_reference  = "quay.io/acme/app"
  root_rule           = ["latest"]
  robot_username      = "acme+mirror"
  sync_interval       = 3600
  architecture_filter = ["x86"]
}`, `value must be one of`},
	{"global message severity", "severity", `resource "quay_global_message" "x" {
  content  = "hello"
  severity = "critical"
}`, `value must be one of`},
	{"global message media type", "media_type", `resource "quay_global_message" "x" {
  content    = "hello"
  media_type = "text/html"
}`, `value must be one of`},
	{"global message empty", "content", `resource "quay_global_message" "x" { content = "" }`, `string length must be at least 1`},
	{"provider URL without scheme", "url", `provider "quay" { url = "quay.example.com" }
data "quay_organization" "x" { name = "platform" }`, `it needs a scheme`},
	{"provider timeout zero", "request_timeout_seconds", `provider "quay" { request_timeout_seconds = 0 }
data "quay_organization" "x" { name = "platform" }`, `value must be between 1 and 3600`},
	{"provider retries negative", "max_retries", `provider "quay" { max_retries = -1 }
data "quay_organization" "x" { name = "platform" }`, `value must be between 0 and 20`},
}

// TestBadInputCorpus feeds every invalid value to a plan and checks that it
// fails there, with the expected message next to the attribute at fault,
// and that Quay saw no write at all. It uses its own emulator so that the
// write counter is not shared with other tests.
func TestBadInputCorpus(t *testing.T) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	srv := httptest.NewServer(emu)
	defer srv.Close()
	t.Setenv("QUAY_URL", srv.URL)
	t.Setenv("QUAY_TOKEN", token)

	for _, tc := range badInputCorpus {
		t.Run(tc.name, func(t *testing.T) {
			want := regexp.QuoteMeta(tc.want)
			// The CLI prints the offending line ("attr = value") above the
			// message, or the framework names the attribute in it.
			pattern := fmt.Sprintf(`(?s)(%[1]s\s*=.*%[2]s|Attribute %[1]s .*%[2]s|%[2]s.*%[1]s)`, regexp.QuoteMeta(tc.attr), want)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      tc.block,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(pattern),
				}},
			})
		})
	}
	for route, n := range emu.Counts() {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("bad input caused %d write request(s): %s", n, route)
		}
	}
}
