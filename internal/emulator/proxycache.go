package emulator

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"time"
)

// Proxy cache configuration (quay-api.md §7). The emulator never touches the
// network: host checks and upstream logins are decided from the name.

type proxyCacheConfig struct {
	upstreamRegistry string
	username         *string
	password         *string
	expirationS      int64
	insecure         bool
}

// UpstreamBehaviour is how an upstream registry answers validation.
type UpstreamBehaviour string

const (
	UpstreamValid       UpstreamBehaviour = "valid"       // logs in with the given credentials; anonymous pulls otherwise
	UpstreamBadLogin    UpstreamBehaviour = "bad-login"   // rejects the credentials
	UpstreamUnreachable UpstreamBehaviour = "unreachable" // does not answer like a registry
)

// defaultUpstreams are public registries that validate as a real Quay
// would see them when online.
var defaultUpstreams = map[string]UpstreamBehaviour{
	"quay.io": UpstreamValid, "docker.io": UpstreamValid, "registry-1.docker.io": UpstreamValid,
	"ghcr.io": UpstreamValid, "gcr.io": UpstreamValid, "registry.k8s.io": UpstreamValid,
	"registry.access.redhat.com": UpstreamValid, "registry.redhat.io": UpstreamValid,
	"public.ecr.aws": UpstreamValid, "mcr.microsoft.com": UpstreamValid,
}

// SetUpstream decides how validation against host behaves, for tests.
func (s *Server) SetUpstream(host string, b UpstreamBehaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.upstreams == nil {
		s.upstreams = map[string]UpstreamBehaviour{}
	}
	s.upstreams[host] = b
}

// upstreamHost is the host part of upstream_registry ("host[:port][/ns]").
func upstreamHost(upstream string) string {
	host, _, _ := strings.Cut(upstream, "/")
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// checkUpstream emulates Quay 3.18's URL, SSRF and DNS checks from the name
// alone and returns Quay's message, or "".
func checkUpstream(upstream string) string {
	if strings.HasPrefix(upstream, "/") || upstreamHost(upstream) == "" {
		return "URL must include a hostname"
	}
	host := strings.ToLower(upstreamHost(upstream))
	if strings.Contains(strings.SplitN(upstream, "/", 2)[0], "@") {
		return "URLs with embedded credentials are not allowed"
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() {
			return "The provided registry URL is not allowed"
		}
		return ""
	}
	blocked := host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".local") ||
		strings.HasSuffix(host, ".internal") || host == "metadata" || strings.HasPrefix(host, "kubernetes") ||
		strings.HasSuffix(host, ".svc") || strings.Contains(host, ".svc.cluster.")
	if blocked {
		return "The provided registry URL is not allowed"
	}
	tld := host[strings.LastIndex(host, ".")+1:]
	if !strings.Contains(host, ".") || tld == "invalid" || tld == "test" {
		return "Cannot resolve hostname '" + host + "'"
	}
	return ""
}

// proxyCacheSchema is NewProxyCacheConfig (endpoints/api/organization.py),
// which only types upstream_registry.
var proxyCacheSchema = mustSchema(`{"type": "object", "description": "Proxy cache configuration for an organization", "required": ["upstream_registry"], "properties": {
	"upstream_registry": {"type": "string", "description": "Name of the upstream registry that is to be cached"}}}`)

// proxyBody reads a create/validate body; ok is false after an answer.
// Quay's schema leaves the other keys untyped; the emulator still refuses
// wrong types there, in jsonschema's words.
func (r *request) proxyBody() (*proxyCacheConfig, bool) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(proxyCacheSchema, &body) {
		return nil, false
	}
	upstream, _, _ := getString(body, "upstream_registry")
	cfg := &proxyCacheConfig{upstreamRegistry: upstream, expirationS: 86400}
	if raw, ok := body["expiration_s"]; ok {
		if string(bytes.TrimSpace(raw)) == "null" {
			writeHTML(r.w, 500, "<html><body><h1>Internal Server Error</h1></body></html>")
			return nil, false
		}
		n, _, ok := getInt(body, "expiration_s")
		if !ok {
			r.schemaError(typeError(body, "expiration_s", "integer"))
			return nil, false
		}
		cfg.expirationS = n
	}
	if v, present, ok := getBool(body, "insecure"); present {
		if !ok {
			r.schemaError(typeError(body, "insecure", "boolean"))
			return nil, false
		}
		cfg.insecure = v
	}
	for key, dst := range map[string]**string{"upstream_registry_username": &cfg.username, "upstream_registry_password": &cfg.password} {
		v, isNull, present, ok := getNullableString(body, key)
		if !ok {
			r.schemaError(typeError(body, key, "string") + ", 'null'")
			return nil, false
		}
		if present && !isNull {
			val := v
			*dst = &val
		}
	}
	return cfg, true
}

// upstreamRefused answers when Quay's URL and SSRF checks refuse the
// upstream; they run after the permission and "already exists" checks.
func (r *request) upstreamRefused(cfg *proxyCacheConfig) bool {
	if msg := checkUpstream(cfg.upstreamRegistry); msg != "" {
		r.invalidRequest(msg)
		return true
	}
	return false
}

