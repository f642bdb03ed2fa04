package emulator

import (
	"strings"
	"testing"
)

// TestPyRepr pins how values appear in Quay's schema messages: Python's
// repr() of what json.loads makes of the body (endpoints/api/__init__.py
// sends str(ValidationError); the expectations were printed by CPython 3).
func TestPyRepr(t *testing.T) {
	cases := map[string]string{
		`"boss"`:                         `'boss'`,
		`5`:                              `5`,
		`true`:                           `True`,
		`null`:                           `None`,
		`1.5`:                            `1.5`,
		`1e16`:                           `1e+16`,
		`1e15`:                           `1000000000000000.0`,
		`1e-5`:                           `1e-05`,
		`0.0001`:                         `0.0001`,
		`-0`:                             `0`,
		`-0.0`:                           `-0.0`,
		`100.0`:                          `100.0`,
		`2.5e-7`:                         `2.5e-07`,
		`1E400`:                          `inf`,
		`123456789012345678901234567890`: `123456789012345678901234567890`,
		`[1, "a'b"]`:                     `[1, "a'b"]`,
		`{"b": 1, "a": [false]}`:         `{'b': 1, 'a': [False]}`,
		`"it's"`:                         `"it's"`,
		`"say \"hi\" it's"`:              `'say "hi" it\'s'`,
		`"tab\there\u0001\u00e9\u00a0\u200b\ud83d\ude00"`: `'tab\there\x01é\xa0\u200b😀'`,
	}
	for in, want := range cases {
		if got := pyRepr([]byte(in)); got != want {
			t.Errorf("pyRepr(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestSchemaBestMatch pins which error jsonschema 3.2 (Quay's
// requirements.txt) reports when several fail: the shallowest overall,
// the first among equals, and inside a failed oneOf the deepest of all
// branches' errors (jsonschema/exceptions.py best_match in 3.2).
func TestSchemaBestMatch(t *testing.T) {
	cases := []struct {
		sch  *schema
		body string
		want string
	}{
		{teamSchema, `{"role": 5, "description": 5}`, "5 is not of type 'string'"},
		{teamSchema, `{"description": true}`, "'role' is a required property"},
		{teamSchema, `{"role": "boss", "description": true}`, "'boss' is not one of ['member', 'creator', 'admin']"},
		{teamSchema, `[]`, "[] is not of type 'object'"},
		{newQuotaSchema, `{}`, "'limit_bytes' is a required property"},
		{newQuotaSchema, `{"limit": 5}`, "5 is not of type 'string'"},
		{newQuotaSchema, `{"limit_bytes": "5"}`, "'5' is not of type 'integer'"},
		{newQuotaSchema, `{"limit_bytes": 5, "limit": "x"}`, ""}, // one branch fits; the endpoint then refuses "x"
		{newQuotaSchema, `{"limit_bytes": 5.0}`, ""},             // Draft 7 integers include integral floats
		{updateQuotaSchema, `{}`, ""},
		{updateQuotaSchema, `{"limit_bytes": 5, "limit": "1 GiB"}`, "{} is not allowed for 5"},
		{updateQuotaSchema, `{"limit": "abc"}`, "'abc' does not match " + quotaPatternRepr},
	}
	for _, c := range cases {
		got, _, _ := strings.Cut(c.sch.validate(parseJSONValue([]byte(c.body))), "\n\n")
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.body, got, c.want)
		}
	}
}

// TestSchemaErrorText pins the whole detail Quay sends for a schema
// failure: str(ValidationError) of jsonschema 3.2 (exceptions.py,
// _Error.__unicode__), with the keyword, the subschema and the instance
// printed by pprint.pformat(width=72), sorted keys and long strings split
// at spaces. The expectations were printed by jsonschema 3.2.0 itself
// under CPython 3.
func TestSchemaErrorText(t *testing.T) {
	cases := []struct {
		sch  *schema
		body string
		want string
	}{
		{updateOrgSchema, `{"tag_expiration_s": -1}`, "-1 is less than the minimum of 0\n\nFailed validating 'minimum' in schema['properties']['tag_expiration_s']:\n" +
			"    {'description': 'The number of seconds for tag expiration',\n     'minimum': 0,\n     'type': 'integer'}\n\nOn instance['tag_expiration_s']:\n    -1"},
		// anyOf: best_match descends to the first branch's error, whose
		// paths are relative to the branch.
		{createServiceKeySchema, `{"service": "ok", "expiration": "soon"}`, "'soon' is not of type 'number'\n\nFailed validating 'type' in schema[0]:\n" +
			"    {'type': 'number'}\n\nOn instance:\n    'soon'"},
		{newAppSchema, `{"name": "x", "avatar_email": null}`, "None is not of type 'string'\n\nFailed validating 'type' in schema['properties']['avatar_email']:\n" +
			"    {'description': 'The e-mail address of the avatar to use for the '\n                    'application',\n     'type': 'string'}\n\n" +
			"On instance['avatar_email']:\n    None"},
		{createUserSchema, `[]`, ""}, // CreateInstallUser has no "type": "object"
	}
	for _, c := range cases {
		if got := c.sch.validate(parseJSONValue([]byte(c.body))); got != c.want {
			t.Errorf("%s:\ngot  %q\nwant %q", c.body, got, c.want)
		}
	}
}
