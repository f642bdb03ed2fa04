package quay

import (
	"context"
	"net/http"
)

// Repository notifications (quay-api.md §18.1, §18.2). Quay has no update
// for them.

// Notification is a repository notification as Quay shows it. Config holds
// the method's settings, secrets included (webhook and Slack URLs).
type Notification struct {
	UUID             string         `json:"uuid"`
	Title            *string        `json:"title"`
	Event            string         `json:"event"`
	Method           string         `json:"method"`
	Config           map[string]any `json:"config"`
	EventConfig      map[string]any `json:"event_config"`
	NumberOfFailures int64          `json:"number_of_failures"`
}

// CreateNotificationRequest is the body of a create. Quay spells the event
// settings eventConfig here and event_config in its answers.
type CreateNotificationRequest struct {
	Event       string         `json:"event"`
	Method      string         `json:"method"`
	Config      map[string]any `json:"config"`
	EventConfig map[string]any `json:"eventConfig"`
	Title       *string        `json:"title,omitempty"`
}

func notificationsPath(namespace, repo string) string {
	return repositoryPath(namespace, repo) + "/notification/"
}

// ListNotifications lists a repository's notifications (Quay answers an
// empty list for a missing repository).
func (c *Client) ListNotifications(ctx context.Context, namespace, repo string) ([]Notification, error) {
	var out struct {
		Notifications []Notification `json:"notifications"`
	}
	if err := c.do(ctx, call{endpoint: "ListNotifications", method: http.MethodGet, path: notificationsPath(namespace, repo), out: &out}); err != nil {
		return nil, err
	}
	return out.Notifications, nil
}

// CreateNotification creates a notification; the answer is its view.
func (c *Client) CreateNotification(ctx context.Context, namespace, repo string, req CreateNotificationRequest) (*Notification, error) {
	if req.EventConfig == nil {
		req.EventConfig = map[string]any{}
	}
	var out Notification
	if err := c.do(ctx, call{endpoint: "CreateNotification", method: http.MethodPost, path: notificationsPath(namespace, repo), body: req, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetNotification reads one notification; NotFound when it is gone.
func (c *Client) GetNotification(ctx context.Context, namespace, repo, uuid string) (*Notification, error) {
	var out Notification
	if err := c.do(ctx, call{endpoint: "GetNotification", method: http.MethodGet, path: notificationsPath(namespace, repo) + seg(uuid), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteNotification deletes a notification. Quay answers a missing one
// 400 "No repository notification found", which is NotFound.
func (c *Client) DeleteNotification(ctx context.Context, namespace, repo, uuid string) error {
	return c.do(ctx, call{endpoint: "DeleteNotification", method: http.MethodDelete, path: notificationsPath(namespace, repo) + seg(uuid)})
}

// ResetNotificationFailures sets the failure count back to zero, so that a
// notification Quay stopped sending after three failures is sent again.
func (c *Client) ResetNotificationFailures(ctx context.Context, namespace, repo, uuid string) error {
	return c.do(ctx, call{endpoint: "ResetNotificationFailures", method: http.MethodPost, path: notificationsPath(namespace, repo) + seg(uuid), idempotent: true})
}

// Namespace notifications (quay-api.md §18.3): quota events of an
// organization or of the token's own user, behind
// FEATURE_QUOTA_NOTIFICATIONS (Quay 3.18+). Same body and view as
// repository notifications; no update either.

// NotificationOwner is the namespace a namespace notification belongs to:
// an organization, or the token's own user (User).
type NotificationOwner struct {
	Namespace string
	User      bool
}

func (o NotificationOwner) path() string {
	if o.User {
		return "/api/v1/user/namespacenotifications"
	}
	return "/api/v1/organization/" + seg(o.Namespace) + "/notifications"
}

func (o NotificationOwner) orgScope() string {
	if o.User {
		return ""
	}
	return o.Namespace
}

// ListNamespaceNotifications lists a namespace's notifications.
func (c *Client) ListNamespaceNotifications(ctx context.Context, o NotificationOwner) ([]Notification, error) {
	var out struct {
		Notifications []Notification `json:"notifications"`
	}
	if err := c.do(ctx, call{endpoint: "ListNamespaceNotifications", method: http.MethodGet, path: o.path(), out: &out, orgScope: o.orgScope()}); err != nil {
		return nil, err
	}
	return out.Notifications, nil
}

// CreateNamespaceNotification creates a notification; the answer is its view.
func (c *Client) CreateNamespaceNotification(ctx context.Context, o NotificationOwner, req CreateNotificationRequest) (*Notification, error) {
	if req.EventConfig == nil {
		req.EventConfig = map[string]any{}
	}
	var out Notification
	if err := c.do(ctx, call{endpoint: "CreateNamespaceNotification", method: http.MethodPost, path: o.path(), body: req, out: &out, orgScope: o.orgScope()}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetNamespaceNotification reads one notification; NotFound when it is gone.
func (c *Client) GetNamespaceNotification(ctx context.Context, o NotificationOwner, uuid string) (*Notification, error) {
	var out Notification
	if err := c.do(ctx, call{endpoint: "GetNamespaceNotification", method: http.MethodGet, path: o.path() + "/" + seg(uuid), out: &out, orgScope: o.orgScope()}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteNamespaceNotification deletes a notification.
func (c *Client) DeleteNamespaceNotification(ctx context.Context, o NotificationOwner, uuid string) error {
	return c.do(ctx, call{endpoint: "DeleteNamespaceNotification", method: http.MethodDelete, path: o.path() + "/" + seg(uuid), orgScope: o.orgScope()})
}

// ResetNamespaceNotificationFailures sets the failure count back to zero.
func (c *Client) ResetNamespaceNotificationFailures(ctx context.Context, o NotificationOwner, uuid string) error {
	return c.do(ctx, call{endpoint: "ResetNamespaceNotificationFailures", method: http.MethodPost, path: o.path() + "/" + seg(uuid), orgScope: o.orgScope(), idempotent: true})
}
