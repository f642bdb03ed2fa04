package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math"
	"math/big"
	"net"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"
)

// serviceKey is a row of Quay's service key table (quay-api.md §10).
type serviceKey struct {
	kid        string
	name       string
	service    string
	jwk        map[string]any
	metadata   map[string]any
	created    time.Time
	expiration *time.Time
	approval   *serviceKeyApproval
}

type serviceKeyApproval struct {
	approver *namespace // nil for automatic approvals
	kind     string
	date     time.Time
	notes    string
}

const (
	// expiredServiceKeyTTL is EXPIRED_SERVICE_KEY_TTL_SEC: expired keys stay
	// readable this long, then read as missing and are collected.
	expiredServiceKeyTTL = 7 * 24 * time.Hour
	approvalSuperuser    = "ServiceKeyApprovalType.SUPERUSER"
	approvalAutomatic    = "ServiceKeyApprovalType.AUTOMATIC"
)

var (
	servicePattern     = regexp.MustCompile(`^[a-z0-9_]+$`)
	keyNamePattern     = regexp.MustCompile(`^[\s a-zA-Z0-9\-_:/]*$`)
	keyPoolOnce        sync.Once
	keyPool            chan *rsa.PrivateKey
	instanceKeyService = "quay"
)

// newRSAKey takes a fresh RSA-2048 key from a small pool that a background
// goroutine keeps filled, so that tests under -race do not wait for key
// generation on every create. Every key is used once.
func newRSAKey() *rsa.PrivateKey {
	keyPoolOnce.Do(func() {
		keyPool = make(chan *rsa.PrivateKey, 4)
		go func() {
			for {
				k, err := rsa.GenerateKey(rand.Reader, 2048)
				if err != nil {
					panic(err)
				}
				keyPool <- k
			}
		}()
	})
	return <-keyPool
}

// jwkOf is the public RSA JWK of key, with its RFC 7638 thumbprint as kid.
func jwkOf(key *rsa.PublicKey) (map[string]any, string) {
	n := base64.RawURLEncoding.EncodeToString(key.N.Bytes())
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())
	// RFC 7638: the required members in lexicographic order, no whitespace.
	canonical := fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, e, n)
	sum := sha256.Sum256([]byte(canonical))
	kid := base64.RawURLEncoding.EncodeToString(sum[:])
	return map[string]any{"kty": "RSA", "n": n, "e": e, "kid": kid}, kid
}

// ensureInstanceKey adds Quay's own key (service "quay"), which every
// installation has and which the list endpoint shows. Caller holds s.mu.
func (s *Server) ensureInstanceKey() {
	for _, k := range s.state.serviceKeys {
		if k.service == instanceKeyService {
			return
		}
	}
	priv := newRSAKey()
	jwk, kid := jwkOf(&priv.PublicKey)
	now := time.Now().UTC()
	s.state.serviceKeys[kid] = &serviceKey{
		kid: kid, name: "", service: instanceKeyService, jwk: jwk,
		metadata: map[string]any{"created_by": "CLI tool"},
		created:  now,
		approval: &serviceKeyApproval{kind: approvalAutomatic, date: now},
	}
}

// visible says whether Quay still answers for the key; keys expired for
// longer than the TTL read as missing.
func (k *serviceKey) visible(now time.Time) bool {
	return k.expiration == nil || now.Before(k.expiration.Add(expiredServiceKeyTTL))
}

func httpDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

func (s *Server) serviceKeyView(k *serviceKey) map[string]any {
	var exp any
	if k.expiration != nil {
		exp = httpDate(*k.expiration)
	}
	var approval any
	if k.approval != nil {
		var approver any
		if a := k.approval.approver; a != nil {
			approver = map[string]any{
				"kind": "user", "name": a.name, "username": a.name, "email": a.email,
				"verified": a.verified, "avatar": avatar(a.name, "user"),
				"super_user": a.superuser, "enabled": a.enabled,
			}
		}
		approval = map[string]any{
			"approver":      approver,
			"approval_type": k.approval.kind,
			"approved_date": httpDate(k.approval.date),
			"notes":         k.approval.notes,
		}
	}
	md := map[string]any{}
	for key, v := range k.metadata {
		md[key] = v
	}
	return map[string]any{
		"kid": k.kid, "name": k.name, "service": k.service, "jwk": k.jwk,
		"metadata": md, "created_date": httpDate(k.created), "expiration_date": exp,
		"rotation_duration": nil, "approval": approval,
	}
}

