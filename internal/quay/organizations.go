package quay

import (
	"context"
	"net/http"
)

// Organization is Quay's organization view. Fields other than Name, Email
// and the flags appear only for callers with enough rights; pointers are
// nil when Quay left them out.
type Organization struct {
	Name                string          `json:"name"`
	Email               string          `json:"email"`
	IsAdmin             bool            `json:"is_admin"`
	IsMember            bool            `json:"is_member"`
	Teams               map[string]Team `json:"teams"`
	OrderedTeams        []string        `json:"ordered_teams"`
	InvoiceEmail        *bool           `json:"invoice_email"`
	InvoiceEmailAddress *string         `json:"invoice_email_address"`
	TagExpirationS      *int64          `json:"tag_expiration_s"`
	IsFreeAccount       *bool           `json:"is_free_account"`
	Quotas              []QuotaSummary  `json:"quotas"`
	QuotaReport         *QuotaReport    `json:"quota_report"`
}

// Team is a team as embedded in the organization view.
type Team struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Role        string `json:"role"`
	CanView     bool   `json:"can_view"`
	RepoCount   int64  `json:"repo_count"`
	MemberCount int64  `json:"member_count"`
	IsSynced    bool   `json:"is_synced"`
}

// QuotaSummary is the short quota form embedded in org and user views.
type QuotaSummary struct {
	ID         int64        `json:"id"`
	LimitBytes int64        `json:"limit_bytes"`
	Limits     []QuotaLimit `json:"limits"`
}

// QuotaLimit is a quota threshold as Quay returns it (limit_percent in
// answers; requests call it threshold_percent).
type QuotaLimit struct {
	ID           int64  `json:"id"`
	Type         string `json:"type"`
	LimitPercent int64  `json:"limit_percent"`
}

// QuotaReport is the namespace's storage use against its quota.
type QuotaReport struct {
	QuotaBytes      int64  `json:"quota_bytes"`
	ConfiguredQuota *int64 `json:"configured_quota"`
	RunningBackfill string `json:"running_backfill"`
	BackfillStatus  string `json:"backfill_status"`
}

// CreateOrganizationRequest is the body of POST /api/v1/organization/.
type CreateOrganizationRequest struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// CreateOrganization creates an organization. Quay answers "Created" with
// no object, makes a team "owners" and puts the caller in it.
func (c *Client) CreateOrganization(ctx context.Context, req CreateOrganizationRequest) error {
	return c.do(ctx, call{endpoint: "CreateOrganization", method: http.MethodPost, path: "/api/v1/organization/", body: req})
}

// GetOrganization reads an organization; NotFound when it does not exist.
func (c *Client) GetOrganization(ctx context.Context, name string) (*Organization, error) {
	var out Organization
	if err := c.do(ctx, call{endpoint: "GetOrganization", method: http.MethodGet, path: "/api/v1/organization/" + seg(name), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateOrganizationRequest is the body of PUT /api/v1/organization/{org};
// nil fields are left out and so left unchanged.
type UpdateOrganizationRequest struct {
	Email               *string `json:"email,omitempty"`
	InvoiceEmail        *bool   `json:"invoice_email,omitempty"`
	InvoiceEmailAddress *string `json:"invoice_email_address,omitempty"`
	TagExpirationS      *int64  `json:"tag_expiration_s,omitempty"`
}

// UpdateOrganization changes the given fields. Quay applies them one by one,
// so after an error some may be saved: read the org again.
func (c *Client) UpdateOrganization(ctx context.Context, name string, req UpdateOrganizationRequest) (*Organization, error) {
	var out Organization
	err := c.do(ctx, call{endpoint: "UpdateOrganization", method: http.MethodPut, path: "/api/v1/organization/" + seg(name), body: req, out: &out, orgScope: name})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteOrganization deletes an organization. Quay finishes the deletion in
// the background, but GET answers 404 at once.
func (c *Client) DeleteOrganization(ctx context.Context, name string) error {
	return c.do(ctx, call{endpoint: "DeleteOrganization", method: http.MethodDelete, path: "/api/v1/organization/" + seg(name), orgScope: name})
}
