package quay

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
)

// Auto-prune policies (quay-api.md §16), behind FEATURE_AUTO_PRUNE.

// PolicyTarget is what a tag policy applies to: an organization, the
// token's own user (User), or one repository (Repository set). Quay's
// organization paths also serve a user's namespace to a superuser with
// full access.
type PolicyTarget struct {
	Namespace  string
	Repository string // name within Namespace; empty for a namespace policy
	User       bool   // the token's own user, through /api/v1/user/...
}

// path is the target's policy collection, e.g. ".../autoprunepolicy/".
func (t PolicyTarget) path(kind string) string {
	switch {
	case t.Repository != "":
		return repositoryPath(t.Namespace, t.Repository) + "/" + kind + "/"
	case t.User:
		return "/api/v1/user/" + kind + "/"
	default:
		return "/api/v1/organization/" + seg(t.Namespace) + "/" + kind + "/"
	}
}

func (t PolicyTarget) orgScope() string {
	if t.Repository != "" || t.User {
		return ""
	}
	return t.Namespace
}

// AutoPrunePolicy is a policy as Quay shows it. Value is a JSON integer
// (number_of_tags) or string (creation_date), kept as sent.
type AutoPrunePolicy struct {
	UUID              string          `json:"uuid,omitempty"`
	Method            string          `json:"method"`
	Value             json.RawMessage `json:"value"`
	TagPattern        *string         `json:"tagPattern"`
	TagPatternMatches *bool           `json:"tagPatternMatches"`
}

// ValueString is the policy's value as text ("10", "7d").
func (p *AutoPrunePolicy) ValueString() string {
	var s string
	if json.Unmarshal(p.Value, &s) == nil {
		return s
	}
	return string(p.Value)
}

// AutoPruneValue encodes value as Quay expects it for method: a JSON
// integer for number_of_tags, a string otherwise.
func AutoPruneValue(method, value string) json.RawMessage {
	if method == "number_of_tags" {
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return json.RawMessage(strconv.FormatInt(n, 10))
		}
	}
	b, _ := json.Marshal(value)
	return b
}

// autoPruneBody is a create or update body: every field is sent, since a
// PUT replaces the whole policy.
type autoPruneBody struct {
	Method            string          `json:"method"`
	Value             json.RawMessage `json:"value"`
	TagPattern        *string         `json:"tagPattern,omitempty"`
	TagPatternMatches bool            `json:"tagPatternMatches"`
}

func autoPruneRequest(p AutoPrunePolicy) autoPruneBody {
	matches := p.TagPatternMatches == nil || *p.TagPatternMatches
	return autoPruneBody{Method: p.Method, Value: p.Value, TagPattern: p.TagPattern, TagPatternMatches: matches}
}

// ListAutoPrunePolicies lists the target's policies.
func (c *Client) ListAutoPrunePolicies(ctx context.Context, t PolicyTarget) ([]AutoPrunePolicy, error) {
	var out struct {
		Policies []AutoPrunePolicy `json:"policies"`
	}
	if err := c.do(ctx, call{endpoint: "ListAutoPrunePolicies", method: http.MethodGet, path: t.path("autoprunepolicy"), out: &out, orgScope: t.orgScope()}); err != nil {
		return nil, err
	}
	return out.Policies, nil
}

// CreateAutoPrunePolicy creates a policy and returns its uuid. Quay refuses
// an exact duplicate of one the target has (IsDuplicatePolicy).
func (c *Client) CreateAutoPrunePolicy(ctx context.Context, t PolicyTarget, p AutoPrunePolicy) (string, error) {
	var out struct {
		UUID string `json:"uuid"`
	}
	if err := c.do(ctx, call{endpoint: "CreateAutoPrunePolicy", method: http.MethodPost, path: t.path("autoprunepolicy"), body: autoPruneRequest(p), out: &out, orgScope: t.orgScope()}); err != nil {
		return "", err
	}
	return out.UUID, nil
}

// GetAutoPrunePolicy reads one policy; NotFound when the target has none
// with that uuid.
func (c *Client) GetAutoPrunePolicy(ctx context.Context, t PolicyTarget, uuid string) (*AutoPrunePolicy, error) {
	var out AutoPrunePolicy
	if err := c.do(ctx, call{endpoint: "GetAutoPrunePolicy", method: http.MethodGet, path: t.path("autoprunepolicy") + seg(uuid), out: &out, orgScope: t.orgScope()}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateAutoPrunePolicy replaces every field of a policy.
func (c *Client) UpdateAutoPrunePolicy(ctx context.Context, t PolicyTarget, uuid string, p AutoPrunePolicy) error {
	return c.do(ctx, call{endpoint: "UpdateAutoPrunePolicy", method: http.MethodPut, path: t.path("autoprunepolicy") + seg(uuid), body: autoPruneRequest(p), orgScope: t.orgScope()})
}

// DeleteAutoPrunePolicy deletes a policy; NotFound when it is gone.
func (c *Client) DeleteAutoPrunePolicy(ctx context.Context, t PolicyTarget, uuid string) error {
	return c.do(ctx, call{endpoint: "DeleteAutoPrunePolicy", method: http.MethodDelete, path: t.path("autoprunepolicy") + seg(uuid), orgScope: t.orgScope()})
}

// IsDuplicatePolicy reports Quay's refusal of a policy identical to one the
// target already has (auto-prune and immutability alike).
func IsDuplicatePolicy(err error) bool {
	return IsStatus(err, http.StatusBadRequest) &&
		(containsFold(ErrorMessage(err), "duplicate policies are not permitted") || containsFold(ErrorMessage(err), "already exists"))
}
