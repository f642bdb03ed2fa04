package inventory

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

type testEnv struct {
	emu   *emulator.Server
	admin *quay.Client // a superuser's
	url   string
}

func newTestEnv(t testing.TB) *testEnv {
	t.Helper()
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testEnv{emu: emu, url: srv.URL, admin: client(t, srv.URL, emu.IssueToken("admin"))}
}

func client(t testing.TB, url, token string) *quay.Client {
	t.Helper()
	c, err := quay.New(url, quay.WithToken(token), quay.WithRetryPolicy(quay.RetryPolicy{}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// org makes an organization with a team, a repository (granted to the
// team) and a robot, as the admin.
func (e *testEnv) org(t testing.TB, name string) {
	t.Helper()
	ctx := context.Background()
	must(t, "org", e.admin.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: name}))
	_, err := e.admin.UpsertTeam(ctx, name, "devs", quay.TeamRequest{Role: "member"})
	must(t, "team", err)
	_, err = e.admin.CreateRepository(ctx, quay.CreateRepositoryRequest{Namespace: name, Repository: "app", Visibility: "private"})
	must(t, "repository", err)
	_, err = e.admin.SetRepositoryTeamPermission(ctx, name, "app", "devs", "write")
	must(t, "grant", err)
	_, err = e.admin.CreateRobot(ctx, quay.RobotOwner{Namespace: name}, "ci", quay.CreateRobotRequest{})
	must(t, "robot", err)
}

func ids(objs []Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		d := ""
		if o.Default {
			d = " (default)"
		}
		out[i] = o.Type + " " + o.ImportID + d
	}
	return out
}

// TestWalkOrganization: an organization's objects, in order, with what
// Quay made marked as default; the token user's own namespace follows.
func TestWalkOrganization(t *testing.T) {
	e := newTestEnv(t)
	e.org(t, "acme")
	objs, err := Collect(context.Background(), e.admin, Options{})
	must(t, "walk", err)
	want := []string{
		"quay_user admin (default)",
		"quay_service_key " + objs[1].ImportID + " (default)", // Quay's own (service "quay")
		"quay_organization acme",
		"quay_team acme/devs",
		"quay_team acme/owners (default)",
		"quay_org_member acme/admin (default)",
		"quay_robot acme/ci",
		"quay_repository acme/app",
		"quay_repository_permission acme/app/user/admin (default)",
		"quay_repository_permission acme/app/team/devs",
	}
	if got := ids(objs); !slices.Equal(got, want) {
		t.Fatalf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	team := objs[3]
	if team.Identity["organization"] != "acme" || team.Identity["name"] != "devs" || !slices.Equal(team.Name, []string{"acme", "devs"}) {
		t.Errorf("team object: %+v", team)
	}
}

// TestWalkLimitedToOrganizations: -org leaves out other organizations and
// everything instance-wide; an organization that does not exist is an error.
func TestWalkLimitedToOrganizations(t *testing.T) {
	e := newTestEnv(t)
	e.org(t, "acme")
	e.org(t, "other")
	e.emu.AddUser("alice", "alice@example.com", false)
	objs, err := Collect(context.Background(), e.admin, Options{Organizations: []string{"other"}})
	must(t, "walk", err)
	for _, o := range objs {
		if !strings.HasPrefix(o.ImportID, "other") {
			t.Errorf("walk of other yielded %s %s", o.Type, o.ImportID)
		}
	}
	if len(objs) != 8 {
		t.Errorf("%d objects:\n%s", len(objs), strings.Join(ids(objs), "\n"))
	}
	if _, err := Collect(context.Background(), e.admin, Options{Organizations: []string{"ghost"}}); err == nil || !strings.Contains(err.Error(), `organization "ghost" not found`) {
		t.Fatalf("walk of a missing organization: %v", err)
	}
}

// TestWalkReadsOnlyAndPages: 250 repositories come in three pages of the
// list; the walk sends GETs only, the pages and per repository its two
// grant lists; the order does not depend on parallelism.
func TestWalkReadsOnlyAndPages(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	must(t, "org", e.admin.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: "big"}))
	for i := range 250 {
		_, err := e.admin.CreateRepository(ctx, quay.CreateRepositoryRequest{Namespace: "big", Repository: fmt.Sprintf("r%03d", i), Visibility: "private"})
		must(t, "repository", err)
	}
	e.emu.ResetCounts()
	objs, err := Collect(ctx, e.admin, Options{Parallelism: 1})
	must(t, "walk", err)
	counts := e.emu.Counts()
	for route := range counts {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("the walk wrote: %s", route)
		}
	}
	repos := 0
	for _, o := range objs {
		if o.Type == TypeRepository {
			repos++
		}
	}
	// Pages: 3 for big, 1 for the admin's own namespace.
	if repos != 250 || counts["GET /api/v1/repository"] != 4 || counts["GET /api/v1/repository/{repository}/permissions/user/"] != 250 {
		t.Fatalf("%d repositories; requests:\n%s", repos, e.emu.CountsSummary())
	}
	again, err := Collect(ctx, e.admin, Options{Parallelism: 8})
	must(t, "walk", err)
	if !slices.Equal(ids(objs), ids(again)) {
		t.Fatal("the order changed with parallelism")
	}
}

