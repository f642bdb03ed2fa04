package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	importCommandOnce sync.Once
	importCommandPath string
	importCommandErr  error
)

// importCommand builds cmd/quay-import once per test run, with -race.
func importCommand(t *testing.T) string {
	importCommandOnce.Do(func() {
		dir, err := os.MkdirTemp("", "quay-import-bin-") //nolint:usetesting // shared by every test of the run
		if err != nil {
			importCommandErr = err
			return
		}
		importCommandPath = filepath.Join(dir, "quay-import")
		if out, err := exec.Command("go", "build", "-race", "-o", importCommandPath, "../../cmd/quay-import").CombinedOutput(); err != nil {
			importCommandErr = fmt.Errorf("building quay-import: %v\n%s", err, out)
		}
	})
	if importCommandErr != nil {
		t.Fatal(importCommandErr)
	}
	return importCommandPath
}

// installation is what fillInstallation made: the import ID of every
// object that quay-import should write, by resource type, and the names
// it used.
type installation struct {
	ids     map[string][]string
	orgs    []string
	users   []string
	key     string // the service key's kid
	robot   string // short name of the token user's robot
	message string // the global message's uuid
}

func (in *installation) add(typ, id string) { in.ids[typ] = append(in.ids[typ], id) }

// fillInstallation makes, through the API, at least one object of every
// type quay-import walks, with names starting with prefix: users (one
// without e-mail, one disabled), an organization with teams, members
// (users and a robot), a robot with federation, an OAuth application, a
// quota with limits, default permissions, repositories (one nested) with
// team, user and robot grants; a proxy-cache organization; a service key;
// a repository and a quota in a user's namespace.
func fillInstallation(t *testing.T, c *quay.Client, prefix, upstream string) *installation {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	in := &installation{ids: map[string][]string{}}
	alice, bob, carol := prefix+"-alice", prefix+"-bob", prefix+"-carol"
	org, cache := prefix, prefix+"-cache"
	in.orgs = []string{org, cache}
	in.users = []string{alice, bob, carol}
	t.Cleanup(func() { cleanupInstallation(c, in) })

	for _, u := range []quay.CreateUserRequest{{Username: alice, Email: alice + "@example.com"}, {Username: bob}, {Username: carol, Email: carol + "@example.com"}} {
		_, err := c.CreateUser(ctx, u)
		must("creating user "+u.Username, err)
		in.add("quay_user", u.Username)
	}
	disabled := false
	must("disabling carol", c.UpdateUser(ctx, carol, quay.UpdateUserRequest{Enabled: &disabled}))

	must("creating the organization", c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: org, Email: org + "@example.com"}))
	week, billing, yes := int64(604800), "billing@example.com", true
	_, err := c.UpdateOrganization(ctx, org, quay.UpdateOrganizationRequest{TagExpirationS: &week, InvoiceEmail: &yes, InvoiceEmailAddress: &billing})
	must("setting the tag expiration", err)
	in.add("quay_organization", org)
	desc := "Developers"
	_, err = c.UpsertTeam(ctx, org, "devs", quay.TeamRequest{Role: "member", Description: &desc})
	must("creating team devs", err)
	_, err = c.UpsertTeam(ctx, org, "release", quay.TeamRequest{Role: "creator"})
	must("creating team release", err)
	in.add("quay_team", org+"/devs")
	in.add("quay_team", org+"/release")
	for _, m := range [][2]string{{"devs", alice}, {"release", alice}, {"devs", bob}} {
		_, err := c.AddTeamMember(ctx, org, m[0], m[1])
		must("adding "+m[1]+" to "+m[0], err)
	}
	in.add("quay_org_member", org+"/"+alice)
	in.add("quay_org_member", org+"/"+bob)

	robot := quay.RobotOwner{Namespace: org}
	_, err = c.CreateRobot(ctx, robot, "ci", quay.CreateRobotRequest{Description: "CI pushes", UnstructuredMetadata: map[string]string{"owner": "platform"}})
	must("creating robot ci", err)
	_, err = c.SetRobotFederation(ctx, robot, "ci", []quay.RobotFederation{{Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:acme/app:ref:refs/heads/main"}})
	must("setting the robot's federation", err)
	_, err = c.CreateRobot(ctx, robot, "reader", quay.CreateRobotRequest{})
	must("creating robot reader", err)
	in.add("quay_robot", org+"/ci")
	in.add("quay_robot", org+"/reader")
	_, err = c.AddTeamMember(ctx, org, "devs", org+"+ci")
	must("adding the robot to devs", err)
	in.add("quay_org_member", org+"/"+org+"+ci")

	avatar := "bot@example.com"
	app, err := c.CreateApplication(ctx, org, quay.ApplicationRequest{Name: "Build Bot", ApplicationURI: "https://build.example.com", RedirectURI: "https://build.example.com/cb", Description: "Builds", AvatarEmail: &avatar})
	must("creating the OAuth application", err)
	in.add("quay_oauth_application", org+"/"+app.ClientID)

	must("creating the quota", c.CreateQuota(ctx, quay.SuperuserQuotaPath, org, 10<<30))
	q, err := c.FindQuota(ctx, quay.OrgQuotaPath, org)
	must("finding the quota", err)
	must("adding a warning limit", c.CreateQuotaLimit(ctx, org, *q.ID, "Warning", 80))
	must("adding a reject limit", c.CreateQuotaLimit(ctx, org, *q.ID, "Reject", 100))
	in.add("quay_quota", org)

	p1, err := c.CreatePrototype(ctx, org, quay.CreatePrototypeRequest{Role: "read", Delegate: quay.PrototypeDelegate{Name: "release", Kind: "team"}})
	must("creating a default permission for a team", err)
	p2, err := c.CreatePrototype(ctx, org, quay.CreatePrototypeRequest{Role: "write", Delegate: quay.PrototypeDelegate{Name: org + "+ci", Kind: "user"}, ActivatingUser: &quay.PrototypeUserName{Name: alice}})
	must("creating a default permission for a robot", err)
	in.add("quay_default_permission", org+"/"+p1.ID)
	in.add("quay_default_permission", org+"/"+p2.ID)

	for _, r := range []quay.CreateRepositoryRequest{
		{Namespace: org, Repository: "app", Visibility: "private", Description: "The app"},
		{Namespace: org, Repository: "tools/lint", Visibility: "public", Description: ""},
	} {
		_, err := c.CreateRepository(ctx, r)
		must("creating repository "+r.Repository, err)
		in.add("quay_repository", org+"/"+r.Repository)
	}
	// The team default permission granted release read on both.
	for _, repo := range []string{"app", "tools/lint"} {
		in.add("quay_repository_permission", org+"/"+repo+"/team/release")
	}
	_, err = c.SetRepositoryTeamPermission(ctx, org, "app", "devs", "write")
	must("granting devs", err)
	_, err = c.SetRepositoryUserPermission(ctx, org, "app", alice, "admin")
	must("granting alice", err)
	_, err = c.SetRepositoryUserPermission(ctx, org, "app", org+"+ci", "write")
	must("granting the robot", err)
	in.add("quay_repository_permission", org+"/app/team/devs")
	in.add("quay_repository_permission", org+"/app/user/"+alice)
	in.add("quay_repository_permission", org+"/app/user/"+org+"+ci")

	// Tag lifecycle, a mirror and a banner.
	u, err := c.CreateAutoPrunePolicy(ctx, quay.PolicyTarget{Namespace: org}, quay.AutoPrunePolicy{Method: "number_of_tags", Value: quay.AutoPruneValue("number_of_tags", "10")})
	must("creating an organization auto-prune policy", err)
	in.add("quay_auto_prune_policy", org+"/"+u)
	u, err = c.CreateAutoPrunePolicy(ctx, quay.PolicyTarget{Namespace: org, Repository: "app"}, quay.AutoPrunePolicy{Method: "creation_date", Value: quay.AutoPruneValue("creation_date", "7d")})
	must("creating a repository auto-prune policy", err)
	in.add("quay_auto_prune_policy", org+"/app/"+u)
	u, err = c.CreateImmutabilityPolicy(ctx, quay.PolicyTarget{Namespace: org, Repository: "app"}, quay.ImmutabilityPolicy{TagPattern: `v1\..*`, TagPatternMatches: true})
	must("creating an immutability policy", err)
	in.add("quay_immutability_policy", org+"/app/"+u)
	n, err := c.CreateNotification(ctx, org, "app", quay.CreateNotificationRequest{Event: "repo_push", Method: "webhook", Config: map[string]any{"url": "https://hooks.example.com/push"}})
	must("creating a repository notification", err)
	in.add("quay_repository_notification", org+"/app/"+n.UUID)
	n, err = c.CreateNamespaceNotification(ctx, quay.NotificationOwner{Namespace: org}, quay.CreateNotificationRequest{Event: "quota_warning", Method: "email", Config: map[string]any{}})
	must("creating a quota notification", err)
	in.add("quay_namespace_notification", org+"/"+n.UUID)
	robotName := org + "+reader"
	must("configuring a mirror", c.CreateMirror(ctx, org, "tools/lint", quay.MirrorRequest{
		ExternalReference: "quay.io/prometheus/node-exporter", RobotUsername: &robotName,
		SyncInterval: ptr(int64(3600)), SyncStartDate: ptr("2030-01-01T00:00:00Z"), SkopeoTimeoutInterval: ptr(int64(300)),
		RootRule: &quay.MirrorRootRule{RuleKind: "tag_glob_csv", RuleValue: []string{"v1.*"}},
	}))
	in.add("quay_repository_mirror", org+"/tools/lint")
	in.add("quay_repository_permission", org+"/tools/lint/user/"+robotName) // Quay grants the mirror robot write
	banner := prefix + " maintenance on Saturday"
	must("creating a global message", c.CreateGlobalMessage(ctx, quay.GlobalMessage{Content: banner, MediaType: "text/plain", Severity: "info"}))
	messages, err := c.ListGlobalMessages(ctx)
	must("listing global messages", err)
	for _, m := range messages {
		if m.Content == banner {
			in.message = m.UUID
			in.add("quay_global_message", m.UUID)
		}
	}

	// Without an e-mail address, which Quay 3.18+ allows (and answers as "").
	must("creating the proxy-cache organization", c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: cache}))
	in.add("quay_organization", cache)
	must("creating the proxy cache", c.CreateProxyCache(ctx, cache, quay.ProxyCacheRequest{UpstreamRegistry: upstream, ExpirationS: 3600}))
	in.add("quay_proxy_cache", cache)

	expires := time.Now().Add(30 * 24 * time.Hour).Unix()
	key, err := c.CreateServiceKey(ctx, quay.CreateServiceKeyRequest{Service: strings.ReplaceAll(prefix, "-", "_"), Name: prefix + " worker", Expiration: &expires, Metadata: map[string]string{"team": "platform"}, Notes: "for the workers"})
	must("creating the service key", err)
	in.key = key.Kid
	in.add("quay_service_key", key.Kid)

	_, err = c.CreateRepository(ctx, quay.CreateRepositoryRequest{Namespace: alice, Repository: "scratch", Visibility: "private", Description: "Alice's"})
	must("creating a repository in alice's namespace", err)
	in.add("quay_repository", alice+"/scratch")
	_, err = c.SetRepositoryUserPermission(ctx, alice, "scratch", bob, "read")
	must("granting bob on alice's repository", err)
	in.add("quay_repository_permission", alice+"/scratch/user/"+bob)
	must("creating bob's quota", c.CreateQuota(ctx, quay.SuperuserQuotaPath, bob, 1<<30))
	in.add("quay_quota", bob)

	me, err := c.GetCurrentUser(ctx)
	must("reading the token's user", err)
	in.robot = prefix + "-deployer"
	_, err = c.CreateRobot(ctx, quay.RobotOwner{Namespace: me.Username, User: true}, in.robot, quay.CreateRobotRequest{Description: "Deploys"})
	must("creating a robot of the token's user", err)
	in.add("quay_robot", me.Username+"/"+in.robot)
	return in
}

