package quay

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"time"
)

// ServiceKey is Quay's service key view (quay-api.md §10). Dates are HTTP
// dates ("Fri, 21 Aug 2026 16:02:54 GMT").
type ServiceKey struct {
	Kid              string              `json:"kid"`
	Name             string              `json:"name"`
	Service          string              `json:"service"`
	JWK              JWK                 `json:"jwk"`
	Metadata         map[string]any      `json:"metadata"`
	CreatedDate      string              `json:"created_date"`
	ExpirationDate   *string             `json:"expiration_date"`
	RotationDuration *int64              `json:"rotation_duration"`
	Approval         *ServiceKeyApproval `json:"approval"`
}

// JWK is the public half of a service key as an RSA JSON Web Key.
type JWK struct {
	Kty string `json:"kty"`
	N   string `json:"n"`
	E   string `json:"e"`
	Kid string `json:"kid"`
}

// ServiceKeyApproval says who approved a key and how. Superuser approvals
// read "ServiceKeyApprovalType.SUPERUSER", literally.
type ServiceKeyApproval struct {
	Approver *struct {
		Username string `json:"username"`
		Name     string `json:"name"`
	} `json:"approver"`
	ApprovalType string `json:"approval_type"`
	ApprovedDate string `json:"approved_date"`
	Notes        string `json:"notes"`
}

// CreateServiceKeyRequest is the body of POST /api/v1/superuser/keys.
// Expiration (Unix seconds) is always sent: Quay requires the key, and
// null means "never expires".
type CreateServiceKeyRequest struct {
	Service    string            `json:"service"`
	Name       string            `json:"name,omitempty"`
	Expiration *int64            `json:"expiration"`
	Metadata   map[string]string `json:"metadata,omitempty"`
	Notes      string            `json:"notes,omitempty"`
}

// CreatedServiceKey is Quay's answer to a create: the only time the
// private key is ever returned.
type CreatedServiceKey struct {
	Kid        string `json:"kid"`
	Name       string `json:"name"`
	Service    string `json:"service"`
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
}

// CreateServiceKey makes a key pair, auto-approved by the caller (superuser).
func (c *Client) CreateServiceKey(ctx context.Context, req CreateServiceKeyRequest) (*CreatedServiceKey, error) {
	var out CreatedServiceKey
	if err := c.do(ctx, call{endpoint: "CreateServiceKey", method: http.MethodPost, path: "/api/v1/superuser/keys", body: req, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListServiceKeys lists every key, Quay's own instance keys included.
func (c *Client) ListServiceKeys(ctx context.Context) ([]ServiceKey, error) {
	var out struct {
		Keys []ServiceKey `json:"keys"`
	}
	if err := c.do(ctx, call{endpoint: "ListServiceKeys", method: http.MethodGet, path: "/api/v1/superuser/keys", out: &out}); err != nil {
		return nil, err
	}
	return out.Keys, nil
}

// GetServiceKey reads one key; NotFound once it is deleted or has been
// expired for longer than Quay keeps expired keys (7 days by default).
func (c *Client) GetServiceKey(ctx context.Context, kid string) (*ServiceKey, error) {
	var out ServiceKey
	if err := c.do(ctx, call{endpoint: "GetServiceKey", method: http.MethodGet, path: "/api/v1/superuser/keys/" + seg(kid), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateServiceKeyRequest lists the changes of PUT /api/v1/superuser/keys/{kid};
// nil fields are not sent. Quay merges Metadata into the stored map and
// never removes keys. ClearExpiration sends "expiration": null.
type UpdateServiceKeyRequest struct {
	Name            *string
	Metadata        map[string]string
	Expiration      *int64
	ClearExpiration bool
}

// UpdateServiceKey applies the changes and returns the key after them.
func (c *Client) UpdateServiceKey(ctx context.Context, kid string, req UpdateServiceKeyRequest) (*ServiceKey, error) {
	body := map[string]any{}
	if req.Name != nil {
		body["name"] = *req.Name
	}
	if req.Metadata != nil {
		body["metadata"] = req.Metadata
	}
	switch {
	case req.ClearExpiration:
		body["expiration"] = nil
	case req.Expiration != nil:
		body["expiration"] = *req.Expiration
	}
	var out ServiceKey
	if err := c.do(ctx, call{endpoint: "UpdateServiceKey", method: http.MethodPut, path: "/api/v1/superuser/keys/" + seg(kid), body: body, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteServiceKey deletes a key.
func (c *Client) DeleteServiceKey(ctx context.Context, kid string) error {
	return c.do(ctx, call{endpoint: "DeleteServiceKey", method: http.MethodDelete, path: "/api/v1/superuser/keys/" + seg(kid)})
}

// ApproveServiceKey approves a key submitted by another service. Keys made
// with CreateServiceKey are approved already.
func (c *Client) ApproveServiceKey(ctx context.Context, kid, notes string) error {
	return c.do(ctx, call{endpoint: "ApproveServiceKey", method: http.MethodPost, path: "/api/v1/superuser/approvedkeys/" + seg(kid), body: map[string]string{"notes": notes}})
}

// ParseHTTPDate reads one of Quay's service-key dates.
func ParseHTTPDate(s string) (time.Time, error) {
	t, err := http.ParseTime(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("unexpected date %q from Quay: %w", s, err)
	}
	return t.UTC(), nil
}

// PublicKeyPEM renders the JWK as a PEM SubjectPublicKeyInfo, the form
// Quay returns as public_key when the key is created.
func (k JWK) PublicKeyPEM() (string, error) {
	if k.Kty != "RSA" {
		return "", fmt.Errorf("unsupported key type %q", k.Kty)
	}
	n, err := base64.RawURLEncoding.DecodeString(k.N)
	if err != nil || len(n) == 0 {
		return "", errors.New("the key's modulus is not base64url")
	}
	e, err := base64.RawURLEncoding.DecodeString(k.E)
	if err != nil || len(e) == 0 || len(e) > 8 {
		return "", errors.New("the key's exponent is not base64url")
	}
	exp := new(big.Int).SetBytes(e)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
