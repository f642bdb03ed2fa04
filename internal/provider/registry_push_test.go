package provider

import (
	"os"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/registryclient"
)

// pushTestImage pushes a small image (a config blob, one layer, an OCI
// manifest) to namespace/repo:tag over the registry API, as a container
// tool would, with the tests' token as the password of "$oauthtoken".
// Quay creates the repository if it is missing and the token's user may
// create repositories in the namespace.
func pushTestImage(t *testing.T, namespace, repo, tag string) {
	t.Helper()
	pushTestImageAs(t, "$oauthtoken", os.Getenv("QUAY_TOKEN"), namespace, repo, tag)
}

// pushTestImageAs is pushTestImage with other credentials: a username and
// its password, or "$oauthtoken" and an OAuth token.
func pushTestImageAs(t *testing.T, username, password, namespace, repo, tag string) {
	t.Helper()
	if err := pushImage(os.Getenv("QUAY_URL"), username, password, namespace+"/"+repo, tag); err != nil {
		t.Fatalf("pushing %s/%s:%s: %v", namespace, repo, tag, err)
	}
}

// pushImage pushes with any credentials; see registryclient.Push.
func pushImage(quayURL, username, password, repo, tag string) error {
	return registryclient.Push(quayURL, username, password, repo, tag)
}
