package quay

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// TestNameReservedAndTaken: both answer shapes of a reserved name (problem
// JSON from the organization create, {"message"} from the user create) are
// recognized, and told apart from a name a live namespace holds.
func TestNameReservedAndTaken(t *testing.T) {
	cfg := emulator.DefaultConfig()
	cfg.NamespaceGCDelay = -1
	s := emulator.New(cfg)
	s.AddUser("admin", "admin@example.com", true)
	hs := httptest.NewServer(s)
	defer hs.Close()
	c := newTestClient(t, hs.URL, WithToken(s.IssueToken("admin")))
	ctx := context.Background()

	if err := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	orgTaken := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"})
	_, userTaken := c.CreateUser(ctx, CreateUserRequest{Username: "acme"})
	if err := c.DeleteOrganization(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	orgReserved := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"})
	_, userReserved := c.CreateUser(ctx, CreateUserRequest{Username: "acme"})

	for _, tc := range []struct {
		what            string
		err             error
		reserved, taken bool
	}{
		{"org create, name taken", orgTaken, false, true},
		{"user create, name taken", userTaken, false, true},
		{"org create, name reserved", orgReserved, true, false},
		{"user create, name reserved", userReserved, true, false},
		{"no error", nil, false, false},
	} {
		if IsNameReserved(tc.err) != tc.reserved || IsNameTaken(tc.err) != tc.taken {
			t.Errorf("%s: IsNameReserved = %v, IsNameTaken = %v for %v", tc.what, IsNameReserved(tc.err), IsNameTaken(tc.err), tc.err)
		}
	}
}
