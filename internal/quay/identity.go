package quay

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// CurrentUser is GET /api/v1/user/ for the token's user.
type CurrentUser struct {
	Anonymous     bool   `json:"anonymous"`
	Username      string `json:"username"`
	Email         string `json:"email"`
	SuperUser     bool   `json:"super_user"`
	Organizations []struct {
		Name       string `json:"name"`
		IsOrgAdmin bool   `json:"is_org_admin"`
	} `json:"organizations"`
}

// GetCurrentUser answers who the token acts as. Quay treats an unknown or
// expired token as anonymous, so this is the one call that tells a bad
// token apart: it answers 401 for it.
func (c *Client) GetCurrentUser(ctx context.Context) (*CurrentUser, error) {
	var out CurrentUser
	err := c.do(ctx, call{endpoint: "GetCurrentUser", method: http.MethodGet, path: "/api/v1/user/", out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// InstanceConfig is the part of GET /config the provider uses.
type InstanceConfig struct {
	Config struct {
		TagExpirationOptions []string `json:"TAG_EXPIRATION_OPTIONS"`
		AuthenticationType   string   `json:"AUTHENTICATION_TYPE"`
		RobotsDisallow       bool     `json:"ROBOTS_DISALLOW"`
	} `json:"config"`
	Features      map[string]any `json:"features"`
	RegistryState string         `json:"registry_state"`
	VersionNumber string         `json:"version_number"`
}

// Feature reports whether feature flag name (without FEATURE_) is on.
func (ic *InstanceConfig) Feature(name string) bool {
	v, ok := ic.Features[name].(bool)
	return ok && v
}

// FeatureOff reports whether the server reports feature flag name (without
// FEATURE_) as off. A flag it does not report, or a config that could not
// be read (nil), counts as on: Quay then answers for itself.
func (ic *InstanceConfig) FeatureOff(name string) bool {
	if ic == nil {
		return false
	}
	on, reported := ic.Features[name].(bool)
	return reported && !on
}

// OlderThan reports whether the server's version is known and older than
// major.minor. An unreadable version counts as new enough.
func (ic *InstanceConfig) OlderThan(major, minor int) bool {
	if ic == nil {
		return false
	}
	var ma, mi int
	if _, err := fmt.Sscanf(strings.TrimPrefix(ic.VersionNumber, "Quay "), "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma < major || (ma == major && mi < minor)
}

// TagExpirationSeconds converts TAG_EXPIRATION_OPTIONS ("0s", "1d", "2w")
// to seconds, skipping entries it cannot read.
func (ic *InstanceConfig) TagExpirationSeconds() []int64 {
	var out []int64
	for _, o := range ic.Config.TagExpirationOptions {
		if s, ok := parseQuayDuration(o); ok {
			out = append(out, s)
		}
	}
	return out
}

func parseQuayDuration(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	unit := map[byte]int64{'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800, 'y': 31536000}[s[len(s)-1]]
	if unit == 0 || n > math.MaxInt64/unit {
		return 0, false
	}
	return n * unit, true
}

// GetInstanceConfig reads GET /config (not under /api; no auth needed).
func (c *Client) GetInstanceConfig(ctx context.Context) (*InstanceConfig, error) {
	var out InstanceConfig
	if err := c.do(ctx, call{endpoint: "GetInstanceConfig", method: http.MethodGet, path: "/config", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
