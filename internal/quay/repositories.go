package quay

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Repositories (quay-api.md §13).

// RepositoryPath is the {repository} path part of a repository: the
// namespace and the name, each segment escaped (a name may hold "/").
func RepositoryPath(namespace, name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = seg(p)
	}
	return seg(namespace) + "/" + strings.Join(parts, "/")
}

func repositoryPath(namespace, name string) string {
	return "/api/v1/repository/" + RepositoryPath(namespace, name)
}

// CreateRepositoryRequest is the body of POST /api/v1/repository. Quay
// requires description (an empty string is fine).
type CreateRepositoryRequest struct {
	Namespace   string `json:"namespace"`
	Repository  string `json:"repository"`
	Visibility  string `json:"visibility"`
	Description string `json:"description"`
}

// RepositoryRef is Quay's answer to a create.
type RepositoryRef struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
}

// CreateRepository creates a repository. Quay answers "Repository already
// exists" (400) for a taken name; see IsRepositoryExists.
func (c *Client) CreateRepository(ctx context.Context, req CreateRepositoryRequest) (*RepositoryRef, error) {
	var out RepositoryRef
	if err := c.do(ctx, call{endpoint: "CreateRepository", method: http.MethodPost, path: "/api/v1/repository", body: req, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// IsRepositoryExists reports whether err is Quay's refusal of a create
// because the name is taken.
func IsRepositoryExists(err error) bool {
	return IsStatus(err, http.StatusBadRequest) && strings.Contains(ErrorMessage(err), "Repository already exists")
}

// RepositoryTag is a tag in the repository view.
type RepositoryTag struct {
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	LastModified   string `json:"last_modified"`
	ManifestDigest string `json:"manifest_digest"`
}

// Repository is the repository view.
type Repository struct {
	Namespace      string                   `json:"namespace"`
	Name           string                   `json:"name"`
	Kind           string                   `json:"kind"`
	Description    *string                  `json:"description"` // null for repositories created by a push
	IsPublic       bool                     `json:"is_public"`
	IsOrganization bool                     `json:"is_organization"`
	State          string                   `json:"state"`
	CanWrite       bool                     `json:"can_write"`
	CanAdmin       bool                     `json:"can_admin"`
	TagExpirationS int64                    `json:"tag_expiration_s"`
	Tags           map[string]RepositoryTag `json:"tags"` // up to 500, only when asked for
}

// GetRepository reads a repository, with its tags (at most 500) when
// includeTags. NotFound when it does not exist (Quay answers 403 instead
// to callers whose rights do not cover the namespace).
func (c *Client) GetRepository(ctx context.Context, namespace, name string, includeTags bool) (*Repository, error) {
	var out Repository
	q := url.Values{"includeTags": {strconv.FormatBool(includeTags)}}
	if err := c.do(ctx, call{endpoint: "GetRepository", method: http.MethodGet, path: repositoryPath(namespace, name), query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListRepositoriesOptions are the list's filters; at least one of
// Namespace, Public and Starred is required by Quay.
type ListRepositoriesOptions struct {
	Namespace    string
	Public       bool
	Starred      bool
	LastModified bool
	NextPage     string
}

// RepositoryListItem is an entry of the repository list.
type RepositoryListItem struct {
	Namespace    string  `json:"namespace"`
	Name         string  `json:"name"`
	Description  *string `json:"description"`
	IsPublic     bool    `json:"is_public"`
	Kind         string  `json:"kind"`
	State        string  `json:"state"`
	LastModified *int64  `json:"last_modified"` // Unix seconds of the newest push, when asked for
	IsStarred    bool    `json:"is_starred"`
}

// RepositoryPage is one page of the list; NextPage is empty on the last.
type RepositoryPage struct {
	Repositories []RepositoryListItem `json:"repositories"`
	NextPage     string               `json:"next_page"`
}

// ListRepositories reads one page (100 repositories) of the list.
func (c *Client) ListRepositories(ctx context.Context, opts ListRepositoriesOptions) (*RepositoryPage, error) {
	q := url.Values{}
	if opts.Namespace != "" {
		q.Set("namespace", opts.Namespace)
	}
	if opts.Public {
		q.Set("public", "true")
	}
	if opts.Starred {
		q.Set("starred", "true")
	}
	if opts.LastModified {
		q.Set("last_modified", "true")
	}
	if opts.NextPage != "" {
		q.Set("next_page", opts.NextPage)
	}
	var out RepositoryPage
	if err := c.do(ctx, call{endpoint: "ListRepositories", method: http.MethodGet, path: "/api/v1/repository", query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRepositoryDescription sets the description (the only field this
// PUT changes).
func (c *Client) UpdateRepositoryDescription(ctx context.Context, namespace, name, description string) error {
	body := map[string]string{"description": description}
	return c.do(ctx, call{endpoint: "UpdateRepository", method: http.MethodPut, path: repositoryPath(namespace, name), body: body})
}

type successAnswer struct {
	Success bool `json:"success"`
}

// ChangeRepositoryVisibility sets "public" or "private"; the POST only sets
// a value, so it is retried like a PUT. Quay answers a missing repository
// with 200 and a null body; that comes back NotFound.
func (c *Client) ChangeRepositoryVisibility(ctx context.Context, namespace, name, visibility string) error {
	var out *successAnswer
	path := repositoryPath(namespace, name) + "/changevisibility"
	if err := c.do(ctx, call{endpoint: "ChangeRepositoryVisibility", method: http.MethodPost, path: path, body: map[string]string{"visibility": visibility}, out: &out, idempotent: true}); err != nil {
		return err
	}
	if out == nil {
		return &APIError{Method: http.MethodPost, Path: path, StatusCode: http.StatusOK, Message: "Quay answered null: the repository does not exist", NotFound: true}
	}
	return nil
}

// ChangeRepositoryState sets NORMAL, READ_ONLY or MIRROR. The endpoint
// exists only with FEATURE_REPO_MIRROR.
func (c *Client) ChangeRepositoryState(ctx context.Context, namespace, name, state string) error {
	path := repositoryPath(namespace, name) + "/changestate"
	return c.do(ctx, call{endpoint: "ChangeRepositoryState", method: http.MethodPut, path: path, body: map[string]string{"state": state}})
}

// DeleteRepository deletes a repository. Quay answers 204 at once, also for
// a missing repository, and finishes the deletion in the background; the
// name is free for a new repository at once.
func (c *Client) DeleteRepository(ctx context.Context, namespace, name string) error {
	return c.do(ctx, call{endpoint: "DeleteRepository", method: http.MethodDelete, path: repositoryPath(namespace, name)})
}
