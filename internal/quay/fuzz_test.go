package quay

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeErrorMessage feeds arbitrary bodies to the error decoder: it
// must never panic, and must return a single trimmed line.
func FuzzDecodeErrorMessage(f *testing.F) {
	for _, seed := range []string{
		`{"detail":"x","error_message":"y","error_type":"invalid_request","title":"invalid_request","type":"http://h/api/v1/error/invalid_request","status":400}`,
		`{"detail":"'role' is a required property\n\nFailed validating"}`,
		`{"message": ""}`, `{"message": null}`, `{"error": "Anonymous access is not allowed"}`,
		`<html><body><h1>404</h1></body></html>`, `"Created"`, `[]`, `null`, ``, `{"detail": 5}`, "<<<>>>", "\xff\xfe",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msg, _ := decodeErrorMessage(body)
		if strings.Contains(msg, "\n") {
			t.Fatalf("message has several lines: %q", msg)
		}
		if msg != strings.TrimSpace(msg) {
			t.Fatalf("message not trimmed: %q", msg)
		}
		if utf8.ValidString(string(body)) && utf8.RuneCountInString(msg) > 310 {
			t.Fatalf("message too long: %d runes", utf8.RuneCountInString(msg))
		}
	})
}

// FuzzParseQuayDuration checks the TAG_EXPIRATION_OPTIONS parser: no
// panics, and every accepted value is non-negative and re-parses the same.
func FuzzParseQuayDuration(f *testing.F) {
	for _, seed := range []string{"0s", "1d", "2w", "4w", "3h", "10m", "1y", "", "s", "-1d", "1x", "99999999999999999999w", " 2w "} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := parseQuayDuration(s)
		if !ok {
			return
		}
		if n < 0 {
			t.Fatalf("parseQuayDuration(%q) = %d", s, n)
		}
	})
}
