package quay

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Robot accounts (quay-api.md §12). A robot is named "<namespace>+<short>";
// paths take the short name only.

// RobotOwner says whose robots a call addresses: an organization's, or the
// token's own user's. Quay's user robot paths carry no user name, so they
// always act on the token's user, a superuser's too.
type RobotOwner struct {
	Namespace string // the organization, or the token's user
	User      bool   // the user robot paths (/api/v1/user/robots)
}

func (o RobotOwner) basePath() string {
	if o.User {
		return "/api/v1/user/robots"
	}
	return "/api/v1/organization/" + seg(o.Namespace) + "/robots"
}

func (o RobotOwner) robotPath(short string) string { return o.basePath() + "/" + seg(short) }

// orgScope is the organization whose disappearance turns answers into 403s.
func (o RobotOwner) orgScope() string {
	if o.User {
		return ""
	}
	return o.Namespace
}

// FullName is the robot's account name, "<namespace>+<short>".
func (o RobotOwner) FullName(short string) string { return o.Namespace + "+" + short }

// Robot is a robot account as Quay shows it. Token is set only for callers
// allowed to see it; UnstructuredMetadata only on reads of one robot;
// Teams and Repositories only in lists asked for permissions.
type Robot struct {
	Name                 string         `json:"name"`
	Created              string         `json:"created"`
	LastAccessed         *string        `json:"last_accessed"`
	Description          string         `json:"description"`
	Token                *string        `json:"token"`
	UnstructuredMetadata map[string]any `json:"unstructured_metadata"`
	Teams                []struct {
		Name string `json:"name"`
	} `json:"teams"`
	Repositories []string `json:"repositories"`
}

// ShortName is the part of the robot's name after "+".
func (r *Robot) ShortName() string {
	_, short, _ := strings.Cut(r.Name, "+")
	return short
}

// CreateRobotRequest is the body of a robot create.
type CreateRobotRequest struct {
	Description          string            `json:"description"`
	UnstructuredMetadata map[string]string `json:"unstructured_metadata"`
}

// RobotFederation is one trusted identity of a robot: tokens issued by
// Issuer for Subject may be exchanged for a robot token.
type RobotFederation struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
}

// RobotPermission is a direct repository grant of a robot.
type RobotPermission struct {
	Repository struct {
		Name     string `json:"name"`
		IsPublic bool   `json:"is_public"`
	} `json:"repository"`
	Role string `json:"role"`
}

// ListRobotsOptions selects what a robot list carries.
type ListRobotsOptions struct {
	Permissions bool // each robot's teams and repositories
	NoToken     bool // leave tokens out of the answer
}

// ListRobots lists the owner's robots, sorted by name. Quay matches names
// with an unescaped LIKE, so robots of other namespaces whose names fit the
// pattern (a "_" matches any character) are dropped here.
func (c *Client) ListRobots(ctx context.Context, owner RobotOwner, opts ListRobotsOptions) ([]Robot, error) {
	q := url.Values{}
	if opts.Permissions {
		q.Set("permissions", "true")
	}
	if opts.NoToken {
		q.Set("token", "false")
	}
	var out struct {
		Robots []Robot `json:"robots"`
	}
	if err := c.do(ctx, call{endpoint: "ListRobots", method: http.MethodGet, path: owner.basePath(), query: q, out: &out, orgScope: owner.orgScope()}); err != nil {
		return nil, err
	}
	prefix := owner.Namespace + "+"
	robots := out.Robots[:0]
	for _, r := range out.Robots {
		if strings.HasPrefix(r.Name, prefix) {
			robots = append(robots, r)
		}
	}
	sort.Slice(robots, func(i, j int) bool { return robots[i].Name < robots[j].Name })
	return robots, nil
}

// GetRobot reads one robot. Quay's 400 "Could not find robot" is NotFound.
func (c *Client) GetRobot(ctx context.Context, owner RobotOwner, short string) (*Robot, error) {
	var out Robot
	if err := c.do(ctx, call{endpoint: "GetRobot", method: http.MethodGet, path: owner.robotPath(short), out: &out, orgScope: owner.orgScope()}); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateRobot creates a robot; Quay's PUT never updates an existing one (it
// answers 400 "Existing robot with name").
func (c *Client) CreateRobot(ctx context.Context, owner RobotOwner, short string, req CreateRobotRequest) (*Robot, error) {
	if req.UnstructuredMetadata == nil {
		req.UnstructuredMetadata = map[string]string{}
	}
	var out Robot
	if err := c.do(ctx, call{endpoint: "CreateRobot", method: http.MethodPut, path: owner.robotPath(short), body: req, out: &out, orgScope: owner.orgScope()}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteRobot deletes a robot with its team memberships, repository grants,
// default permissions and federation. A missing robot is NotFound.
func (c *Client) DeleteRobot(ctx context.Context, owner RobotOwner, short string) error {
	return c.do(ctx, call{endpoint: "DeleteRobot", method: http.MethodDelete, path: owner.robotPath(short), orgScope: owner.orgScope()})
}

// RegenerateRobotToken gives the robot a new token; the old one stops
// working at once. Not retried: a repeat would rotate again.
func (c *Client) RegenerateRobotToken(ctx context.Context, owner RobotOwner, short string) (*Robot, error) {
	var out Robot
	if err := c.do(ctx, call{endpoint: "RegenerateRobotToken", method: http.MethodPost, path: owner.robotPath(short) + "/regenerate", out: &out, orgScope: owner.orgScope()}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetRobotPermissions lists the robot's direct repository grants (not
// those through teams). The token needs the user:admin scope.
func (c *Client) GetRobotPermissions(ctx context.Context, owner RobotOwner, short string) ([]RobotPermission, error) {
	var out struct {
		Permissions []RobotPermission `json:"permissions"`
	}
	if err := c.do(ctx, call{endpoint: "GetRobotPermissions", method: http.MethodGet, path: owner.robotPath(short) + "/permissions", out: &out, orgScope: owner.orgScope()}); err != nil {
		return nil, err
	}
	return out.Permissions, nil
}

// GetRobotFederation reads the robot's federation list ([] when none).
func (c *Client) GetRobotFederation(ctx context.Context, owner RobotOwner, short string) ([]RobotFederation, error) {
	out := []RobotFederation{}
	if err := c.do(ctx, call{endpoint: "GetRobotFederation", method: http.MethodGet, path: owner.robotPath(short) + "/federation", out: &out, orgScope: owner.orgScope()}); err != nil {
		return nil, err
	}
	return out, nil
}

// SetRobotFederation replaces the robot's federation list and returns it as
// stored. It sets a value, so it is retried like a PUT.
func (c *Client) SetRobotFederation(ctx context.Context, owner RobotOwner, short string, entries []RobotFederation) ([]RobotFederation, error) {
	if entries == nil {
		entries = []RobotFederation{}
	}
	out := []RobotFederation{}
	if err := c.do(ctx, call{endpoint: "SetRobotFederation", method: http.MethodPost, path: owner.robotPath(short) + "/federation", body: entries, out: &out, orgScope: owner.orgScope(), idempotent: true}); err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteRobotFederation empties the robot's federation list.
func (c *Client) DeleteRobotFederation(ctx context.Context, owner RobotOwner, short string) error {
	return c.do(ctx, call{endpoint: "DeleteRobotFederation", method: http.MethodDelete, path: owner.robotPath(short) + "/federation", orgScope: owner.orgScope()})
}

// IsRobotName reports whether an account name is a robot's full name.
func IsRobotName(name string) bool { return strings.Contains(name, "+") }
