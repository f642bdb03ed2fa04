package quay

import (
	"context"
	"net/http"
)

// Prototype is a default permission of an organization (Quay calls it a
// permission prototype): when ActivatingUser (or anybody, when nil)
// creates a repository in the organization, Delegate gets Role on it.
type Prototype struct {
	ID             string          `json:"id"`
	Role           string          `json:"role"`
	ActivatingUser *PrototypeActor `json:"activating_user"`
	Delegate       PrototypeActor  `json:"delegate"`
}

// PrototypeActor is a user, robot or team in a prototype. Kind is "user"
// (users and robots) or "team".
type PrototypeActor struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	IsRobot     bool   `json:"is_robot"`
	IsOrgMember bool   `json:"is_org_member"`
}

// CreatePrototypeRequest is the body of a prototype create.
type CreatePrototypeRequest struct {
	Role           string             `json:"role"`
	Delegate       PrototypeDelegate  `json:"delegate"`
	ActivatingUser *PrototypeUserName `json:"activating_user,omitempty"`
}

// PrototypeDelegate names the delegate of a new prototype; Kind is "user"
// (for users and robots) or "team".
type PrototypeDelegate struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// PrototypeUserName names the activating user of a new prototype.
type PrototypeUserName struct {
	Name string `json:"name"`
}

func prototypesPath(org string) string {
	return "/api/v1/organization/" + seg(org) + "/prototypes"
}

// ListPrototypes lists an organization's default permissions. Quay has no
// call that reads one: find it by ID in this list.
func (c *Client) ListPrototypes(ctx context.Context, org string) ([]Prototype, error) {
	var out struct {
		Prototypes []Prototype `json:"prototypes"`
	}
	if err := c.do(ctx, call{endpoint: "ListPrototypes", method: http.MethodGet, path: prototypesPath(org), out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return out.Prototypes, nil
}

// CreatePrototype creates a default permission. Quay answers 200 and
// accepts identical ones, each with a new ID.
func (c *Client) CreatePrototype(ctx context.Context, org string, req CreatePrototypeRequest) (*Prototype, error) {
	var out Prototype
	if err := c.do(ctx, call{endpoint: "CreatePrototype", method: http.MethodPost, path: prototypesPath(org), body: req, out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdatePrototype changes the role of a default permission.
func (c *Client) UpdatePrototype(ctx context.Context, org, id, role string) (*Prototype, error) {
	var out Prototype
	body := map[string]string{"role": role}
	if err := c.do(ctx, call{endpoint: "UpdatePrototype", method: http.MethodPut, path: prototypesPath(org) + "/" + seg(id), body: body, out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeletePrototype deletes a default permission; grants it made stay.
func (c *Client) DeletePrototype(ctx context.Context, org, id string) error {
	return c.do(ctx, call{endpoint: "DeletePrototype", method: http.MethodDelete, path: prototypesPath(org) + "/" + seg(id), orgScope: org})
}
