package quay

import (
	"context"
	"net/http"
)

// Repository permissions: the direct grants of users, robots and teams on
// one repository (quay-api.md §14).

// RepositoryPermission is one grant as Quay lists it. IsRobot and
// IsOrgMember are set for users only; IsOrgMember only when the
// repository is in an organization.
type RepositoryPermission struct {
	Name        string `json:"name"`
	Role        string `json:"role"`
	IsRobot     bool   `json:"is_robot"`
	IsOrgMember *bool  `json:"is_org_member"`
}

func permissionsPath(namespace, repo, kind string) string {
	return repositoryPath(namespace, repo) + "/permissions/" + kind + "/"
}

// ListRepositoryUserPermissions lists the user and robot grants of a
// repository by name. Quay answers an empty list for a missing repository.
func (c *Client) ListRepositoryUserPermissions(ctx context.Context, namespace, repo string) (map[string]RepositoryPermission, error) {
	return c.listPermissions(ctx, "ListRepositoryUserPermissions", namespace, repo, "user")
}

// ListRepositoryTeamPermissions lists the team grants of a repository by
// team name. Quay answers an empty list for a missing repository.
func (c *Client) ListRepositoryTeamPermissions(ctx context.Context, namespace, repo string) (map[string]RepositoryPermission, error) {
	return c.listPermissions(ctx, "ListRepositoryTeamPermissions", namespace, repo, "team")
}

func (c *Client) listPermissions(ctx context.Context, endpoint, namespace, repo, kind string) (map[string]RepositoryPermission, error) {
	var out struct {
		Permissions map[string]RepositoryPermission `json:"permissions"`
	}
	if err := c.do(ctx, call{endpoint: endpoint, method: http.MethodGet, path: permissionsPath(namespace, repo, kind), out: &out}); err != nil {
		return nil, err
	}
	if out.Permissions == nil {
		out.Permissions = map[string]RepositoryPermission{}
	}
	for name, p := range out.Permissions {
		p.Name = name
		out.Permissions[name] = p
	}
	return out.Permissions, nil
}

// GetRepositoryUserPermission reads the direct grant of a user or robot.
// Quay's 400 for no grant (also for an unknown user or repository) counts
// as NotFound.
func (c *Client) GetRepositoryUserPermission(ctx context.Context, namespace, repo, username string) (*RepositoryPermission, error) {
	var out RepositoryPermission
	if err := c.do(ctx, call{endpoint: "GetRepositoryUserPermission", method: http.MethodGet, path: permissionsPath(namespace, repo, "user") + seg(username), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRepositoryTeamPermission reads the grant of a team (Quay answers
// with the role only). Quay's 400 for no grant counts as NotFound.
func (c *Client) GetRepositoryTeamPermission(ctx context.Context, namespace, repo, team string) (*RepositoryPermission, error) {
	var out RepositoryPermission
	if err := c.do(ctx, call{endpoint: "GetRepositoryTeamPermission", method: http.MethodGet, path: permissionsPath(namespace, repo, "team") + seg(team), out: &out}); err != nil {
		return nil, err
	}
	out.Name = team
	return &out, nil
}

// SetRepositoryUserPermission grants a user or robot role on a repository,
// or changes the role of its grant (Quay's PUT is an upsert).
func (c *Client) SetRepositoryUserPermission(ctx context.Context, namespace, repo, username, role string) (*RepositoryPermission, error) {
	var out RepositoryPermission
	if err := c.do(ctx, call{endpoint: "SetRepositoryUserPermission", method: http.MethodPut, path: permissionsPath(namespace, repo, "user") + seg(username), body: map[string]string{"role": role}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetRepositoryTeamPermission grants a team role on a repository, or
// changes the role of its grant (an upsert).
func (c *Client) SetRepositoryTeamPermission(ctx context.Context, namespace, repo, team, role string) (*RepositoryPermission, error) {
	var out RepositoryPermission
	if err := c.do(ctx, call{endpoint: "SetRepositoryTeamPermission", method: http.MethodPut, path: permissionsPath(namespace, repo, "team") + seg(team), body: map[string]string{"role": role}, out: &out}); err != nil {
		return nil, err
	}
	out.Name = team
	return &out, nil
}

// DeleteRepositoryUserPermission removes a user's or robot's grant; Quay's
// 400 for no grant counts as NotFound.
func (c *Client) DeleteRepositoryUserPermission(ctx context.Context, namespace, repo, username string) error {
	return c.do(ctx, call{endpoint: "DeleteRepositoryUserPermission", method: http.MethodDelete, path: permissionsPath(namespace, repo, "user") + seg(username)})
}

// DeleteRepositoryTeamPermission removes a team's grant; Quay's 400 for no
// grant counts as NotFound.
func (c *Client) DeleteRepositoryTeamPermission(ctx context.Context, namespace, repo, team string) error {
	return c.do(ctx, call{endpoint: "DeleteRepositoryTeamPermission", method: http.MethodDelete, path: permissionsPath(namespace, repo, "team") + seg(team)})
}
