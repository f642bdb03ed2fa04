package quay

import (
	"context"
	"net/http"
	"strconv"
)

// QuotaPath chooses which of Quay's quota path families a call uses
// (quay-api.md §9.1). They differ in who may call them, not in behaviour.
type QuotaPath int

const (
	// OrgQuotaPath is /api/v1/organization/{ns}/quota…: reads by org
	// members, writes by superusers with FEATURE_SUPERUSERS_FULL_ACCESS
	// (3.16+). List and create accept organizations only; by-id calls and
	// the limit endpoints also accept users.
	OrgQuotaPath QuotaPath = iota
	// SuperuserQuotaPath is /api/v1/superuser/organization/{ns}/quota…: any
	// superuser, organizations and users, but no limit endpoints.
	SuperuserQuotaPath
)

func (p QuotaPath) base(namespace string) string {
	if p == SuperuserQuotaPath {
		return "/api/v1/superuser/organization/" + seg(namespace) + "/quota"
	}
	return "/api/v1/organization/" + seg(namespace) + "/quota"
}

func (p QuotaPath) scope(namespace string) string {
	if p == OrgQuotaPath {
		return namespace
	}
	return ""
}

// Quota is Quay's quota view. ID is nil for the synthetic system default
// entry (DefaultConfig true), which is not a real quota.
type Quota struct {
	ID                  *int64       `json:"id"`
	LimitBytes          int64        `json:"limit_bytes"`
	Limit               string       `json:"limit"`
	DefaultConfig       bool         `json:"default_config"`
	Limits              []QuotaLimit `json:"limits"`
	DefaultConfigExists bool         `json:"default_config_exists"`
}

type quotaSizeRequest struct {
	LimitBytes int64 `json:"limit_bytes"`
}

// ListQuotas lists a namespace's quotas (at most one real one).
func (c *Client) ListQuotas(ctx context.Context, p QuotaPath, namespace string) ([]Quota, error) {
	var out []Quota
	err := c.do(ctx, call{endpoint: "ListQuotas", method: http.MethodGet, path: p.base(namespace), out: &out, orgScope: p.scope(namespace)})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindQuota returns the namespace's real quota, skipping the synthetic
// default entry, or nil when it has none.
func (c *Client) FindQuota(ctx context.Context, p QuotaPath, namespace string) (*Quota, error) {
	quotas, err := c.ListQuotas(ctx, p, namespace)
	if err != nil {
		return nil, err
	}
	for i := range quotas {
		if quotas[i].ID != nil && !quotas[i].DefaultConfig {
			return &quotas[i], nil
		}
	}
	return nil, nil
}

// CreateQuota creates the namespace's quota. Quay answers "Created" with
// no id: use FindQuota afterwards.
func (c *Client) CreateQuota(ctx context.Context, p QuotaPath, namespace string, limitBytes int64) error {
	return c.do(ctx, call{endpoint: "CreateQuota", method: http.MethodPost, path: p.base(namespace), body: quotaSizeRequest{LimitBytes: limitBytes}, orgScope: p.scope(namespace)})
}

// GetQuota reads one quota by id (organization path only; Quay has no
// single-quota GET under /superuser).
func (c *Client) GetQuota(ctx context.Context, namespace string, id int64) (*Quota, error) {
	var out Quota
	err := c.do(ctx, call{endpoint: "GetQuota", method: http.MethodGet, path: OrgQuotaPath.base(namespace) + "/" + strconv.FormatInt(id, 10), out: &out, orgScope: namespace})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateQuota changes the quota's size. Quay silently ignores 0, so
// callers must not send it.
func (c *Client) UpdateQuota(ctx context.Context, p QuotaPath, namespace string, id, limitBytes int64) (*Quota, error) {
	var out Quota
	err := c.do(ctx, call{endpoint: "UpdateQuota", method: http.MethodPut, path: p.base(namespace) + "/" + strconv.FormatInt(id, 10), body: quotaSizeRequest{LimitBytes: limitBytes}, out: &out, orgScope: p.scope(namespace)})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteQuota deletes the quota and its limits.
func (c *Client) DeleteQuota(ctx context.Context, p QuotaPath, namespace string, id int64) error {
	return c.do(ctx, call{endpoint: "DeleteQuota", method: http.MethodDelete, path: p.base(namespace) + "/" + strconv.FormatInt(id, 10), orgScope: p.scope(namespace)})
}

func limitsPath(namespace string, quotaID int64) string {
	return OrgQuotaPath.base(namespace) + "/" + strconv.FormatInt(quotaID, 10) + "/limit"
}

// QuotaLimitRequest is the body of the limit create and update calls;
// Quay calls the percentage threshold_percent here and limit_percent in
// its answers.
type QuotaLimitRequest struct {
	Type             string `json:"type,omitempty"`
	ThresholdPercent int64  `json:"threshold_percent,omitempty"`
}

// ListQuotaLimits lists a quota's limits (organization path; needs rights
// to read the namespace's quota).
func (c *Client) ListQuotaLimits(ctx context.Context, namespace string, quotaID int64) ([]QuotaLimit, error) {
	var out []QuotaLimit
	if err := c.do(ctx, call{endpoint: "ListQuotaLimits", method: http.MethodGet, path: limitsPath(namespace, quotaID), out: &out, orgScope: namespace}); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateQuotaLimit adds a limit. Quay answers "Created" with no id: match
// on type and percent afterwards. Needs a full-access superuser.
func (c *Client) CreateQuotaLimit(ctx context.Context, namespace string, quotaID int64, limitType string, percent int64) error {
	return c.do(ctx, call{endpoint: "CreateQuotaLimit", method: http.MethodPost, path: limitsPath(namespace, quotaID),
		body: QuotaLimitRequest{Type: limitType, ThresholdPercent: percent}, orgScope: namespace})
}

// UpdateQuotaLimit changes a limit. Quay answers with the whole quota view.
func (c *Client) UpdateQuotaLimit(ctx context.Context, namespace string, quotaID, limitID int64, req QuotaLimitRequest) (*Quota, error) {
	var out Quota
	err := c.do(ctx, call{endpoint: "UpdateQuotaLimit", method: http.MethodPut, path: limitsPath(namespace, quotaID) + "/" + strconv.FormatInt(limitID, 10),
		body: req, out: &out, orgScope: namespace})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteQuotaLimit removes a limit.
func (c *Client) DeleteQuotaLimit(ctx context.Context, namespace string, quotaID, limitID int64) error {
	return c.do(ctx, call{endpoint: "DeleteQuotaLimit", method: http.MethodDelete, path: limitsPath(namespace, quotaID) + "/" + strconv.FormatInt(limitID, 10), orgScope: namespace})
}