// TestWalkWithoutSuperuser: a token of an organization admin walks its
// organizations and own namespace, nothing instance-wide; an organization
// it only belongs to is skipped with a warning, or is an error without Warn.
func TestWalkWithoutSuperuser(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	e.emu.AddUser("alice", "alice@example.com", false)
	e.emu.AddUser("bob", "bob@example.com", false)
	alice := client(t, e.url, e.emu.IssueToken("alice"))
	must(t, "org", alice.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: "mine"}))
	e.org(t, "theirs")
	_, err := e.admin.AddTeamMember(ctx, "theirs", "devs", "alice")
	must(t, "membership", err)

	var warnings []string
	objs, err := Collect(ctx, alice, Options{Warn: func(m string) { warnings = append(warnings, m) }})
	must(t, "walk", err)
	want := []string{"quay_organization mine", "quay_team mine/owners (default)", "quay_org_member mine/alice (default)"}
	if got := ids(objs); !slices.Equal(got, want) {
		t.Errorf("objects: %v", got)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], "not a superuser") || !strings.Contains(warnings[1], `"theirs"`) {
		t.Errorf("warnings: %q", warnings)
	}
	if _, err := Collect(ctx, alice, Options{}); err == nil || !strings.Contains(err.Error(), "does not administer") {
		t.Errorf("without Warn: %v", err)
	}
}

// TestWalkStopsEarly: breaking out of the loop ends the walk.
func TestWalkStopsEarly(t *testing.T) {
	e := newTestEnv(t)
	for i := range 20 {
		e.org(t, fmt.Sprintf("org%02d", i))
	}
	n := 0
	for _, err := range Walk(context.Background(), e.admin, Options{Parallelism: 2}) {
		must(t, "walk", err)
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatalf("%d objects", n)
	}
}

func TestParseOrganizations(t *testing.T) {
	got := ParseOrganizations([]string{"b,a", " c ", "a", ""})
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("%q", got)
	}
}

// TestWalkSkipsVanishedOrganization: an organization deleted while the
// walk reads it (its member list answers 404) is left out with a warning,
// unless it was asked for by name.
func TestWalkSkipsVanishedOrganization(t *testing.T) {
	e := newTestEnv(t)
	e.org(t, "gone")
	e.org(t, "kept")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v1/organization/gone/members" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"detail": "Not Found", "error_message": "Not Found", "error_type": "not_found", "status": 404, "title": "not_found", "type": "about:blank"}`))
			return
		}
		e.emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	c := client(t, srv.URL, e.emu.IssueToken("admin"))
	var warnings []string
	objs, err := Collect(context.Background(), c, Options{Warn: func(m string) { warnings = append(warnings, m) }})
	must(t, "walk", err)
	for _, o := range objs {
		if strings.HasPrefix(o.ImportID, "gone") {
			t.Errorf("yielded %s %s", o.Type, o.ImportID)
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"gone": deleted during the walk`) {
		t.Errorf("warnings: %q", warnings)
	}
	if _, err := Collect(context.Background(), c, Options{Organizations: []string{"gone"}}); err == nil {
		t.Error("a vanished organization asked for by name is no error")
	}
}
