package quay

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Repository builds: requesting one (repository write permission) and the
// superuser build reads (quay-api.md §23).

// Build is Quay's view of a repository build. Started is RFC 2822.
// ArchiveURL is set only for callers with write permission on the
// repository; Status is the builder's free-form status ({} while queued).
type Build struct {
	ID             string          `json:"id"`
	Phase          string          `json:"phase"`
	Started        string          `json:"started"`
	DisplayName    string          `json:"display_name"`
	Status         json.RawMessage `json:"status"`
	Subdirectory   string          `json:"subdirectory"`
	DockerfilePath string          `json:"dockerfile_path"`
	Context        string          `json:"context"`
	Tags           []string        `json:"tags"`
	ManualUser     *string         `json:"manual_user"`
	IsWriter       bool            `json:"is_writer"`
	ResourceKey    *string         `json:"resource_key"`
	ArchiveURL     *string         `json:"archive_url"`
	Error          *string         `json:"error"`
	PullRobot      *struct {
		Name string `json:"name"`
	} `json:"pull_robot"`
	Repository struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"repository"`
}

// StartedTime parses Started.
func (b Build) StartedTime() (time.Time, error) {
	return time.Parse(time.RFC1123Z, b.Started)
}

// RequestBuildRequest is RepositoryBuildRequest: one of FileID or
// ArchiveURL (an http or https .tar.gz URL).
type RequestBuildRequest struct {
	ArchiveURL     string   `json:"archive_url,omitempty"`
	FileID         string   `json:"file_id,omitempty"`
	Subdirectory   string   `json:"subdirectory,omitempty"`
	DockerfilePath string   `json:"dockerfile_path,omitempty"`
	Context        string   `json:"context,omitempty"`
	DockerTags     []string `json:"docker_tags,omitempty"`
}

// RequestBuild queues a build of namespace/name. Not retried: a repeated
// POST would queue a second build.
func (c *Client) RequestBuild(ctx context.Context, namespace, name string, req RequestBuildRequest) (*Build, error) {
	var out Build
	if err := c.do(ctx, call{endpoint: "RequestBuild", method: http.MethodPost, path: repositoryPath(namespace, name) + "/build/", body: req, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetBuildSuperuser reads a build by UUID (superusers only). A missing
// build is a not-found error (404).
func (c *Client) GetBuildSuperuser(ctx context.Context, uuid string) (*Build, error) {
	var out Build
	if err := c.do(ctx, call{endpoint: "GetBuildSuperuser", method: http.MethodGet, path: "/api/v1/superuser/" + seg(uuid) + "/build", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// BuildLogs is a build's log from Start: Total entries in all, or only
// LogsURL once Quay has archived them.
type BuildLogs struct {
	Start   int               `json:"start"`
	Total   int               `json:"total"`
	Logs    []json.RawMessage `json:"logs"`
	LogsURL string            `json:"logs_url"`
}

// GetBuildLogsSuperuser reads a build's log lines (superusers only). Quay
// answers 400 "Unable to locate a build by id" for a missing build; that is
// a not-found error here.
func (c *Client) GetBuildLogsSuperuser(ctx context.Context, uuid string) (*BuildLogs, error) {
	var out BuildLogs
	if err := c.do(ctx, call{endpoint: "GetBuildLogsSuperuser", method: http.MethodGet, path: "/api/v1/superuser/" + seg(uuid) + "/logs", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