// cleanupInstallation removes what fillInstallation made from a real Quay
// (an emulator of the test's own needs none).
func cleanupInstallation(c *quay.Client, in *installation) {
	ctx := context.Background()
	for _, org := range in.orgs {
		_ = c.DeleteOrganization(ctx, org)
	}
	enabled := true
	for _, u := range in.users {
		_ = c.UpdateUser(ctx, u, quay.UpdateUserRequest{Enabled: &enabled})
		_ = c.DeleteUser(ctx, u)
	}
	if in.key != "" {
		_ = c.DeleteServiceKey(ctx, in.key)
	}
	if in.robot != "" {
		_ = c.DeleteRobot(ctx, quay.RobotOwner{User: true}, in.robot)
	}
	if in.message != "" {
		_ = c.DeleteGlobalMessage(ctx, in.message)
	}
}

func ptr[T any](v T) *T { return &v }

// importBlock is one block of quay-import's output, with its comments.
type importBlock struct {
	text, to, id string
}

var importBlockRegexp = regexp.MustCompile(`(?m)((?:^#[^\n]*\n)*)import \{\n  to = ([^\n]+)\n  id = "([^"\n]*)"\n\}\n`)

func parseImportBlocks(s string) []importBlock {
	var out []importBlock
	for _, m := range importBlockRegexp.FindAllStringSubmatch(s, -1) {
		out = append(out, importBlock{text: m[0], to: m[2], id: m[3]})
	}
	return out
}

