package quay

import (
	"context"
	"net/http"
	"strings"
)

// Repository mirroring (quay-api.md §19), behind FEATURE_REPO_MIRROR. Quay
// has no delete for a mirror configuration: it is disabled instead.

// MirrorRootRule selects the upstream tags to mirror.
type MirrorRootRule struct {
	RuleKind  string   `json:"rule_kind"`
	RuleValue []string `json:"rule_value"`
}

// MirrorProxy is the proxy part of a mirror's registry settings.
type MirrorProxy struct {
	HTTPProxy  *string `json:"http_proxy,omitempty"`
	HTTPSProxy *string `json:"https_proxy,omitempty"`
	NoProxy    *string `json:"no_proxy,omitempty"`
}

// MirrorRegistryConfig is how Quay talks to the upstream registry.
type MirrorRegistryConfig struct {
	VerifyTLS      *bool        `json:"verify_tls,omitempty"`
	UnsignedImages *bool        `json:"unsigned_images,omitempty"`
	Proxy          *MirrorProxy `json:"proxy,omitempty"`
}

// Mirror is a repository's mirror configuration as Quay shows it; the
// upstream password is never shown. The sync fields belong to Quay's
// mirror worker.
type Mirror struct {
	IsEnabled                bool                 `json:"is_enabled"`
	MirrorType               string               `json:"mirror_type"`
	ExternalReference        string               `json:"external_reference"`
	ExternalRegistryUsername *string              `json:"external_registry_username"`
	ExternalRegistryConfig   MirrorRegistryConfig `json:"external_registry_config"`
	SyncInterval             int64                `json:"sync_interval"`
	SyncStartDate            *string              `json:"sync_start_date"`
	SyncExpirationDate       *string              `json:"sync_expiration_date"`
	SyncRetriesRemaining     int64                `json:"sync_retries_remaining"`
	SyncStatus               string               `json:"sync_status"`
	RootRule                 MirrorRootRule       `json:"root_rule"`
	RobotUsername            *string              `json:"robot_username"`
	SkopeoTimeoutInterval    *int64               `json:"skopeo_timeout_interval"`
	ArchitectureFilter       []string             `json:"architecture_filter"`
}

// MirrorRequest is the body of a mirror create or update. Quay passes
// unexpected keys to its model and fails with a 500, so only these are
// sent, and optional ones only when set. Credentials always go together:
// Quay refuses a password without its username in the same update.
type MirrorRequest struct {
	IsEnabled                *bool                 `json:"is_enabled,omitempty"`
	ExternalReference        string                `json:"external_reference,omitempty"`
	ExternalRegistryUsername *string               `json:"external_registry_username,omitempty"`
	ExternalRegistryPassword *string               `json:"external_registry_password,omitempty"`
	ExternalRegistryConfig   *MirrorRegistryConfig `json:"external_registry_config,omitempty"`
	SyncInterval             *int64                `json:"sync_interval,omitempty"`
	SyncStartDate            *string               `json:"sync_start_date,omitempty"`
	RootRule                 *MirrorRootRule       `json:"root_rule,omitempty"`
	RobotUsername            *string               `json:"robot_username,omitempty"`
	SkopeoTimeoutInterval    *int64                `json:"skopeo_timeout_interval,omitempty"`
	ArchitectureFilter       []string              `json:"architecture_filter,omitempty"`
}

func mirrorPath(namespace, repo string) string { return repositoryPath(namespace, repo) + "/mirror" }

// GetMirror reads a repository's mirror configuration; NotFound when the
// repository or its configuration does not exist.
func (c *Client) GetMirror(ctx context.Context, namespace, repo string) (*Mirror, error) {
	var out Mirror
	if err := c.do(ctx, call{endpoint: "GetMirror", method: http.MethodGet, path: mirrorPath(namespace, repo), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateMirror creates the configuration; the repository becomes MIRROR and
// the robot gets write on it. Quay answers 409 when one exists
// (IsMirrorExists), even a disabled one: update that one instead.
func (c *Client) CreateMirror(ctx context.Context, namespace, repo string, req MirrorRequest) error {
	return c.do(ctx, call{endpoint: "CreateMirror", method: http.MethodPost, path: mirrorPath(namespace, repo), body: req})
}

// UpdateMirror changes the fields set in req. Quay answers 201 and may skip
// a field the worker wrote at the same moment: read it back.
func (c *Client) UpdateMirror(ctx context.Context, namespace, repo string, req MirrorRequest) error {
	return c.do(ctx, call{endpoint: "UpdateMirror", method: http.MethodPut, path: mirrorPath(namespace, repo), body: req})
}

// SyncMirrorNow asks the mirror worker to sync at once. Quay answers 404
// while a sync runs.
func (c *Client) SyncMirrorNow(ctx context.Context, namespace, repo string) error {
	return c.do(ctx, call{endpoint: "SyncMirrorNow", method: http.MethodPost, path: mirrorPath(namespace, repo) + "/sync-now", idempotent: true})
}

// IsMirrorExists reports Quay's 409 for a second mirror configuration.
func IsMirrorExists(err error) bool {
	return IsStatus(err, http.StatusConflict) && strings.Contains(ErrorMessage(err), "Mirror configuration already")
}