// readExpiration parses an "expiration" value: null (or "") means none.
// It answers the request itself on failure.
func (r *request) readExpiration(raw json.RawMessage, update bool, now time.Time) (exp *time.Time, ok bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		r.invalidRequest("Invalid expiration date: " + string(raw))
		return nil, false
	}
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		if x == "" {
			return nil, true
		}
		r.invalidRequest("Invalid expiration date: " + x)
		return nil, false
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || x > 253402300799 || x < -62135596800 {
			r.invalidRequest(fmt.Sprintf("Invalid expiration date: %v", x))
			return nil, false
		}
		sec, frac := math.Modf(x)
		t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
		if !t.After(now) {
			if update {
				r.invalidRequest("Cannot have an expiration date in the past")
			} else {
				r.invalidRequest("Expiration date cannot be in the past")
			}
			return nil, false
		}
		return &t, true
	default:
		r.invalidRequest(fmt.Sprintf("Invalid expiration date: %v", x))
		return nil, false
	}
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// registerServiceKeyRoutes adds §10's endpoints (FEATURE_SUPER_USERS).
func (s *Server) registerServiceKeyRoutes(rt *router) {
	rt.handle("GET", "/api/v1/superuser/keys", s.listServiceKeys)
	rt.handle("POST", "/api/v1/superuser/keys", s.createServiceKey)
	rt.handle("GET", "/api/v1/superuser/keys/{kid}", s.getServiceKey)
	rt.handle("PUT", "/api/v1/superuser/keys/{kid}", s.updateServiceKey)
	rt.handle("DELETE", "/api/v1/superuser/keys/{kid}", s.deleteServiceKey)
	rt.handle("POST", "/api/v1/superuser/approvedkeys/{kid}", s.approveServiceKey)
}

// Body schemas of the service key endpoints (endpoints/api/superuser.py:
// CreateServiceKey, PutServiceKey, ApproveServiceKey).
const (
	keyNameProperty       = `"name": {"type": "string", "description": "The friendly name of a service key"}`
	keyMetadataProperty   = `"metadata": {"type": "object", "description": "The key/value pairs of this key's metadata"}`
	keyExpirationProperty = `"expiration": {"description": "The expiration date as a unix timestamp", "anyOf": [{"type": "number"}, {"type": "null"}]}`
)

var (
	createServiceKeySchema = mustSchema(`{"id": "CreateServiceKey", "type": "object", "description": "Description of creation of a service key", "required": ["service", "expiration"], "properties": {
		"service": {"type": "string", "description": "The service authenticating with this key"}, ` + keyNameProperty + `, ` + keyMetadataProperty + `,
		"notes": {"type": "string", "description": "If specified, the extra notes for the key"}, ` + keyExpirationProperty + `}}`)
	updateServiceKeySchema = mustSchema(`{"id": "PutServiceKey", "type": "object", "description": "Description of updates for a service key", "properties": {` +
		keyNameProperty + `, ` + keyMetadataProperty + `, ` + keyExpirationProperty + `}}`)
	approveServiceKeySchema = mustSchema(`{"id": "ApproveServiceKey", "type": "object", "description": "Information for approving service keys", "properties": {
		"notes": {"type": "string", "description": "Optional approval notes"}}}`)
)

// POST /api/v1/superuser/keys (§10.1): 200 with the only copy of the private key.
func (s *Server) createServiceKey(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(createServiceKeySchema, &body) {
		return
	}
	service, _, _ := getString(body, "service")
	rawExp := body["expiration"]
	name, _, _ := getString(body, "name")
	metadata := map[string]any{}
	if raw, present := body["metadata"]; present {
		_ = json.Unmarshal(raw, &metadata)
	}
	notes, _, _ := getString(body, "notes")
	if !r.caller.superuser {
		r.forbidden()
		return
	}
	if !keyNamePattern.MatchString(name) {
		r.invalidRequest("Invalid service key friendly name: " + name)
		return
	}
	now := time.Now().UTC()
	exp, ok := r.readExpiration(rawExp, false, now)
	if !ok {
		return
	}
	if !servicePattern.MatchString(service) {
		r.modelError("") // the model's error carries no message
		return
	}
	metadata["created_by"] = "Quay Superuser Panel"
	metadata["creator"] = r.caller.name()
	metadata["ip"] = clientIP(r.Request)

	priv := newRSAKey()
	jwk, kid := jwkOf(&priv.PublicKey)
	pubDER, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		writeHTML(r.w, 500, "Internal Server Error")
		return
	}
	s.mu.Lock()
	s.ensureInstanceKey()
	s.state.serviceKeys[kid] = &serviceKey{
		kid: kid, name: name, service: service, jwk: jwk, metadata: metadata,
		created: now, expiration: exp,
		approval: &serviceKeyApproval{approver: r.caller.user, kind: approvalSuperuser, date: now, notes: notes},
	}
	created := map[string]any{"kid": kid, "preshared": true, "service": service, "name": name, "expiration_date": logTime(exp), "auto_approved": true}
	r.logAction("service_key_create", "", created)
	r.logAction("service_key_approve", "", created)
	s.mu.Unlock()
	r.ok(200, map[string]any{
		"kid": kid, "name": name, "service": service,
		"public_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})),
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(priv)})),
	})
}

// liveKey returns the key if Quay would still answer for it, collecting
// it when it has been expired too long. Caller holds s.mu.
func (s *Server) liveKey(kid string) *serviceKey {
	k := s.state.serviceKeys[kid]
	if k == nil {
		return nil
	}
	if !k.visible(time.Now()) {
		delete(s.state.serviceKeys, kid)
		return nil
	}
	return k
}

