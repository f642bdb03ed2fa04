package emulator

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestServiceKeyCreateAndRead(t *testing.T) {
	e := newQSEnv(t)
	exp := time.Now().Add(time.Hour).Unix()
	var created map[string]string
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/superuser/keys",
		fmt.Sprintf(`{"service":"build_bot","name":"ci: signer/1","expiration":%d,"metadata":{"team":"x","creator":"spoof"},"notes":"hello"}`, exp)), 200).json(t, &created)

	// The private key is PKCS#1 PEM and matches the SubjectPublicKeyInfo public key.
	block, _ := pem.Decode([]byte(created["private_key"]))
	if block == nil || block.Type != "RSA PRIVATE KEY" {
		t.Fatalf("private key: %q", created["private_key"])
	}
	priv, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil || priv.N.BitLen() != 2048 {
		t.Fatalf("private key: %v", err)
	}
	pubBlock, _ := pem.Decode([]byte(created["public_key"]))
	pub, err := x509.ParsePKIXPublicKey(pubBlock.Bytes)
	if err != nil || !pub.(*rsa.PublicKey).Equal(&priv.PublicKey) {
		t.Fatalf("public key does not match: %v", err)
	}
	// kid is the RFC 7638 thumbprint.
	n := base64.RawURLEncoding.EncodeToString(priv.N.Bytes())
	sum := sha256.Sum256([]byte(`{"e":"AQAB","kty":"RSA","n":"` + n + `"}`))
	if want := base64.RawURLEncoding.EncodeToString(sum[:]); created["kid"] != want || len(want) != 43 {
		t.Fatalf("kid %q, want %q", created["kid"], want)
	}

	var view map[string]any
	e.mustStatus(e.call(e.url, e.full, "GET", "/api/v1/superuser/keys/"+created["kid"], ""), 200).json(t, &view)
	md := view["metadata"].(map[string]any)
	if md["team"] != "x" || md["created_by"] != "Quay Superuser Panel" || md["creator"] != "admin" || md["ip"] == nil {
		t.Fatalf("metadata %v", md)
	}
	if _, err := time.Parse(time.RFC1123, view["expiration_date"].(string)); err != nil || !strings.HasSuffix(view["expiration_date"].(string), "GMT") {
		t.Fatalf("expiration_date %v", view["expiration_date"])
	}
	approval := view["approval"].(map[string]any)
	if approval["approval_type"] != "ServiceKeyApprovalType.SUPERUSER" || approval["notes"] != "hello" ||
		approval["approver"].(map[string]any)["username"] != "admin" {
		t.Fatalf("approval %v", approval)
	}
	jwk := view["jwk"].(map[string]any)
	if jwk["kid"] != created["kid"] || jwk["n"] != n || jwk["e"] != "AQAB" || view["rotation_duration"] != nil {
		t.Fatalf("jwk %v", view)
	}

	// Each key is distinct.
	var second map[string]string
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/superuser/keys", `{"service":"build_bot","expiration":null}`), 200).json(t, &second)
	if second["kid"] == created["kid"] || second["private_key"] == created["private_key"] {
		t.Fatal("two creates returned the same key")
	}

	// The list has both, plus Quay's own instance key.
	var list struct {
		Keys []map[string]any `json:"keys"`
	}
	e.mustStatus(e.call(e.url, e.full, "GET", "/api/v1/superuser/keys", ""), 200).json(t, &list)
	services := map[string]int{}
	for _, k := range list.Keys {
		services[k["service"].(string)]++
	}
	if services["build_bot"] != 2 || services["quay"] != 1 {
		t.Fatalf("list services %v", services)
	}
}

func TestServiceKeyCreateErrors(t *testing.T) {
	e := newQSEnv(t)
	const p = "/api/v1/superuser/keys"
	e.expectError(e.call(e.url, e.full, "POST", p, `{"service":"x"}`), 400, "P", "'expiration' is a required property")
	e.expectError(e.call(e.url, e.full, "POST", p, `{"expiration":null}`), 400, "P", "'service' is a required property")
	e.expectError(e.call(e.url, e.full, "POST", p, `{"service":"Bad-Name","expiration":null}`), 400, "M", "")
	e.expectError(e.call(e.url, e.full, "POST", p, `{"service":"ok","name":"semi;colon","expiration":null}`), 400, "P", "Invalid service key friendly name: semi;colon")
	e.expectError(e.call(e.url, e.full, "POST", p, `{"service":"ok","expiration":1000}`), 400, "P", "Expiration date cannot be in the past")
	e.expectError(e.call(e.url, e.owner, "POST", p, `{"service":"ok","expiration":null}`), 403, "P", "Unauthorized")
	e.expectError(e.call(e.url, e.owner, "GET", p, ""), 403, "P", "Unauthorized")
	e.expectError(e.call(e.url, "", "GET", p, ""), 401, "P", "Requires authentication")
	// Service keys need only SU, not full access.
	e.mustStatus(e.call(e.limURL, e.su, "POST", p, `{"service":"ok","expiration":null}`), 200)
}

