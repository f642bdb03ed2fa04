package quay

import (
	"context"
	"net/http"
	"net/url"
)

// TeamRequest is the body of PUT /api/v1/organization/{org}/team/{team}.
type TeamRequest struct {
	Role        string  `json:"role"`
	Description *string `json:"description,omitempty"`
}

// TeamResult is Quay's answer to a team upsert.
type TeamResult struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Role        string `json:"role"`
	CanView     bool   `json:"can_view"`
	NewTeam     bool   `json:"new_team"`
}

func teamPath(org, team string) string {
	return "/api/v1/organization/" + seg(org) + "/team/" + seg(team)
}

// UpsertTeam creates the team or, when it exists, updates it.
func (c *Client) UpsertTeam(ctx context.Context, org, team string, req TeamRequest) (*TeamResult, error) {
	var out TeamResult
	if err := c.do(ctx, call{endpoint: "UpsertTeam", method: http.MethodPut, path: teamPath(org, team), body: req, out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteTeam deletes a team; Quay's 400 for a missing team counts as NotFound.
func (c *Client) DeleteTeam(ctx context.Context, org, team string) error {
	return c.do(ctx, call{endpoint: "DeleteTeam", method: http.MethodDelete, path: teamPath(org, team), orgScope: org})
}

// TeamMember is an entry of a team's member list: a user or robot (Name),
// or an e-mail invitation (Email, Kind "invite").
type TeamMember struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Kind    string `json:"kind"`
	IsRobot bool   `json:"is_robot"`
	Invited bool   `json:"invited"`
}

// TeamMembers is a team's member list. Synced is set when the team is
// bound to a directory group; its Config only for superusers (or everyone
// with FEATURE_NONSUPERUSER_TEAM_SYNCING_SETUP).
type TeamMembers struct {
	Name    string       `json:"name"`
	Members []TeamMember `json:"members"`
	CanEdit bool         `json:"can_edit"`
	Synced  *struct {
		Service string         `json:"service"`
		Config  map[string]any `json:"config"`
	} `json:"synced"`
}

// ListTeamMembers lists a team's members; with includePending, pending
// invitations too (marked Invited).
func (c *Client) ListTeamMembers(ctx context.Context, org, team string, includePending bool) (*TeamMembers, error) {
	var out TeamMembers
	q := url.Values{}
	if includePending {
		q.Set("includePending", "true")
	}
	if err := c.do(ctx, call{endpoint: "ListTeamMembers", method: http.MethodGet, path: teamPath(org, team) + "/members", query: q, out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// AddTeamMember adds a user or robot to a team. When Quay requires team
// invitations and the user is not yet in the organization, it invites
// instead (Invited in the answer). Adding an existing member is a 400.
func (c *Client) AddTeamMember(ctx context.Context, org, team, member string) (*TeamMember, error) {
	var out TeamMember
	if err := c.do(ctx, call{endpoint: "AddTeamMember", method: http.MethodPut, path: teamPath(org, team) + "/members/" + seg(member), out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// IsAlreadyTeamMember reports Quay's 400 for adding a member twice.
func IsAlreadyTeamMember(err error) bool {
	return IsStatus(err, http.StatusBadRequest) && containsFold(ErrorMessage(err), "is already a member of team")
}

// RemoveTeamMember removes a member or cancels a pending invitation; "not
// a member" counts as NotFound.
func (c *Client) RemoveTeamMember(ctx context.Context, org, team, member string) error {
	return c.do(ctx, call{endpoint: "RemoveTeamMember", method: http.MethodDelete, path: teamPath(org, team) + "/members/" + seg(member), orgScope: org})
}

// OrgMember is a member of an organization with the teams it is in.
type OrgMember struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Teams []struct {
		Name string `json:"name"`
	} `json:"teams"`
	Repositories []string `json:"repositories"`
}

// TeamNames lists the member's teams.
func (m *OrgMember) TeamNames() []string {
	out := make([]string, 0, len(m.Teams))
	for _, t := range m.Teams {
		out = append(out, t.Name)
	}
	return out
}

// GetOrgMember reads one member; NotFound when the user is in no team.
func (c *Client) GetOrgMember(ctx context.Context, org, member string) (*OrgMember, error) {
	var out OrgMember
	if err := c.do(ctx, call{endpoint: "GetOrgMember", method: http.MethodGet, path: "/api/v1/organization/" + seg(org) + "/members/" + seg(member), out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListOrgMembers lists the users in any team of org (not robots, not invitees).
func (c *Client) ListOrgMembers(ctx context.Context, org string) ([]OrgMember, error) {
	var out struct {
		Members []OrgMember `json:"members"`
	}
	if err := c.do(ctx, call{endpoint: "ListOrgMembers", method: http.MethodGet, path: "/api/v1/organization/" + seg(org) + "/members", out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return out.Members, nil
}

// RemoveOrgMember removes a user from every team of org.
func (c *Client) RemoveOrgMember(ctx context.Context, org, member string) error {
	return c.do(ctx, call{endpoint: "RemoveOrgMember", method: http.MethodDelete, path: "/api/v1/organization/" + seg(org) + "/members/" + seg(member), orgScope: org})
}

// TeamSync is a team's group binding: LDAP's group_dn (relative to the base
// DN), OIDC's group_name or Keystone's group_id (quay-api.md §21).
type TeamSync map[string]string

// EnableTeamSync binds a team to a directory group. Quay has no update: a
// second call for a synced team fails; disable first.
func (c *Client) EnableTeamSync(ctx context.Context, org, team string, group TeamSync) error {
	return c.do(ctx, call{endpoint: "EnableTeamSync", method: http.MethodPost, path: teamPath(org, team) + "/syncing", body: group, orgScope: org})
}

// DisableTeamSync unbinds a team; its members stay, as plain members.
func (c *Client) DisableTeamSync(ctx context.Context, org, team string) error {
	return c.do(ctx, call{endpoint: "DisableTeamSync", method: http.MethodDelete, path: teamPath(org, team) + "/syncing", orgScope: org})
}
