package quay

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// Quay says "no such grant" with a 400, which the client reports as
// NotFound for reads and deletes; other refusals keep Quay's words.
func TestPermissionsAgainstEmulator(t *testing.T) {
	s := emulator.New(emulator.DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	s.AddUser("bob", "bob@example.com", false)
	hs := httptest.NewServer(s)
	defer hs.Close()
	c := newTestClient(t, hs.URL, WithToken(s.IssueToken("admin")))
	ctx := context.Background()
	if err := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpsertTeam(ctx, "acme", "devs", TeamRequest{Role: "member"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRepository(ctx, CreateRepositoryRequest{Namespace: "acme", Repository: "app", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}

	if _, err := c.GetRepositoryUserPermission(ctx, "acme", "app", "bob"); !IsNotFound(err) {
		t.Fatalf("no grant yet: %v", err)
	}
	if p, err := c.SetRepositoryUserPermission(ctx, "acme", "app", "bob", "write"); err != nil || p.Role != "write" || p.Name != "bob" {
		t.Fatalf("grant: %+v %v", p, err)
	}
	if p, err := c.SetRepositoryTeamPermission(ctx, "acme", "app", "devs", "read"); err != nil || p.Role != "read" || p.Name != "devs" {
		t.Fatalf("team grant: %+v %v", p, err)
	}
	if p, err := c.GetRepositoryTeamPermission(ctx, "acme", "app", "devs"); err != nil || p.Role != "read" || p.Name != "devs" {
		t.Fatalf("team read: %+v %v", p, err)
	}
	users, err := c.ListRepositoryUserPermissions(ctx, "acme", "app")
	if err != nil || len(users) != 2 || users["bob"].Role != "write" || users["admin"].Role != "admin" || users["bob"].Name != "bob" {
		t.Fatalf("users: %+v %v", users, err)
	}
	if _, err := c.SetRepositoryUserPermission(ctx, "acme", "app", "nobody", "read"); IsNotFound(err) || ErrorMessage(err) != "Invalid username: nobody" {
		t.Fatalf("unknown user: %v", err)
	}
	if err := c.DeleteRepositoryTeamPermission(ctx, "acme", "app", "devs"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRepositoryTeamPermission(ctx, "acme", "app", "devs"); !IsNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := c.GetRepositoryTeamPermission(ctx, "acme", "app", "devs"); !IsNotFound(err) {
		t.Fatalf("team read after delete: %v", err)
	}

	p, err := c.CreatePrototype(ctx, "acme", CreatePrototypeRequest{Role: "read", Delegate: PrototypeDelegate{Kind: "team", Name: "devs"}, ActivatingUser: &PrototypeUserName{Name: "bob"}})
	if err != nil || p.ID == "" || p.Delegate.Kind != "team" || p.ActivatingUser == nil || p.ActivatingUser.Name != "bob" {
		t.Fatalf("prototype: %+v %v", p, err)
	}
	if u, err := c.UpdatePrototype(ctx, "acme", p.ID, "admin"); err != nil || u.Role != "admin" || u.ID != p.ID {
		t.Fatalf("update: %+v %v", u, err)
	}
	if list, err := c.ListPrototypes(ctx, "acme"); err != nil || len(list) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := c.DeletePrototype(ctx, "acme", p.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePrototype(ctx, "acme", p.ID); !IsNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := c.ListPrototypes(ctx, "gone"); !IsNotFound(err) {
		t.Fatalf("missing org: %v", err)
	}
}
