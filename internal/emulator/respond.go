package emulator

import (
	"bytes"
	"encoding/json"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// request is what a route handler gets: the HTTP request, its path
// parameters and the authenticated caller.
type request struct {
	*http.Request
	w      http.ResponseWriter
	params map[string]string
	caller caller
	srv    *Server
}

func (r *request) param(name string) string { return r.params[name] }

// queryBool reads a boolean query parameter the way Quay's parser does.
func (r *request) queryBool(name string, def bool) bool {
	v := r.URL.Query().Get(name)
	switch strings.ToLower(v) {
	case "":
		return def
	case "true", "1", "yes", "on":
		return true
	default:
		return false
	}
}

// queryTruthy reads a query parameter that Quay parses with truthy_bool
// (util/parsing.py): only a few spellings of false are false, any other
// value is true; absent, it is def.
func (r *request) queryTruthy(name string, def bool) bool {
	q := r.URL.Query()
	if !q.Has(name) {
		return def
	}
	switch q.Get(name) {
	case "false", "False", "FALSE", "0", "", "null":
		return false
	}
	return true
}

// ok writes a JSON success body.
func (r *request) ok(status int, body any) { writeJSON(r.w, status, body) }

// noContent writes a 204 with no body.
func (r *request) noContent() { r.w.WriteHeader(http.StatusNoContent) }

// Problem-JSON errors (shape P in quay-api.md §2.2).

func (r *request) problem(status int, errType, detail string) {
	r.problemWith(status, errType, detail, nil)
}

// problemWith is a problem answer with extra keys, as Quay's exceptions
// merge their payload into the body (endpoints/exception.py).
func (r *request) problemWith(status int, errType, detail string, payload map[string]any) {
	base := r.srv.baseURLFor(r.Request)
	body := map[string]any{
		"detail":        detail,
		"error_message": detail,
		"error_type":    errType,
		"title":         errType,
		"type":          base + "/api/v1/error/" + errType,
		"status":        status,
	}
	for k, v := range payload {
		body[k] = v
	}
	writeJSON(r.w, status, body)
}

// invalidRequest is a 400 problem with a human message (explicit request_error).
func (r *request) invalidRequest(msg string) { r.problem(400, "invalid_request", msg) }

// unauthorized is the 401 Quay gives when no user is authenticated
// (endpoints/exception.py, Unauthorized).
func (r *request) unauthorized() { r.problem(401, "invalid_token", "Requires authentication") }

// forbidden is Quay's permission failure: 401 when anonymous, else 403.
func (r *request) forbidden() {
	if r.caller.user == nil {
		r.unauthorized()
		return
	}
	r.problem(403, "insufficient_scope", "Unauthorized")
}

// abortError is an answer from Quay's low-level abort (util/http.py): the
// JSON text {"error": msg} sent with Flask's default HTML content type.
func abortError(w http.ResponseWriter, status int, msg string) {
	data, _ := json.Marshal(map[string]string{"error": msg})
	writeHTML(w, status, string(data))
}

// csrfRequired says whether Quay's CSRF check stops the request: every API
// method but GET and HEAD, unless a valid OAuth token authenticated it
// (endpoints/csrf.py, csrf_protect, which endpoints/api/__init__.py puts in
// front of every API resource after process_oauth). Unknown tokens and
// tokens of disabled users leave the caller anonymous, so they count.
func csrfRequired(method string, c caller) bool {
	return c.user == nil && method != http.MethodGet && method != http.MethodHead
}

// csrfFailure is the 403 of a write with no valid token: the session has
// no CSRF token to match, before any permission or body check.
func csrfFailure(w http.ResponseWriter) {
	abortError(w, http.StatusForbidden, "CSRF token was invalid or missing.")
}

func (r *request) notFound() { r.problem(404, "not_found", "Not Found") }

// modelError is an uncaught data-model error: always 400 {"message"} (shape M).
func (r *request) modelError(msg string) {
	writeJSON(r.w, 400, map[string]string{"message": msg})
}

// decodeBody reads a JSON object body with Quay's checks: a wrong content
// type is 415, malformed JSON 400 (both shape M). It reports whether the
// handler may go on. into receives the raw keys so handlers can tell a key
// that is absent from one that is null.
func (r *request) decodeBody(into *map[string]json.RawMessage) bool {
	raw, ok := r.readJSONBody()
	if !ok {
		return false
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &m); err != nil {
		r.badJSON()
		return false
	}
	*into = m
	return true
}

// decodeValidBody is decodeBody for an endpoint that declares its body
// schema: the body is checked against it first, and a failure answered
// as validate_json_request does (endpoints/api/__init__.py): 400 with
// str(ValidationError) as the detail. A schema that does not demand an
// object lets other JSON through; into is then nil, and the handler fails
// where Quay's indexes the body (internalError).
func (r *request) decodeValidBody(sch *schema, into *map[string]json.RawMessage) bool {
	v, raw, ok := r.validJSON(sch)
	if !ok {
		return false
	}
	*into = nil
	if v.kind == "object" {
		m := map[string]json.RawMessage{}
		_ = json.Unmarshal(raw, &m)
		*into = m
	}
	return true
}

// validJSON is decodeValidBody's checks for a body of any JSON type: it
// returns the parsed body and its text once they passed.
func (r *request) validJSON(sch *schema) (*jsonValue, []byte, bool) {
	raw, ok := r.readJSONBody()
	if !ok {
		return nil, nil, false
	}
	v := parseJSONValue(raw)
	if v == nil {
		r.badJSON()
		return nil, nil, false
	}
	if v.kind == "null" {
		r.invalidRequest("Missing JSON body")
		return nil, nil, false
	}
	if msg := sch.validate(v); msg != "" {
		r.invalidRequest(msg)
		return nil, nil, false
	}
	return v, raw, true
}

// decodeOptionalBody reads the body of an endpoint whose schema Quay
// applies with validate_json_request(optional=True), behind
// max_json_size(maxSize). A JSON body over maxSize fails first: the guard
// raises InvalidRequest() without a message, which Quay answers 500. Then
// get_json(silent=True) treats a body that is not JSON, one sent without a
// JSON content type, and JSON null alike as no body (nil); anything else
// must pass sch.
func (r *request) decodeOptionalBody(sch *schema, maxSize int) (*jsonValue, bool) {
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(r.Body)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isJSON := mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
	if !isJSON {
		return nil, true
	}
	if buf.Len() > maxSize {
		r.internalError()
		return nil, false
	}
	v := parseJSONValue(buf.Bytes())
	if v == nil || v.kind == "null" {
		return nil, true
	}
	if msg := sch.validate(v); msg != "" {
		r.invalidRequest(msg)
		return nil, false
	}
	return v, true
}

// internalError is Flask's answer to an exception no handler catches.
func (r *request) internalError() {
	writeHTML(r.w, 500, "<html><body><h1>Internal Server Error</h1></body></html>")
}

// readJSONBody reads the body after Quay's content-type check.
func (r *request) readJSONBody() ([]byte, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		writeJSON(r.w, 415, map[string]string{"message": "Did not attempt to load JSON data because the request Content-Type was not 'application/json'."})
		return nil, false
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(r.Body)
	return buf.Bytes(), true
}

// badJSON is the framework's answer to a body that is not JSON.
func (r *request) badJSON() {
	writeJSON(r.w, 400, map[string]string{"message": "The browser (or proxy) sent a request that this server could not understand."})
}

// schemaError is a JSON-schema validation failure (400 P); Quay's detail is
// the validator's multi-line text, the first line naming the problem.
func (r *request) schemaError(firstLine string) {
	r.invalidRequest(firstLine + "\n\nFailed validating in schema")
}

func (s *Server) baseURLFor(r *http.Request) string {
	s.knobs.Lock()
	b := s.baseURL
	s.knobs.Unlock()
	if b != "" {
		return b
	}
	return "http://" + r.Host
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		writeHTML(w, 500, "Internal Server Error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}

func writeHTML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func itoa(n int) string { return strconv.Itoa(n) }

// Field readers for decoded bodies. Each reports whether the key was present
// and whether the value had the right JSON type.

func getString(m map[string]json.RawMessage, key string) (val string, present, ok bool) {
	raw, present := m[key]
	if !present {
		return "", false, true
	}
	if err := json.Unmarshal(raw, &val); err != nil {
		return "", true, false
	}
	return val, true, true
}

// getNullableString reads a string-or-null field; isNull is true for JSON null.
func getNullableString(m map[string]json.RawMessage, key string) (val string, isNull, present, ok bool) {
	raw, present := m[key]
	if !present {
		return "", false, false, true
	}
	if string(bytes.TrimSpace(raw)) == "null" {
		return "", true, true, true
	}
	if err := json.Unmarshal(raw, &val); err != nil {
		return "", false, true, false
	}
	return val, false, true, true
}

func getBool(m map[string]json.RawMessage, key string) (val bool, present, ok bool) {
	raw, present := m[key]
	if !present {
		return false, false, true
	}
	if err := json.Unmarshal(raw, &val); err != nil {
		return false, true, false
	}
	return val, true, true
}

// getInt reads an integer field; JSON numbers with a fraction are refused,
// as Quay's schema type "integer" does (Draft 7: 5.0 is an integer).
func getInt(m map[string]json.RawMessage, key string) (val int64, present, ok bool) {
	raw, present := m[key]
	if !present {
		return 0, false, true
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return 0, true, false
	}
	v, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt64 {
			return 0, true, false
		}
		v = int64(f)
	}
	return v, true, true
}