// GET /api/v1/superuser/keys (§10.2): every key, Quay's own included.
func (s *Server) listServiceKeys(r *request) {
	if !r.caller.superuser {
		r.forbidden()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureInstanceKey()
	var keys []*serviceKey
	for kid := range s.state.serviceKeys {
		if k := s.liveKey(kid); k != nil {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if !keys[i].created.Equal(keys[j].created) {
			return keys[i].created.Before(keys[j].created)
		}
		return keys[i].kid < keys[j].kid
	})
	views := []any{}
	for _, k := range keys {
		views = append(views, s.serviceKeyView(k))
	}
	r.ok(200, map[string]any{"keys": views})
}

// GET /api/v1/superuser/keys/{kid} (§10.3).
func (s *Server) getServiceKey(r *request) {
	if !r.caller.superuser {
		r.forbidden()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ensureInstanceKey()
	k := s.liveKey(r.param("kid"))
	if k == nil {
		r.notFound()
		return
	}
	r.ok(200, s.serviceKeyView(k))
}

// PUT /api/v1/superuser/keys/{kid} (§10.4): metadata is merged, never pruned.
func (s *Server) updateServiceKey(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(updateServiceKeySchema, &body) {
		return
	}
	name, hasName, _ := getString(body, "name")
	var metadata map[string]any
	if raw, present := body["metadata"]; present {
		_ = json.Unmarshal(raw, &metadata)
	}
	if !r.caller.superuser {
		r.forbidden()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.liveKey(r.param("kid"))
	if k == nil {
		r.notFound()
		return
	}
	logged := map[string]any{"kid": k.kid, "service": k.service, "name": k.name, "expiration_date": logTime(k.expiration)}
	if hasName {
		logged["name"] = name
	}
	// Quay saves the expiration before it checks the name, so a bad name
	// still leaves a new expiration applied.
	if rawExp, hasExp := body["expiration"]; hasExp {
		newExp, ok := r.readExpiration(rawExp, true, time.Now().UTC())
		if !ok {
			return
		}
		logged["old_expiration_date"], logged["expiration_date"] = logTime(k.expiration), logTime(newExp)
		r.logAction("service_key_extend", "", logged)
		k.expiration = newExp
	}
	if hasName && !keyNamePattern.MatchString(name) {
		r.invalidRequest("Invalid service key friendly name: " + name)
		return
	}
	for key, v := range metadata {
		k.metadata[key] = v
	}
	if hasName {
		k.name = name
	}
	if hasName || metadata != nil {
		r.logAction("service_key_modify", "", logged)
	}
	r.ok(200, s.serviceKeyView(k))
}

// DELETE /api/v1/superuser/keys/{kid} (§10.5).
func (s *Server) deleteServiceKey(r *request) {
	if !r.caller.superuser {
		r.forbidden()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.liveKey(r.param("kid"))
	if k == nil {
		r.notFound()
		return
	}
	delete(s.state.serviceKeys, r.param("kid"))
	r.logAction("service_key_delete", "", map[string]any{"kid": k.kid, "service": k.service, "name": k.name, "created_date": k.created, "expiration_date": logTime(k.expiration)})
	r.noContent()
}

// POST /api/v1/superuser/approvedkeys/{kid} (§10.6): 201 with an empty body.
func (s *Server) approveServiceKey(r *request) {
	var body map[string]json.RawMessage
	if !r.decodeValidBody(approveServiceKeySchema, &body) {
		return
	}
	notes, _, _ := getString(body, "notes")
	if !r.caller.superuser {
		r.forbidden()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.liveKey(r.param("kid"))
	if k == nil {
		r.notFound()
		return
	}
	if k.approval == nil {
		k.approval = &serviceKeyApproval{approver: r.caller.user, kind: approvalSuperuser, date: time.Now().UTC(), notes: notes}
		r.logAction("service_key_approve", "", map[string]any{"kid": k.kid, "service": k.service, "name": k.name, "expiration_date": logTime(k.expiration)})
	}
	r.w.WriteHeader(http.StatusCreated)
}

// SetServiceKeyExpiration moves a key's expiry, bypassing Quay's "not in
// the past" check, so tests can make a key expire or age past the 7-day
// window without waiting. It reports whether the key exists.
func (s *Server) SetServiceKeyExpiration(kid string, at time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.state.serviceKeys[kid]
	if k == nil {
		return false
	}
	t := at.UTC()
	k.expiration = &t
	return true
}

// AddUnapprovedServiceKey stores a key as another service would submit it
// (no approval), for tests of the approve endpoint. It returns the kid.
func (s *Server) AddUnapprovedServiceKey(service, name string) string {
	priv := newRSAKey()
	jwk, kid := jwkOf(&priv.PublicKey)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.serviceKeys[kid] = &serviceKey{kid: kid, name: name, service: service, jwk: jwk, metadata: map[string]any{}, created: time.Now().UTC()}
	return kid
}

// ServiceKeys lists every key as "service/kid", Quay's own included, for
// test assertions.
func (s *Server) ServiceKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, k := range s.state.serviceKeys {
		out = append(out, k.service+"/"+k.kid)
	}
	sort.Strings(out)
	return out
}
