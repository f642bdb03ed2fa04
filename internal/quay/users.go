package quay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// User is Quay's superuser view of a user account.
type User struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	Verified  bool   `json:"verified"`
	SuperUser bool   `json:"super_user"`
	Enabled   bool   `json:"enabled"`
	// Quotas and QuotaReport are set when quota management is on.
	Quotas      []QuotaSummary `json:"quotas"`
	QuotaReport *QuotaReport   `json:"quota_report"`
}

// CreateUserRequest is the body of POST /api/v1/superuser/users/.
type CreateUserRequest struct {
	Username string `json:"username"`
	Email    string `json:"email,omitempty"`
}

// CreatedUser is Quay's answer to a user creation: the generated password
// appears here and nowhere else.
type CreatedUser struct {
	Username          string  `json:"username"`
	Email             *string `json:"email"`
	Password          string  `json:"password"`
	EncryptedPassword string  `json:"encrypted_password"`
}

// CreateUser creates a user (superusers only, database auth only). Quay
// generates the password; set a chosen one with UpdateUser afterwards.
func (c *Client) CreateUser(ctx context.Context, req CreateUserRequest) (*CreatedUser, error) {
	var out CreatedUser
	if err := c.do(ctx, call{endpoint: "CreateUser", method: http.MethodPost, path: "/api/v1/superuser/users/", body: req, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetUser reads one user; NotFound when there is no such user.
func (c *Client) GetUser(ctx context.Context, username string) (*User, error) {
	var out User
	if err := c.do(ctx, call{endpoint: "GetUser", method: http.MethodGet, path: "/api/v1/superuser/users/" + seg(username), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UsersPageSize is the page size asked for when listing users: Quay's
// maximum. Without a limit Quay answers every user at once, which on a large
// installation is one very long request.
const UsersPageSize = 100

// ListUsers lists every user (disabled ones too when includeDisabled),
// sorted by name, one request per page of UsersPageSize, following
// next_page to the end.
func (c *Client) ListUsers(ctx context.Context, includeDisabled bool) ([]User, error) {
	var all []User
	next := ""
	for {
		var out struct {
			Users    []User `json:"users"`
			NextPage string `json:"next_page"`
		}
		q := url.Values{"disabled": {strconv.FormatBool(includeDisabled)}, "limit": {strconv.Itoa(UsersPageSize)}}
		if next != "" {
			q.Set("next_page", next)
		}
		if err := c.do(ctx, call{endpoint: "ListUsers", method: http.MethodGet, path: "/api/v1/superuser/users/", query: q, out: &out}); err != nil {
			return nil, err
		}
		all = append(all, out.Users...)
		if out.NextPage == "" {
			sort.Slice(all, func(i, j int) bool { return all[i].Username < all[j].Username })
			return all, nil
		}
		if out.NextPage == next {
			return nil, fmt.Errorf("GET /api/v1/superuser/users/: Quay returned the same next_page token twice")
		}
		next = out.NextPage
	}
}

// UpdateUserRequest is the body of PUT /api/v1/superuser/users/{username};
// nil fields are left unchanged.
type UpdateUserRequest struct {
	Password *string `json:"password,omitempty"`
	Email    *string `json:"email,omitempty"`
	Enabled  *bool   `json:"enabled,omitempty"`
}

// UpdateUser changes a user. Quay's answer shows enabled and verified as
// they were before the change: read the user again for the result.
func (c *Client) UpdateUser(ctx context.Context, username string, req UpdateUserRequest) error {
	return c.do(ctx, call{endpoint: "UpdateUser", method: http.MethodPut, path: "/api/v1/superuser/users/" + seg(username), body: req})
}

// DeleteUser deletes a user. Quay answers 204 for a disabled user but keeps
// it: enable the user first.
func (c *Client) DeleteUser(ctx context.Context, username string) error {
	return c.do(ctx, call{endpoint: "DeleteUser", method: http.MethodDelete, path: "/api/v1/superuser/users/" + seg(username)})
}

// IsUser reports whether name is a user account (not an organization or a
// robot), through Quay's public user view, which any caller may read.
func (c *Client) IsUser(ctx context.Context, name string) (bool, error) {
	err := c.do(ctx, call{endpoint: "GetPublicUser", method: http.MethodGet, path: "/api/v1/users/" + seg(name)})
	if IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
