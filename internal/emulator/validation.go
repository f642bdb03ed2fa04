package emulator

import (
	"crypto/md5"
	"encoding/hex"
	"regexp"
	"strings"
)

// namespacePattern is Quay's rule for user, organization, team and robot names.
var namespacePattern = regexp.MustCompile(`^([a-z0-9]+(?:[._-][a-z0-9]+)*)$`)

const namespaceRegexText = `^([a-z0-9]+(?:[._-][a-z0-9]+)*)$`

// validateNamespace returns Quay's reason a name is invalid, or "".
func validateNamespace(name string) string {
	if !namespacePattern.MatchString(name) {
		return "Namespace must match expression " + namespaceRegexText
	}
	if len(name) < 2 || len(name) > 255 {
		return "Namespace must be between 2 and 255 characters in length"
	}
	return ""
}

// validEmail is Quay's e-mail check (util/validation.py): at most 254
// characters, one @, a non-empty local part, and a domain of at least two
// non-empty labels.
func validEmail(email string) bool {
	if len(email) == 0 || len(email) > 254 {
		return false
	}
	local, domain, found := strings.Cut(email, "@")
	if !found || local == "" || strings.Contains(domain, "@") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" {
			return false
		}
	}
	return true
}

// avatar is Quay's avatar object for a name of the given kind.
func avatar(name, kind string) map[string]any {
	sum := md5.Sum([]byte(name))
	h := hex.EncodeToString(sum[:])
	colors := []string{"#969696", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a", "#d62728", "#ff9896", "#9467bd", "#c5b0d5"}
	return map[string]any{"name": name, "hash": h, "color": colors[int(sum[0])%len(colors)], "kind": kind}
}
