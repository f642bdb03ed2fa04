package quay

import (
	"context"
	"encoding/json"
	"net/http"
)

// Organization mirroring (quay-api.md §20), behind FEATURE_ORG_MIRROR (Quay
// 3.17+): every repository of a source namespace is mirrored into an
// organization.

// OrgMirrorConfig is how Quay talks to the source registry; PUT replaces it.
type OrgMirrorConfig struct {
	VerifyTLS *bool        `json:"verify_tls,omitempty"`
	Proxy     *MirrorProxy `json:"proxy,omitempty"`
}

// OrgMirror is an organization's mirror configuration as Quay shows it.
type OrgMirror struct {
	IsEnabled                   bool            `json:"is_enabled"`
	ExternalRegistryType        string          `json:"external_registry_type"`
	ExternalRegistryURL         string          `json:"external_registry_url"`
	ExternalNamespace           string          `json:"external_namespace"`
	ExternalRegistryUsername    *string         `json:"external_registry_username"`
	HasExternalRegistryPassword bool            `json:"has_external_registry_password"`
	ExternalRegistryConfig      OrgMirrorConfig `json:"external_registry_config"`
	RepositoryFilters           []string        `json:"repository_filters"`
	RobotUsername               *string         `json:"robot_username"`
	Visibility                  string          `json:"visibility"`
	SyncInterval                int64           `json:"sync_interval"`
	SyncStartDate               *string         `json:"sync_start_date"`
	SyncStatus                  string          `json:"sync_status"`
	SyncRetriesRemaining        int64           `json:"sync_retries_remaining"`
	SkopeoTimeout               int64           `json:"skopeo_timeout"`
}

// OrgMirrorRequest is a create or update body. external_registry_type is
// create-only; the user name and password are set independently, and an
// explicit null clears one (ClearUsername, ClearPassword).
type OrgMirrorRequest struct {
	ExternalRegistryType     string           `json:"external_registry_type,omitempty"`
	ExternalRegistryURL      string           `json:"external_registry_url"`
	ExternalNamespace        string           `json:"external_namespace"`
	RobotUsername            string           `json:"robot_username"`
	Visibility               string           `json:"visibility"`
	SyncInterval             int64            `json:"sync_interval"`
	SyncStartDate            *string          `json:"sync_start_date,omitempty"`
	IsEnabled                bool             `json:"is_enabled"`
	ExternalRegistryConfig   *OrgMirrorConfig `json:"external_registry_config,omitempty"`
	RepositoryFilters        []string         `json:"repository_filters"`
	SkopeoTimeout            int64            `json:"skopeo_timeout"`
	ExternalRegistryUsername *string          `json:"-"`
	ExternalRegistryPassword *string          `json:"-"`
	SendUsername             bool             `json:"-"`
	SendPassword             bool             `json:"-"`
}

// body adds the credentials that are sent, a null clearing one.
func (r OrgMirrorRequest) body() map[string]any {
	b := map[string]any{}
	raw, _ := json.Marshal(r)
	_ = json.Unmarshal(raw, &b)
	if r.SendUsername {
		b["external_registry_username"] = r.ExternalRegistryUsername
	}
	if r.SendPassword {
		b["external_registry_password"] = r.ExternalRegistryPassword
	}
	return b
}

func orgMirrorPath(org string) string { return "/api/v1/organization/" + seg(org) + "/mirror" }

// GetOrgMirror reads the configuration; NotFound when there is none.
func (c *Client) GetOrgMirror(ctx context.Context, org string) (*OrgMirror, error) {
	var out OrgMirror
	if err := c.do(ctx, call{endpoint: "GetOrgMirror", method: http.MethodGet, path: orgMirrorPath(org), out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateOrgMirror creates the configuration (answer "").
func (c *Client) CreateOrgMirror(ctx context.Context, org string, req OrgMirrorRequest) error {
	return c.do(ctx, call{endpoint: "CreateOrgMirror", method: http.MethodPost, path: orgMirrorPath(org), body: req.body(), orgScope: org})
}

// UpdateOrgMirror replaces the fields sent, atomically.
func (c *Client) UpdateOrgMirror(ctx context.Context, org string, req OrgMirrorRequest) error {
	req.ExternalRegistryType = ""
	return c.do(ctx, call{endpoint: "UpdateOrgMirror", method: http.MethodPut, path: orgMirrorPath(org), body: req.body(), orgScope: org})
}

// DeleteOrgMirror deletes the configuration; the mirrored repositories stay
// and go back to NORMAL.
func (c *Client) DeleteOrgMirror(ctx context.Context, org string) error {
	return c.do(ctx, call{endpoint: "DeleteOrgMirror", method: http.MethodDelete, path: orgMirrorPath(org), orgScope: org})
}
