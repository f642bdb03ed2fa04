package quay

import (
	"context"
	"net/http"
)

// Global messages: the banners Quay's web UI shows to every user
// (quay-api.md §22). Superusers write them; anyone reads them.

// GlobalMessage is one banner.
type GlobalMessage struct {
	UUID      string `json:"uuid,omitempty"`
	Content   string `json:"content"`
	MediaType string `json:"media_type"`
	Severity  string `json:"severity"`
}

// ListGlobalMessages lists every message.
func (c *Client) ListGlobalMessages(ctx context.Context) ([]GlobalMessage, error) {
	var out struct {
		Messages []GlobalMessage `json:"messages"`
	}
	if err := c.do(ctx, call{endpoint: "ListGlobalMessages", method: http.MethodGet, path: "/api/v1/messages", out: &out}); err != nil {
		return nil, err
	}
	return out.Messages, nil
}

// CreateGlobalMessage adds a message. Quay answers without its uuid.
func (c *Client) CreateGlobalMessage(ctx context.Context, m GlobalMessage) error {
	m.UUID = ""
	return c.do(ctx, call{endpoint: "CreateGlobalMessage", method: http.MethodPost, path: "/api/v1/messages", body: map[string]any{"message": m}})
}

// DeleteGlobalMessage deletes a message; Quay answers 204 for an unknown
// uuid too.
func (c *Client) DeleteGlobalMessage(ctx context.Context, uuid string) error {
	return c.do(ctx, call{endpoint: "DeleteGlobalMessage", method: http.MethodDelete, path: "/api/v1/message/" + seg(uuid)})
}
