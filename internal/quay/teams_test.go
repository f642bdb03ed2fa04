package quay

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

func TestTeamsAndUsersAgainstEmulator(t *testing.T) {
	s := emulator.New(emulator.DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	hs := httptest.NewServer(s)
	defer hs.Close()
	c := newTestClient(t, hs.URL, WithToken(s.IssueToken("admin")))
	ctx := context.Background()

	created, err := c.CreateUser(ctx, CreateUserRequest{Username: "bob", Email: "bob@example.com"})
	if err != nil || len(created.Password) != 32 {
		t.Fatalf("CreateUser: %+v %v", created, err)
	}
	disabled := false
	if err := c.UpdateUser(ctx, "bob", UpdateUserRequest{Enabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if u, err := c.GetUser(ctx, "bob"); err != nil || u.Enabled || u.Email != "bob@example.com" {
		t.Fatalf("GetUser: %+v %v", u, err)
	}
	if users, err := c.ListUsers(ctx, false); err != nil || len(users) != 1 || users[0].Username != "admin" {
		t.Fatalf("ListUsers(enabled only): %+v %v", users, err)
	}
	if _, err := c.GetUser(ctx, "ghost"); !IsNotFound(err) {
		t.Fatalf("GetUser(ghost): %v", err)
	}
	enabled := true
	_ = c.UpdateUser(ctx, "bob", UpdateUserRequest{Enabled: &enabled})

	if err := c.CreateOrganization(ctx, CreateOrganizationRequest{Name: "acme"}); err != nil {
		t.Fatal(err)
	}
	desc := "Developers"
	res, err := c.UpsertTeam(ctx, "acme", "devs", TeamRequest{Role: "member", Description: &desc})
	if err != nil || !res.NewTeam {
		t.Fatalf("UpsertTeam: %+v %v", res, err)
	}
	if m, err := c.AddTeamMember(ctx, "acme", "devs", "bob"); err != nil || m.Invited {
		t.Fatalf("AddTeamMember: %+v %v", m, err)
	}
	if _, err := c.AddTeamMember(ctx, "acme", "devs", "bob"); !IsAlreadyTeamMember(err) {
		t.Fatalf("second AddTeamMember: %v", err)
	}
	if m, err := c.GetOrgMember(ctx, "acme", "bob"); err != nil || len(m.TeamNames()) != 1 {
		t.Fatalf("GetOrgMember: %+v %v", m, err)
	}
	if list, err := c.ListTeamMembers(ctx, "acme", "devs", true); err != nil || len(list.Members) != 1 {
		t.Fatalf("ListTeamMembers: %+v %v", list, err)
	}
	if err := c.RemoveTeamMember(ctx, "acme", "devs", "bob"); err != nil {
		t.Fatal(err)
	}
	// Quay's 400 "does not belong to team" is a not-found.
	if err := c.RemoveTeamMember(ctx, "acme", "devs", "bob"); !IsNotFound(err) || !IsStatus(err, 400) {
		t.Fatalf("RemoveTeamMember twice: %v", err)
	}
	if _, err := c.GetOrgMember(ctx, "acme", "bob"); !IsNotFound(err) {
		t.Fatalf("GetOrgMember after removal: %v", err)
	}
	if err := c.DeleteTeam(ctx, "acme", "devs"); err != nil {
		t.Fatal(err)
	}
	// Quay's 400 "is not a team in org" is a not-found.
	if err := c.DeleteTeam(ctx, "acme", "devs"); !IsNotFound(err) || !IsStatus(err, 400) {
		t.Fatalf("DeleteTeam twice: %v", err)
	}
	if members, err := c.ListOrgMembers(ctx, "acme"); err != nil || len(members) != 1 || members[0].Name != "admin" {
		t.Fatalf("ListOrgMembers: %+v %v", members, err)
	}
	if err := c.DeleteUser(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
}

// TestListUsersPages: the user list is read 100 at a time, to the end.
func TestListUsersPages(t *testing.T) {
	s := emulator.New(emulator.DefaultConfig())
	s.AddUser("admin", "admin@example.com", true)
	for i := range 150 {
		s.AddUser(fmt.Sprintf("user%03d", i), "", false)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	c := newTestClient(t, hs.URL, WithToken(s.IssueToken("admin")))
	s.ResetCounts()
	users, err := c.ListUsers(context.Background(), true)
	if err != nil || len(users) != 151 {
		t.Fatalf("ListUsers: %d users, %v", len(users), err)
	}
	for i := 1; i < len(users); i++ {
		if users[i-1].Username >= users[i].Username {
			t.Fatalf("not sorted by name, or a user twice: %q then %q", users[i-1].Username, users[i].Username)
		}
	}
	if n := s.Counts()["GET /api/v1/superuser/users/"]; n != 2 {
		t.Fatalf("%d requests, want 2 pages", n)
	}
}
