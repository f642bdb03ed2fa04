package quay

import (
	"context"
	"encoding/json"
	"net/http"
)

// ProxyCache is an organization's proxy cache configuration. Quay never
// returns the upstream credentials.
type ProxyCache struct {
	UpstreamRegistry string
	ExpirationS      int64
	Insecure         bool
}

// ProxyCacheRequest is the body of proxy cache create and validate.
// OrgName must equal the organization in the path: Quay up to 3.16 attaches
// the configuration to the org named here, and fails on unknown keys.
type ProxyCacheRequest struct {
	OrgName                  string  `json:"org_name"`
	UpstreamRegistry         string  `json:"upstream_registry"`
	UpstreamRegistryUsername *string `json:"upstream_registry_username,omitempty"`
	UpstreamRegistryPassword *string `json:"upstream_registry_password,omitempty"`
	ExpirationS              int64   `json:"expiration_s"`
	Insecure                 bool    `json:"insecure"`
}

func proxyCachePath(org string) string {
	return "/api/v1/organization/" + seg(org) + "/proxycache"
}

// CreateProxyCache configures the organization as a proxy cache.
func (c *Client) CreateProxyCache(ctx context.Context, org string, req ProxyCacheRequest) error {
	req.OrgName = org
	return c.do(ctx, call{endpoint: "CreateProxyCache", method: http.MethodPost, path: proxyCachePath(org), body: req, orgScope: org})
}

// ValidateProxyCache asks Quay to log in to the upstream registry with the
// configuration. It answers "Valid", or "Anonymous" when only anonymous
// pulls could be checked. Quay refuses it once a configuration exists.
func (c *Client) ValidateProxyCache(ctx context.Context, org string, req ProxyCacheRequest) (string, error) {
	req.OrgName = org
	var out string
	if err := c.do(ctx, call{endpoint: "ValidateProxyCache", method: http.MethodPost, path: "/api/v1/organization/" + seg(org) + "/validateproxycache", body: req, out: &out, orgScope: org}); err != nil {
		return "", err
	}
	return out, nil
}

// GetProxyCache reads the configuration. Quay answers 200 with empty
// strings when there is none; that is reported as NotFound.
func (c *Client) GetProxyCache(ctx context.Context, org string) (*ProxyCache, error) {
	var raw struct {
		UpstreamRegistry string          `json:"upstream_registry"`
		ExpirationS      json.RawMessage `json:"expiration_s"`
		Insecure         json.RawMessage `json:"insecure"`
	}
	if err := c.do(ctx, call{endpoint: "GetProxyCache", method: http.MethodGet, path: proxyCachePath(org), out: &raw, orgScope: org}); err != nil {
		return nil, err
	}
	if raw.UpstreamRegistry == "" {
		return nil, &APIError{Method: http.MethodGet, Path: proxyCachePath(org), StatusCode: http.StatusOK, Message: "organization " + org + " has no proxy cache configuration", NotFound: true}
	}
	out := &ProxyCache{UpstreamRegistry: raw.UpstreamRegistry}
	_ = json.Unmarshal(raw.ExpirationS, &out.ExpirationS)
	_ = json.Unmarshal(raw.Insecure, &out.Insecure)
	return out, nil
}

// DeleteProxyCache removes the configuration (Quay answers 201 "Deleted");
// NotFound when there is none. Cached repositories stay.
func (c *Client) DeleteProxyCache(ctx context.Context, org string) error {
	return c.do(ctx, call{endpoint: "DeleteProxyCache", method: http.MethodDelete, path: proxyCachePath(org), orgScope: org})
}
