package quay

import (
	"context"
	"net/http"
)

// Application is an organization's OAuth application. ClientSecret,
// RedirectURI and AvatarEmail are null for callers who are not org admins.
type Application struct {
	Name           string  `json:"name"`
	Description    string  `json:"description"`
	ApplicationURI string  `json:"application_uri"`
	ClientID       string  `json:"client_id"`
	ClientSecret   *string `json:"client_secret"`
	RedirectURI    *string `json:"redirect_uri"`
	AvatarEmail    *string `json:"avatar_email"`
}

// ApplicationRequest is the body of application create and update. Update
// replaces every field: an omitted description becomes "", an omitted
// avatar_email null. name, redirect_uri and application_uri are required
// on update, so they are always sent.
type ApplicationRequest struct {
	Name           string  `json:"name"`
	RedirectURI    string  `json:"redirect_uri"`
	ApplicationURI string  `json:"application_uri"`
	Description    string  `json:"description"`
	AvatarEmail    *string `json:"avatar_email,omitempty"`
}

func applicationsPath(org string) string {
	return "/api/v1/organization/" + seg(org) + "/applications"
}

// ListApplications lists an organization's OAuth applications.
func (c *Client) ListApplications(ctx context.Context, org string) ([]Application, error) {
	var out struct {
		Applications []Application `json:"applications"`
	}
	if err := c.do(ctx, call{endpoint: "ListApplications", method: http.MethodGet, path: applicationsPath(org), out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return out.Applications, nil
}

// CreateApplication creates an application; Quay allows duplicate names.
func (c *Client) CreateApplication(ctx context.Context, org string, req ApplicationRequest) (*Application, error) {
	var out Application
	if err := c.do(ctx, call{endpoint: "CreateApplication", method: http.MethodPost, path: applicationsPath(org), body: req, out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetApplication reads an application by client ID.
func (c *Client) GetApplication(ctx context.Context, org, clientID string) (*Application, error) {
	var out Application
	if err := c.do(ctx, call{endpoint: "GetApplication", method: http.MethodGet, path: applicationsPath(org) + "/" + seg(clientID), out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateApplication replaces every field of an application.
func (c *Client) UpdateApplication(ctx context.Context, org, clientID string, req ApplicationRequest) (*Application, error) {
	var out Application
	if err := c.do(ctx, call{endpoint: "UpdateApplication", method: http.MethodPut, path: applicationsPath(org) + "/" + seg(clientID), body: req, out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteApplication deletes an application and its tokens.
func (c *Client) DeleteApplication(ctx context.Context, org, clientID string) error {
	return c.do(ctx, call{endpoint: "DeleteApplication", method: http.MethodDelete, path: applicationsPath(org) + "/" + seg(clientID), orgScope: org})
}

// ResetApplicationSecret gives the application a new client secret.
func (c *Client) ResetApplicationSecret(ctx context.Context, org, clientID string) (*Application, error) {
	var out Application
	if err := c.do(ctx, call{endpoint: "ResetApplicationSecret", method: http.MethodPost, path: applicationsPath(org) + "/" + seg(clientID) + "/resetclientsecret", out: &out, orgScope: org}); err != nil {
		return nil, err
	}
	return &out, nil
}
