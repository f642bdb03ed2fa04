package emulator

import (
	"encoding/json"
	"testing"
)

// TestSuperuserUserBodySchema pins the superuser user endpoints'
// validate_json_request (endpoints/api/superuser.py): the schema is checked
// before the superuser check; CreateInstallUser lacks "type": "object", so
// a list passes it and SuperUserList.post then fails indexing it (500),
// but only for a superuser: others get 403 first.
func TestSuperuserUserBodySchema(t *testing.T) {
	e := newOrgTestEnv(t, nil)
	const list = "/api/v1/superuser/users/"
	if a := e.call(t, "POST", list, e.admin, json.RawMessage(`[]`)); a.status != 500 {
		t.Fatalf("list body, superuser: %d %s", a.status, a.raw)
	}
	expectProblem(t, e.call(t, "POST", list, e.alice, json.RawMessage(`[]`)), 403, "insufficient_scope", "Unauthorized")
	expectProblem(t, e.call(t, "POST", list, e.alice, map[string]any{}), 400, "invalid_request",
		"'username' is a required property\n\nFailed validating 'required' in schema:\n    {'description': 'Data for creating a user',\n     'id': 'CreateInstallUser',")
	expectProblem(t, e.call(t, "PUT", list+"bob", e.alice, json.RawMessage(`[]`)), 400, "invalid_request", "[] is not of type 'object'")
	expectProblem(t, e.call(t, "PUT", list+"bob", e.admin, map[string]any{"enabled": "yes", "password": 5}), 400, "invalid_request",
		"5 is not of type 'string'\n\nFailed validating 'type' in schema['properties']['password']:")
}