// proxyCacheOrg checks the caller may configure the org's proxy cache:
// the permission first, then the existing configuration. org is nil for
// a full-access superuser naming a missing org, whom Quay lets through.
func (s *Server) proxyCacheOrg(r *request) (org *namespace, ok bool) {
	org = s.state.org(r.param("orgname"))
	if !s.isOrgAdmin(r.caller, org) {
		r.forbidden()
		return nil, false
	}
	if org != nil && org.proxyCache != nil {
		r.invalidRequest("Proxy Cache Configuration already exists")
		return nil, false
	}
	return org, true
}

// refusedForImmutableTags is the create's check with
// FEATURE_IMMUTABLE_TAGS (3.17+): an organization with a live immutable tag
// cannot become a proxy cache; a missing one fails the model's lookup.
func (r *request) refusedForImmutableTags(org *namespace) bool {
	s := r.srv
	if !s.cfg.Features.ImmutableTags || !versionAtLeast(s.cfg.Version, 3, 17) {
		return false
	}
	if org == nil {
		r.modelError("Organization does not exist: " + r.param("orgname"))
		return true
	}
	now := time.Now()
	for _, repo := range org.repos {
		for _, t := range repo.liveTags(now) {
			if t.immutable {
				r.invalidRequest("Cannot convert organization to proxy cache: immutable tags exist")
				return true
			}
		}
	}
	return false
}

// POST /api/v1/organization/{orgname}/proxycache (§7.1): 201 "Created".
func (s *Server) createProxyCache(r *request) {
	cfg, ok := r.proxyBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := s.proxyCacheOrg(r)
	if !ok {
		return
	}
	if org != nil && s.orgMirrored(org.name) {
		r.invalidRequest("Cannot create proxy cache: organization is managed by organization-level mirroring")
		return
	}
	if r.refusedForImmutableTags(org) || r.upstreamRefused(cfg) {
		return
	}
	if org == nil || len(cfg.upstreamRegistry) > 270 {
		// The model's lookup or the column refuses it, and the endpoint
		// turns any data-model error into this.
		r.invalidRequest("Error while creating Proxy cache configuration")
		return
	}
	org.proxyCache = cfg
	var upstream any
	if cfg.upstreamRegistry != "" {
		upstream = cfg.upstreamRegistry
	}
	r.logAction("create_proxy_cache_config", org.name, map[string]any{"upstream_registry": upstream})
	r.ok(201, "Created")
}

// POST /api/v1/organization/{orgname}/validateproxycache (§7.3): 202
// "Valid" or "Anonymous".
func (s *Server) validateProxyCache(r *request) {
	cfg, ok := r.proxyBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := s.proxyCacheOrg(r)
	if !ok || r.upstreamRefused(cfg) {
		return
	}
	if org == nil {
		// The org lookup's error escapes ProxyCacheConfigValidation.post.
		r.modelError("Organization does not exist: " + r.param("orgname"))
		return
	}
	host := strings.ToLower(upstreamHost(cfg.upstreamRegistry))
	behaviour, known := s.upstreams[host]
	if !known {
		behaviour, known = defaultUpstreams[host]
	}
	switch {
	case !known || behaviour == UpstreamUnreachable:
		r.invalidRequest("Failed to validate Proxy cache configuration")
	case behaviour == UpstreamBadLogin && cfg.username != nil:
		r.invalidRequest("Failed login to remote registry. Please verify entered details and try again.")
	case cfg.username != nil && cfg.password != nil:
		r.ok(202, "Valid")
	default:
		r.ok(202, "Anonymous")
	}
}

// GET /api/v1/organization/{orgname}/proxycache (§7.2): 200 even without
// a configuration, then with empty strings.
func (s *Server) getProxyCache(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.state.org(r.param("orgname"))
	if !s.isOrgMember(r.caller, org) {
		r.forbidden()
		return
	}
	// A full-access superuser passes for a missing org too, and Quay then
	// finds no configuration (OrganizationProxyCacheConfig.get).
	if org == nil || org.proxyCache == nil {
		r.ok(200, map[string]any{"upstream_registry": "", "expiration_s": "", "insecure": ""})
		return
	}
	c := org.proxyCache
	r.ok(200, map[string]any{"upstream_registry": c.upstreamRegistry, "expiration_s": c.expirationS, "insecure": c.insecure})
}

// DELETE /api/v1/organization/{orgname}/proxycache (§7.4): 201 "Deleted".
func (s *Server) deleteProxyCache(r *request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgForWrite(r)
	if org == nil {
		return
	}
	if org.proxyCache == nil {
		r.notFound()
		return
	}
	org.proxyCache = nil
	r.logAction("delete_proxy_cache_config", org.name, nil)
	r.ok(201, "Deleted")
}

// ProxyCaches lists the organizations with a proxy cache, for test assertions.
func (s *Server) ProxyCaches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ns := range s.state.namespaces {
		if ns.proxyCache != nil {
			out = append(out, ns.name)
		}
	}
	return out
}

// ProxyCacheCredentials returns the stored upstream credentials of org, for
// tests that check write-only values arrive.
func (s *Server) ProxyCacheCredentials(org string) (username, password string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ns := s.state.org(org)
	if ns == nil || ns.proxyCache == nil {
		return "", "", false
	}
	if ns.proxyCache.username != nil {
		username = *ns.proxyCache.username
	}
	if ns.proxyCache.password != nil {
		password = *ns.proxyCache.password
	}
	return username, password, true
}