// TestAccImportCommand adopts a mixed installation with quay-import: the
// command writes import blocks for exactly the objects made (none of
// Quay's own), reads Quay with GETs only and within its request budget;
// `terraform plan -generate-config-out` writes configuration that, with
// the edits the command's notes ask for, plans and applies as imports
// only; and the plan after that is empty. Against a real Quay (QUAY_URL
// and QUAY_TOKEN set) the same runs on the tests' instance, keeping only
// the blocks of what the test made.
func TestAccImportCommand(t *testing.T) {
	tfPath := harnessCLI(t)
	var h *cliHarness
	var url, token string
	upstream := "quay.io"
	if testEmulator != nil {
		emu := emulator.New(emulator.DefaultConfig())
		emu.SetUpstream(upstream, emulator.UpstreamValid)
		h = newCLIHarness(t, emu)
		url = h.srv.URL
		token = envValue(h.env, "QUAY_TOKEN")
	} else {
		url, token = os.Getenv("QUAY_URL"), os.Getenv("QUAY_TOKEN")
		upstream = testUpstream()
		h = newHarnessFor(t, tfPath, url, token)
	}
	c, err := quay.New(url, quay.WithToken(token), quay.WithUserAgent("terraform-provider-quay-tests"))
	if err != nil {
		t.Fatal(err)
	}
	prefix := acctest.RandomWithPrefix("tfacc")
	in := fillInstallation(t, c, prefix, upstream)

	if h.emu != nil {
		h.emu.ResetCounts()
	}
	cmd := exec.Command(importCommand(t), "-out", filepath.Join(h.dir, "imports.tf"))
	cmd.Env = h.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("quay-import: %v\n%s", err, out)
	}
	t.Logf("quay-import: %s", strings.TrimSpace(string(out)))
	if h.emu != nil {
		checkImportRequests(t, h.emu)
	}

	raw, err := os.ReadFile(filepath.Join(h.dir, "imports.tf"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := parseImportBlocks(string(raw))
	if h.emu == nil {
		// A shared Quay: keep the blocks of what this test made.
		blocks = slices.DeleteFunc(blocks, func(b importBlock) bool { return !strings.Contains(b.id, prefix) && b.id != in.key })
	}
	got := map[string][]string{}
	for _, b := range blocks {
		typ, _, _ := strings.Cut(b.to, ".")
		got[typ] = append(got[typ], b.id)
	}
	for typ := range got {
		sort.Strings(got[typ])
	}
	for typ := range in.ids {
		sort.Strings(in.ids[typ])
	}
	if fmt.Sprint(got) != fmt.Sprint(in.ids) {
		t.Fatalf("import blocks by type:\n got %v\nwant %v\n\n%s", got, in.ids, raw)
	}
	checkImportNotes(t, blocks, in)

	var file strings.Builder
	for _, b := range blocks {
		file.WriteString(b.text + "\n")
	}
	h.writeConfig("")
	if err := os.WriteFile(filepath.Join(h.dir, "imports.tf"), []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// The plan writes generated.tf even when some of it is invalid as the
	// notes say; it may fail only for the resources they name.
	planOut, planErr := h.run("plan", "-input=false", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(h.dir, "generated.tf"))
	if err != nil {
		t.Fatalf("plan -generate-config-out wrote no generated.tf (%v): %v\n%s", planErr, err, tail(planOut))
	}
	t.Logf("generated.tf:\n%s", generated)
	edited, edits := applyNoteEdits(t, string(generated), blocks)
	edited = fillInSecrets(t, edited, blocks, map[string]string{"url": "https://hooks.example.com/push"}, edits)
	if planErr != nil {
		for _, m := range regexp.MustCompile(`with (quay_\w+\.[\w-]+),`).FindAllStringSubmatch(planOut, -1) {
			if !edits[m[1]] {
				t.Fatalf("plan -generate-config-out failed for %s, whose block has no note saying what to edit:\n%s", m[1], tail(planOut))
			}
		}
	}
	if err := os.WriteFile(filepath.Join(h.dir, "generated.tf"), []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	applyOut, err := h.run("apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("apply of the imports: %v\n%s", err, tail(applyOut))
	}
	want := fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", len(blocks))
	if !strings.Contains(applyOut, want) {
		t.Fatalf("the apply did more than import, or not everything; want %q:\n%s", want, tail(applyOut))
	}
	h.expectEmptyPlan("after importing the generated configuration")
}

var deleteLineNote = regexp.MustCompile(`(?m)delete the line\n#\s+(.+)\n`)

// applyNoteEdits makes in generated the edits the blocks' notes ask for,
// as a user following them would: "delete the line" removes that line
// from the block's resource. It returns the edited file and the
// addresses edited.
func applyNoteEdits(t *testing.T, generated string, blocks []importBlock) (string, map[string]bool) {
	t.Helper()
	edited := map[string]bool{}
	for _, b := range blocks {
		for _, m := range deleteLineNote.FindAllStringSubmatch(b.text, -1) {
			typ, name, _ := strings.Cut(b.to, ".")
			start := strings.Index(generated, fmt.Sprintf("resource %q %q {\n", typ, name))
			if start < 0 {
				t.Fatalf("generated.tf has no resource %s", b.to)
			}
			end := start + strings.Index(generated[start:], "\n}\n")
			line := regexp.MustCompile(`(?m)^\s*` + strings.Join(strings.Fields(regexp.QuoteMeta(m[1])), `\s*`) + `\s*\n`)
			loc := line.FindStringIndex(generated[start:end])
			if loc == nil {
				t.Fatalf("resource %s in generated.tf has no line %q to delete", b.to, m[1])
			}
			generated = generated[:start+loc[0]] + generated[start+loc[1]:]
			edited[b.to] = true
		}
	}
	return generated, edited
}

var fillInNote = regexp.MustCompile(`fill in config\.(\w+)`)

// fillInSecrets sets, as a user following a "fill in config.<key>" note
// would, the sensitive values Terraform left out of generated.tf.
func fillInSecrets(t *testing.T, generated string, blocks []importBlock, values map[string]string, edited map[string]bool) string {
	t.Helper()
	for _, b := range blocks {
		for _, m := range fillInNote.FindAllStringSubmatch(b.text, -1) {
			typ, name, _ := strings.Cut(b.to, ".")
			start := strings.Index(generated, fmt.Sprintf("resource %q %q {\n", typ, name))
			if start < 0 {
				t.Fatalf("generated.tf has no resource %s", b.to)
			}
			end := start + strings.Index(generated[start:], "\n}\n")
			line := regexp.MustCompile(`(?m)^(\s*` + m[1] + `\s*=\s*)null.*$`)
			loc := line.FindStringSubmatchIndex(generated[start:end])
			if loc == nil {
				t.Fatalf("resource %s in generated.tf has no %s = null to fill in", b.to, m[1])
			}
			generated = generated[:start+loc[3]] + fmt.Sprintf("%q", values[m[1]]) + generated[start+loc[1]:]
			edited[b.to] = true
		}
	}
	return generated
}

// checkImportNotes: the blocks whose generated configuration cannot be
// complete say what to add.
func checkImportNotes(t *testing.T, blocks []importBlock, in *installation) {
	t.Helper()
	for _, b := range blocks {
		typ, _, _ := strings.Cut(b.to, ".")
		var want string
		switch {
		case typ == "quay_user":
			want = "password_wo"
		case typ == "quay_proxy_cache":
			want = "upstream_registry_password_wo"
		case typ == "quay_service_key":
			want = "private_key"
		case b.id == in.orgs[0]+"/ci" && typ == "quay_robot":
			want = `issuer = "https://token.actions.githubusercontent.com"`
		}
		if want != "" && (!strings.Contains(b.text, "# NOTE:") || !strings.Contains(b.text, want)) {
			t.Errorf("the block of %s should have a note naming %q:\n%s", b.to, want, b.text)
		}
	}
}

// checkImportRequests: quay-import only read, and within its budget: one
// request per object at most, plus the lists.
func checkImportRequests(t *testing.T, emu *emulator.Server) {
	t.Helper()
	counts := emu.Counts()
	total := 0
	for route, n := range counts {
		if !strings.HasPrefix(route, "GET ") {
			t.Errorf("quay-import wrote to Quay: %d × %s", n, route)
		}
		total += n
	}
	// Lists: the token check and /config; one page each of organizations,
	// users and service keys; per organization its members, robots,
	// applications, proxy cache, default permissions and a page of
	// repositories; per user namespace a page of repositories, and the
	// token user's robots; per repository its user grants, and in
	// organizations its team grants.
	orgs, users, orgRepos, userRepos := 2, 4, 2, 1 // users: the emulator's admin too
	lists := 2 + 3 + orgs*6 + users + 1 + orgRepos*2 + userRepos
	// The tag lifecycle: global messages; per organization its auto-prune
	// and immutability policies and quota notifications; per repository
	// the same policies, its notifications and its mirror.
	lists += 1 + orgs*3 + (orgRepos+userRepos)*4
	// Objects read one by one: each organization, and the federation of
	// each robot (two of the organization, one of the token's user).
	objects := orgs + 3
	want := map[string]int{
		"GET /api/v1/organization/{orgname}":                                     orgs,
		"GET /api/v1/organization/{orgname}/robots/{robot_shortname}/federation": 2,
		"GET /api/v1/user/robots/{robot_shortname}/federation":                   1,
	}
	for route, n := range want {
		if counts[route] != n {
			t.Errorf("%s: %d requests, want %d", route, counts[route], n)
		}
	}
	if total > lists+objects {
		t.Errorf("%d requests, more than the %d lists and %d objects read:\n%s", total, lists, objects, emu.CountsSummary())
	}
	t.Logf("quay-import made %d requests:\n%s", total, emu.CountsSummary())
}

// envValue reads a variable from an environment list.
func envValue(env []string, name string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], name+"="); ok {
			return v
		}
	}
	return ""
}
