package quay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// Superuser inventory reads (quay-api.md §11): every organization of the
// instance, and the registry's total size.

// OrganizationsPageSize is the page size asked for when listing all
// organizations: Quay's maximum (larger limits are refused).
const OrganizationsPageSize = 100

// SuperuserOrganization is one entry of the superuser organization list.
// Email is the stored value, which Quay generates (a UUID) for
// organizations created without one. Quotas and QuotaReport are set only
// when quota management is on.
type SuperuserOrganization struct {
	Name        string         `json:"name"`
	Email       string         `json:"email"`
	Quotas      []QuotaSummary `json:"quotas"`
	QuotaReport *QuotaReport   `json:"quota_report"`
}

// ListAllOrganizations lists every organization of the instance, one
// request per page of OrganizationsPageSize, following next_page to the end.
// Organizations pending deletion are not listed.
func (c *Client) ListAllOrganizations(ctx context.Context) ([]SuperuserOrganization, error) {
	var all []SuperuserOrganization
	next := ""
	for {
		var out struct {
			Organizations []SuperuserOrganization `json:"organizations"`
			NextPage      string                  `json:"next_page"`
		}
		q := url.Values{"limit": {strconv.Itoa(OrganizationsPageSize)}}
		if next != "" {
			q.Set("next_page", next)
		}
		if err := c.do(ctx, call{endpoint: "ListAllOrganizations", method: http.MethodGet, path: "/api/v1/superuser/organizations/", query: q, out: &out}); err != nil {
			return nil, err
		}
		all = append(all, out.Organizations...)
		if out.NextPage == "" {
			return all, nil
		}
		if out.NextPage == next {
			return nil, fmt.Errorf("GET /api/v1/superuser/organizations/: Quay returned the same next_page token twice")
		}
		next = out.NextPage
	}
}

// RegistrySize is Quay's last computed total size of the registry.
// LastRanMs is the completion time in milliseconds since the epoch, nil
// when the size was never computed.
type RegistrySize struct {
	SizeBytes int64  `json:"size_bytes"`
	LastRanMs *int64 `json:"last_ran"`
	Queued    bool   `json:"queued"`
	Running   bool   `json:"running"`
}

// GetRegistrySize reads the registry size (superusers only).
func (c *Client) GetRegistrySize(ctx context.Context) (*RegistrySize, error) {
	var out RegistrySize
	if err := c.do(ctx, call{endpoint: "GetRegistrySize", method: http.MethodGet, path: "/api/v1/superuser/registrysize/", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
