package quay

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// Tags of a repository (quay-api.md §13.9).

// Tag is an entry of the tag history. EndTS is when the tag stops being
// live: its expiration while it is live, the time it was deleted or moved
// afterwards. Immutable is set only when Quay has FEATURE_IMMUTABLE_TAGS.
type Tag struct {
	Name           string `json:"name"`
	ManifestDigest string `json:"manifest_digest"`
	Size           int64  `json:"size"`
	StartTS        int64  `json:"start_ts"`
	EndTS          *int64 `json:"end_ts"`
	LastModified   string `json:"last_modified"`
	IsManifestList bool   `json:"is_manifest_list"`
	Immutable      *bool  `json:"immutable"`
}

// TagPage is one page of the tag history.
type TagPage struct {
	Tags          []Tag `json:"tags"`
	Page          int   `json:"page"`
	HasAdditional bool  `json:"has_additional"`
}

func tagsPath(namespace, repo string) string { return repositoryPath(namespace, repo) + "/tag/" }

// ListRepositoryTags reads one page (limit at most 100) of a repository's
// tags; with onlyActive, live tags only.
func (c *Client) ListRepositoryTags(ctx context.Context, namespace, name string, page, limit int, onlyActive bool) (*TagPage, error) {
	q := url.Values{"page": {strconv.Itoa(page)}, "limit": {strconv.Itoa(limit)}}
	if onlyActive {
		q.Set("onlyActiveTags", "true")
	}
	var out TagPage
	if err := c.do(ctx, call{endpoint: "ListRepositoryTags", method: http.MethodGet, path: tagsPath(namespace, name), query: q, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListActiveTags reads every live tag of a repository, a page of 100 at a
// time.
func (c *Client) ListActiveTags(ctx context.Context, namespace, name string) ([]Tag, error) {
	var all []Tag
	for page := 1; ; page++ {
		p, err := c.ListRepositoryTags(ctx, namespace, name, page, 100, true)
		if err != nil {
			return nil, err
		}
		all = append(all, p.Tags...)
		if !p.HasAdditional || len(p.Tags) == 0 {
			return all, nil
		}
	}
}

// CountActiveTags counts a repository's live tags.
func (c *Client) CountActiveTags(ctx context.Context, namespace, name string) (int, error) {
	tags, err := c.ListActiveTags(ctx, namespace, name)
	return len(tags), err
}

// GetTag reads one live tag with a single request (Quay's specificTag
// filter); NotFound when the repository has no such live tag.
func (c *Client) GetTag(ctx context.Context, namespace, repo, tag string) (*Tag, error) {
	q := url.Values{"specificTag": {tag}, "onlyActiveTags": {"true"}, "limit": {"1"}}
	var out TagPage
	if err := c.do(ctx, call{endpoint: "GetTag", method: http.MethodGet, path: tagsPath(namespace, repo), query: q, out: &out}); err != nil {
		return nil, err
	}
	for i := range out.Tags {
		if out.Tags[i].Name == tag {
			return &out.Tags[i], nil
		}
	}
	return nil, &APIError{Method: http.MethodGet, Path: tagsPath(namespace, repo), StatusCode: http.StatusNotFound, Message: "no live tag " + tag, NotFound: true}
}

// TagChange is the body of a tag PUT: the manifest to point the tag at
// (creating or moving it), its expiration (Unix seconds) or clearing it,
// and its immutability (clearing it needs a repository administrator).
type TagChange struct {
	ManifestDigest  string
	Expiration      *int64
	ClearExpiration bool
	Immutable       *bool
}

func (tc TagChange) body() map[string]any {
	b := map[string]any{}
	if tc.ManifestDigest != "" {
		b["manifest_digest"] = tc.ManifestDigest
	}
	switch {
	case tc.Expiration != nil:
		b["expiration"] = *tc.Expiration
	case tc.ClearExpiration:
		b["expiration"] = nil
	}
	if tc.Immutable != nil {
		b["immutable"] = *tc.Immutable
	}
	return b
}

// SetTag creates or moves a tag, or changes its expiration. Quay refuses
// changes to an immutable tag with 409 (see IsTagImmutable).
func (c *Client) SetTag(ctx context.Context, namespace, repo, tag string, change TagChange) error {
	return c.do(ctx, call{endpoint: "SetTag", method: http.MethodPut, path: tagsPath(namespace, repo) + seg(tag), body: change.body()})
}

// DeleteTag deletes a tag (its manifest stays); NotFound when there is no
// live tag of that name.
func (c *Client) DeleteTag(ctx context.Context, namespace, repo, tag string) error {
	return c.do(ctx, call{endpoint: "DeleteTag", method: http.MethodDelete, path: tagsPath(namespace, repo) + seg(tag)})
}

// IsTagImmutable reports Quay's refusal to change or delete an immutable
// tag (409 tag_immutable).
func IsTagImmutable(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict &&
		(apiErr.ErrorType == "tag_immutable" || containsFold(apiErr.Message, "immutable"))
}
