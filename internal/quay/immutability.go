package quay

import (
	"context"
	"net/http"
)

// Immutability policies (quay-api.md §17), behind FEATURE_IMMUTABLE_TAGS,
// for organizations and repositories (Quay has no user paths).

// ImmutabilityPolicy makes the tags whose names fully match TagPattern (or,
// with TagPatternMatches false, all others) immutable.
type ImmutabilityPolicy struct {
	UUID              string `json:"uuid,omitempty"`
	TagPattern        string `json:"tagPattern"`
	TagPatternMatches bool   `json:"tagPatternMatches"`
}

// ListImmutabilityPolicies lists the target's policies.
func (c *Client) ListImmutabilityPolicies(ctx context.Context, t PolicyTarget) ([]ImmutabilityPolicy, error) {
	var out struct {
		Policies []ImmutabilityPolicy `json:"policies"`
	}
	if err := c.do(ctx, call{endpoint: "ListImmutabilityPolicies", method: http.MethodGet, path: t.path("immutabilitypolicy"), out: &out, orgScope: t.orgScope()}); err != nil {
		return nil, err
	}
	return out.Policies, nil
}

// CreateImmutabilityPolicy creates a policy and returns its uuid; Quay marks
// the matching tags immutable before it answers. A second policy with the
// same pattern is refused (IsDuplicatePolicy).
func (c *Client) CreateImmutabilityPolicy(ctx context.Context, t PolicyTarget, p ImmutabilityPolicy) (string, error) {
	p.UUID = ""
	var out struct {
		UUID string `json:"uuid"`
	}
	if err := c.do(ctx, call{endpoint: "CreateImmutabilityPolicy", method: http.MethodPost, path: t.path("immutabilitypolicy"), body: p, out: &out, orgScope: t.orgScope()}); err != nil {
		return "", err
	}
	return out.UUID, nil
}

// GetImmutabilityPolicy reads one policy; NotFound when it is gone.
func (c *Client) GetImmutabilityPolicy(ctx context.Context, t PolicyTarget, uuid string) (*ImmutabilityPolicy, error) {
	var out ImmutabilityPolicy
	if err := c.do(ctx, call{endpoint: "GetImmutabilityPolicy", method: http.MethodGet, path: t.path("immutabilitypolicy") + seg(uuid), out: &out, orgScope: t.orgScope()}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateImmutabilityPolicy replaces a policy's pattern and sense.
func (c *Client) UpdateImmutabilityPolicy(ctx context.Context, t PolicyTarget, uuid string, p ImmutabilityPolicy) error {
	p.UUID = ""
	return c.do(ctx, call{endpoint: "UpdateImmutabilityPolicy", method: http.MethodPut, path: t.path("immutabilitypolicy") + seg(uuid), body: p, orgScope: t.orgScope()})
}

// DeleteImmutabilityPolicy deletes a policy. The tags it made immutable
// stay immutable.
func (c *Client) DeleteImmutabilityPolicy(ctx context.Context, t PolicyTarget, uuid string) error {
	return c.do(ctx, call{endpoint: "DeleteImmutabilityPolicy", method: http.MethodDelete, path: t.path("immutabilitypolicy") + seg(uuid), orgScope: t.orgScope()})
}