func TestServiceKeyUpdateMergesMetadata(t *testing.T) {
	e := newQSEnv(t)
	var created map[string]string
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/superuser/keys", `{"service":"svc","name":"a","expiration":null,"metadata":{"one":"1","two":"2"}}`), 200).json(t, &created)
	p := "/api/v1/superuser/keys/" + created["kid"]

	var view map[string]any
	e.mustStatus(e.call(e.url, e.full, "PUT", p, `{"metadata":{"two":"II","three":"3"}}`), 200).json(t, &view)
	md := view["metadata"].(map[string]any)
	if md["one"] != "1" || md["two"] != "II" || md["three"] != "3" || md["created_by"] == nil || view["name"] != "a" {
		t.Fatalf("after merge: %v", view)
	}
	exp := time.Now().Add(2 * time.Hour).Unix()
	e.mustStatus(e.call(e.url, e.full, "PUT", p, fmt.Sprintf(`{"expiration":%d,"name":"b"}`, exp)), 200).json(t, &view)
	if view["expiration_date"] == nil || view["name"] != "b" {
		t.Fatalf("after expiration: %v", view)
	}
	e.mustStatus(e.call(e.url, e.full, "PUT", p, `{"expiration":null}`), 200).json(t, &view)
	if view["expiration_date"] != nil {
		t.Fatalf("expiration not cleared: %v", view)
	}
	e.expectError(e.call(e.url, e.full, "PUT", p, `{"expiration":5}`), 400, "P", "Cannot have an expiration date in the past")
	e.expectError(e.call(e.url, e.full, "PUT", p, `{"name":"bad!"}`), 400, "P", "Invalid service key friendly name: bad!")
	e.expectError(e.call(e.url, e.full, "PUT", "/api/v1/superuser/keys/nope", `{}`), 404, "P", "Not Found")

	e.mustStatus(e.call(e.url, e.full, "DELETE", p, ""), 204)
	e.expectError(e.call(e.url, e.full, "DELETE", p, ""), 404, "P", "Not Found")
	e.expectError(e.call(e.url, e.full, "GET", p, ""), 404, "P", "Not Found")
}

func TestServiceKeyExpiredKeysVanishAfterSevenDays(t *testing.T) {
	e := newQSEnv(t)
	var created map[string]string
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/superuser/keys", `{"service":"svc","expiration":null}`), 200).json(t, &created)
	p := "/api/v1/superuser/keys/" + created["kid"]
	if !e.srv.SetServiceKeyExpiration(created["kid"], time.Now().Add(-6*24*time.Hour)) {
		t.Fatal("hook did not find the key")
	}
	e.mustStatus(e.call(e.url, e.full, "GET", p, ""), 200)
	e.srv.SetServiceKeyExpiration(created["kid"], time.Now().Add(-8*24*time.Hour))
	e.expectError(e.call(e.url, e.full, "GET", p, ""), 404, "P", "Not Found")
	var list struct {
		Keys []map[string]any `json:"keys"`
	}
	e.mustStatus(e.call(e.url, e.full, "GET", "/api/v1/superuser/keys", ""), 200).json(t, &list)
	for _, k := range list.Keys {
		if k["kid"] == created["kid"] {
			t.Fatal("expired key still listed")
		}
	}
}

func TestServiceKeyApprove(t *testing.T) {
	e := newQSEnv(t)
	kid := e.srv.AddUnapprovedServiceKey("other", "submitted")
	p := "/api/v1/superuser/keys/" + kid
	var view map[string]any
	e.mustStatus(e.call(e.url, e.full, "GET", p, ""), 200).json(t, &view)
	if view["approval"] != nil {
		t.Fatalf("unapproved key has approval %v", view["approval"])
	}
	r := e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/superuser/approvedkeys/"+kid, `{"notes":"ok"}`), 201)
	if r.body != "" {
		t.Fatalf("approve body %q", r.body)
	}
	e.mustStatus(e.call(e.url, e.full, "POST", "/api/v1/superuser/approvedkeys/"+kid, `{}`), 201)
	e.mustStatus(e.call(e.url, e.full, "GET", p, ""), 200).json(t, &view)
	if a := view["approval"].(map[string]any); a["notes"] != "ok" || a["approval_type"] != "ServiceKeyApprovalType.SUPERUSER" {
		t.Fatalf("approval %v", a)
	}
	if r := e.call(e.url, e.full, "POST", "/api/v1/superuser/approvedkeys/"+kid, ""); r.status != 415 {
		t.Fatalf("approve without a JSON body: %d", r.status)
	}
	e.expectError(e.call(e.url, e.full, "POST", "/api/v1/superuser/approvedkeys/nope", `{}`), 404, "P", "Not Found")
}

// TestServiceKeyBodySchema pins the service key schemas
// (endpoints/api/superuser.py): expiration is anyOf number/null, so
// best_match reports the first branch's type error, not a list of types;
// a body that is not an object is refused by every key endpoint's schema.
func TestServiceKeyBodySchema(t *testing.T) {
	e := newQSEnv(t)
	const p = "/api/v1/superuser/keys"
	e.expectError(e.call(e.url, e.full, "POST", p, `{"service":"ok","expiration":"soon"}`), 400, "P",
		"'soon' is not of type 'number'") // the whole text: TestSchemaErrorText
	e.expectError(e.call(e.url, e.full, "PUT", p+"/nosuch", `[]`), 400, "P", "[] is not of type 'object'")
	e.expectError(e.call(e.url, e.full, "POST", "/api/v1/superuser/approvedkeys/nosuch", `"x"`), 400, "P", "'x' is not of type 'object'")
}
