package provider

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// soakKind ties a resource type to the way its objects are counted on
// both sides: natural keys from Terraform state and from the emulator.
type soakKind struct {
	typ      string
	stateKey func(values map[string]any) string
	quayKeys func(emu *emulator.Server) []string
}

var soakKinds = []soakKind{
	{
		typ:      "quay_organization",
		stateKey: func(v map[string]any) string { return str(v["name"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.Organizations() },
	},
	{
		typ:      "quay_team",
		stateKey: func(v map[string]any) string { return str(v["organization"]) + "/" + str(v["name"]) },
		// Quay's own "owners" teams are not managed here.
		quayKeys: func(emu *emulator.Server) []string {
			var out []string
			for _, k := range emu.Teams() {
				if !strings.HasSuffix(k, "/owners") {
					out = append(out, k)
				}
			}
			return out
		},
	},
	{
		typ: "quay_oauth_application",
		stateKey: func(v map[string]any) string {
			return str(v["organization"]) + "/" + str(v["client_id"]) + "/" + str(v["name"])
		},
		quayKeys: func(emu *emulator.Server) []string { return emu.Applications() },
	},
	{
		typ:      "quay_proxy_cache",
		stateKey: func(v map[string]any) string { return str(v["organization"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.ProxyCaches() },
	},
	{
		typ: "quay_quota",
		stateKey: func(v map[string]any) string {
			var limits []string
			list, _ := v["limits"].([]any)
			for _, l := range list {
				m, _ := l.(map[string]any)
				limits = append(limits, fmt.Sprintf("%s/%d", str(m["type"]), num(m["threshold_percent"])))
			}
			sort.Strings(limits)
			return fmt.Sprintf("%s:%d:%s", str(v["namespace"]), num(v["limit_bytes"]), strings.Join(limits, ","))
		},
		quayKeys: func(emu *emulator.Server) []string { return emu.Quotas() },
	},
	{
		typ:      "quay_service_key",
		stateKey: func(v map[string]any) string { return str(v["service"]) + "/" + str(v["kid"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.ServiceKeys() },
	},
	{
		typ:      "quay_repository",
		stateKey: func(v map[string]any) string { return str(v["namespace"]) + "/" + str(v["name"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.Repositories() },
	},
	{
		// Quay accepts identical default permissions: a duplicate shows here.
		typ:      "quay_default_permission",
		stateKey: func(v map[string]any) string { return str(v["organization"]) + "/" + str(v["id"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.AllPrototypes() },
	},
	{
		typ: "quay_repository_permission",
		stateKey: func(v map[string]any) string {
			if t := str(v["team"]); t != "" {
				return str(v["repository"]) + "/team:" + t + "=" + str(v["role"])
			}
			return str(v["repository"]) + "/user:" + str(v["username"]) + "=" + str(v["role"])
		},
		// The token's user gets admin on every repository it creates, and
		// a mirror's robot write on its repository: Quay's own grants.
		quayKeys: func(emu *emulator.Server) []string {
			var out []string
			for _, k := range emu.AllRepositoryGrants() {
				if !strings.Contains(k, "/user:admin=") && !strings.Contains(k, "+mirror=write") {
					out = append(out, k)
				}
			}
			return out
		},
	},
	{
		typ:      "quay_robot",
		stateKey: func(v map[string]any) string { return str(v["full_name"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.AllRobots() },
	},
	{
		typ:      "quay_auto_prune_policy",
		stateKey: policyStateKey,
		quayKeys: func(emu *emulator.Server) []string { return emu.AllAutoPrunePolicies() },
	},
	{
		typ:      "quay_immutability_policy",
		stateKey: policyStateKey,
		quayKeys: func(emu *emulator.Server) []string { return emu.AllImmutabilityPolicies() },
	},
	{
		typ:      "quay_repository_notification",
		stateKey: func(v map[string]any) string { return str(v["repository"]) + "/" + str(v["uuid"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.AllNotifications() },
	},
	{
		// Quay keeps a destroyed mirror's configuration, disabled: only
		// enabled ones count.
		typ:      "quay_repository_mirror",
		stateKey: func(v map[string]any) string { return str(v["repository"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.EnabledMirrors() },
	},
	{
		typ:      "quay_user",
		stateKey: func(v map[string]any) string { return str(v["username"]) },
		quayKeys: func(emu *emulator.Server) []string { return emu.Users() },
	},
	{
		typ:      "quay_org_member",
		stateKey: func(v map[string]any) string { return str(v["organization"]) + "/" + str(v["username"]) },
		// The token's user is in every org it made; only test users count.
		quayKeys: func(emu *emulator.Server) []string {
			var out []string
			for _, k := range emu.OrgMembers() {
				if !strings.HasSuffix(k, "/admin") {
					out = append(out, k)
				}
			}
			return out
		},
	},
}

// policyStateKey is a tag policy's "<target>/<uuid>".
func policyStateKey(v map[string]any) string {
	target := str(v["organization"]) + str(v["repository"]) + str(v["user_namespace"])
	return target + "/" + str(v["uuid"])
}

// soakConfig is the configuration of one cycle: objects come and go and
// settings change from cycle to cycle.
func soakConfig(prefix string, cycle int) string {
	var b strings.Builder
	expirations := []int{0, 86400, 604800, 1209600, 2419200}
	orgs := 4 + cycle%3
	for i := 0; i < orgs; i++ {
		fmt.Fprintf(&b, `resource "quay_organization" "o%d" {
  name             = "%s-o%d"
  email            = "%s-o%d-c%d@example.com"
  tag_expiration_s = %d
}
`, i, prefix, i, prefix, i, cycle%2, expirations[(i+cycle)%len(expirations)])
	}
	// Teams, users and memberships in the first organization.
	roles := []string{"member", "creator", "admin"}
	teams := 2 + cycle%2
	for i := 0; i < teams; i++ {
		fmt.Fprintf(&b, `resource "quay_team" "t%d" {
  organization = quay_organization.o0.name
  name         = "team%d"
  role         = %q
  description  = "cycle %d"
}
`, i, i, roles[(i+cycle)%len(roles)], cycle)
	}
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, `resource "quay_user" "u%d" {
  username = "%s-u%d"
  email    = "%s-u%d@example.com"
  enabled  = %t
}
resource "quay_org_member" "m%d" {
  organization = quay_organization.o0.name
  username     = quay_user.u%d.username
  teams        = [quay_team.t%d.name, quay_team.t1.name]
}
`, i, prefix, i, prefix, i, (i+cycle)%3 != 0, i, i, (i+cycle)%teams)
	}
	// Applications (renamed and rotated each cycle) and a proxy cache
	// (replaced each cycle: Quay cannot update one).
	for i := 0; i < 2; i++ {
		fmt.Fprintf(&b, `resource "quay_oauth_application" "a%d" {
  organization   = quay_organization.o%d.name
  name           = "app%d-c%d"
  secret_version = %d
}
`, i, i, i, cycle, cycle)
	}
	// A quota whose size and limits change, and service keys renamed,
	// re-dated and replaced (a removed metadata key forces replacement).
	sizes := []string{"10 GiB", "20 GiB", "5000000000"}
	limitSets := []string{
		`[{ type = "Warning", threshold_percent = 80 }]`,
		`[{ type = "Warning", threshold_percent = 70 }, { type = "Reject", threshold_percent = 100 }]`,
		`[{ type = "Reject", threshold_percent = 95 }]`,
	}
	fmt.Fprintf(&b, `resource "quay_quota" "q" {
  namespace = quay_organization.o1.name
  limit     = %q
  limits    = %s
}
`, sizes[cycle%len(sizes)], limitSets[cycle%len(limitSets)])
	for i := 0; i < 2; i++ {
		metadata := `{ owner = "soak" }`
		if cycle%2 == 1 && i == 0 {
			metadata = `{ owner = "soak", cycle = "odd" }`
		}
		fmt.Fprintf(&b, `resource "quay_service_key" "k%d" {
  service    = "%s_svc%d"
  name       = "soak key %d cycle %d"
  expiration = "2099-0%d-01T00:00:00Z"
  metadata   = %s
}
`, i, prefix, i, i, cycle, 1+cycle%9, metadata)
	}
	// Repositories in the third organization: one comes and goes, the
	// others change visibility, description and state.
	visibilities := []string{"private", "public"}
	states := []string{"NORMAL", "READ_ONLY"}
	for i := 0; i < 2+cycle%2; i++ {
		fmt.Fprintf(&b, `resource "quay_repository" "r%d" {
  namespace   = quay_organization.o3.name
  name        = "repo%d/app"
  visibility  = %q
  description = "cycle %d"
  state       = %q
}
`, i, i, visibilities[(i+cycle)%2], cycle, states[(i+cycle/2)%2])
	}
	// Default permissions whose roles change; the second is replaced every
	// other cycle (its activating user comes and goes).
	activating := ""
	if cycle%2 == 1 {
		activating = "\n  activating_username = quay_user.u1.username"
	}
	fmt.Fprintf(&b, `resource "quay_default_permission" "d0" {
  organization  = quay_organization.o0.name
  delegate_team = quay_team.t0.name
  role          = %q
}
resource "quay_default_permission" "d1" {
  organization      = quay_organization.o0.name
  delegate_username = quay_user.u0.username
  role              = %q%s
}
`, repositoryRoleValues[cycle%3], repositoryRoleValues[(cycle+1)%3], activating)
	// Grants on those repositories: roles change, and the grant on the
	// repository that comes and goes goes with it.
	for i := 0; i < 2+cycle%2; i++ {
		fmt.Fprintf(&b, `resource "quay_repository_permission" "g%d" {
  repository = "${quay_repository.r%d.namespace}/${quay_repository.r%d.name}"
  username   = quay_user.u%d.username
  role       = %q
}
`, i, i, i, i, repositoryRoleValues[(i+cycle)%3])
	}
	// Robots: one replaced every other cycle (its description changes),
	// its token regenerated and its federation changed each cycle, with a
	// grant that must follow it; one that stays.
	fmt.Fprintf(&b, `resource "quay_robot" "bot" {
  namespace     = quay_organization.o3.name
  name          = "bot"
  description   = "generation %d"
  token_version = %d
  federation    = [{ issuer = "https://issuer.example.com", subject = "cycle-%d" }]
}
resource "quay_robot" "keep" {
  namespace = quay_organization.o3.name
  name      = "keep"
}
resource "quay_repository_permission" "bot" {
  repository = "${quay_repository.r0.namespace}/${quay_repository.r0.name}"
  username   = quay_robot.bot.full_name
  role       = %q
}
`, (cycle+1)/2, cycle+1, cycle, repositoryRoleValues[(cycle+1)%3])
	// Tag lifecycle on the first repository: a prune policy whose count
	// changes, an immutability policy whose pattern changes, and a
	// notification replaced every other cycle (a new title) and reset.
	fmt.Fprintf(&b, `resource "quay_auto_prune_policy" "keep" {
  repository = "${quay_repository.r0.namespace}/${quay_repository.r0.name}"
  method     = "number_of_tags"
  value      = "%d"
}
resource "quay_auto_prune_policy" "org" {
  organization = quay_organization.o3.name
  method       = "creation_date"
  value        = "%dd"
  tag_pattern  = "^dev-"
}
resource "quay_immutability_policy" "releases" {
  repository  = "${quay_repository.r0.namespace}/${quay_repository.r0.name}"
  tag_pattern = "v%d\\..*"
}
resource "quay_repository_notification" "push" {
  repository    = "${quay_repository.r0.namespace}/${quay_repository.r0.name}"
  event         = "repo_push"
  method        = "webhook"
  title         = "generation %d"
  config        = { url = "https://hooks.example.com/soak" }
  reset_version = %d
}
`, 10+cycle, 7+cycle, cycle, (cycle+1)/2, cycle+1)
	// A mirror on a repository of its own (which goes before its robot, so
	// the robot's destroy never meets the mirror), changed each cycle.
	fmt.Fprintf(&b, `resource "quay_robot" "mirror" {
  namespace = quay_organization.o3.name
  name      = "mirror"
}
resource "quay_repository" "mirrored" {
  namespace  = quay_organization.o3.name
  name       = "mirrored"
  depends_on = [quay_robot.mirror]
}
resource "quay_repository_mirror" "m" {
  repository         = "${quay_repository.mirrored.namespace}/${quay_repository.mirrored.name}"
  external_reference = "quay.io/soak/app%d"
  root_rule          = ["v%d.*"]
  robot_username     = quay_robot.mirror.full_name
  sync_interval      = %d
}
`, cycle%2, cycle, 3600*(cycle+1))
	upstreams := []string{"quay.io", "docker.io/library", "ghcr.io"}
	fmt.Fprintf(&b, `resource "quay_proxy_cache" "p" {
  organization      = quay_organization.o2.name
  upstream_registry = %q
  expiration_s      = %d
}
`, upstreams[cycle%len(upstreams)], 3600*(cycle+1))
	return b.String()
}

// TestSoakFaults applies, changes and destroys a configuration for several
// cycles against an emulator that fails a fraction of requests (429 with
// Retry-After, 500, 502, 503, slow answers, connections cut before or after
// the change). A failed apply is re-run as a user would. After every cycle
// Quay's objects must match Terraform's state exactly (nothing missing,
// duplicated or orphaned), a fault-free plan must be empty, and after the
// final destroy nothing may be left. QUAY_SOAK_CYCLES (default 2) and
// QUAY_SOAK_FAULT_RATE (default 0.1) make it longer or harsher.
func TestSoakFaults(t *testing.T) {
	cycles := envInt(t, "QUAY_SOAK_CYCLES", 2)
	rate := 0.1
	if s := os.Getenv("QUAY_SOAK_FAULT_RATE"); s != "" {
		var err error
		if rate, err = strconv.ParseFloat(s, 64); err != nil {
			t.Fatalf("QUAY_SOAK_FAULT_RATE: %v", err)
		}
	}
	emu := emulator.New(emulator.DefaultConfig())
	h := newCLIHarness(t, emu, "QUAY_REQUEST_TIMEOUT=5", "QUAY_MAX_RETRIES=8")
	faults := emulator.Faults{
		Rate:      rate,
		Kinds:     []emulator.FaultKind{emulator.Fault429, emulator.Fault500, emulator.Fault502, emulator.Fault503, emulator.FaultSlow, emulator.FaultCutBefore, emulator.FaultCutAfter, emulator.FaultErrorAfter},
		SlowDelay: 300 * time.Millisecond,
		Seed:      42,
	}

	prefix := "soak" + strconv.FormatInt(time.Now().UnixNano()%1e6, 36)
	for cycle := 0; cycle < cycles; cycle++ {
		h.writeConfig(soakConfig(prefix, cycle))
		emu.SetFaults(faults)
		h.untilSuccess(fmt.Sprintf("cycle %d apply", cycle), "apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
		emu.SetFaults(emulator.Faults{})
		compareSoakState(t, emu, prefix, h.state())
		h.expectEmptyPlan(fmt.Sprintf("cycle %d", cycle))
	}
	emu.SetFaults(faults)
	h.untilSuccess("destroy", "destroy", "-auto-approve", "-input=false", "-no-color", "-parallelism=10")
	emu.SetFaults(emulator.Faults{})
	for _, k := range soakKinds {
		if left := withPrefix(k.quayKeys(emu), prefix); len(left) > 0 {
			t.Errorf("%s left in Quay after destroy: %v", k.typ, left)
		}
	}
	t.Logf("%d cycles at fault rate %.2f; requests by route:\n%s", cycles, rate, emu.CountsSummary())
}

// compareSoakState checks that, for every kind, the objects in Quay with the
// test's prefix are exactly those in Terraform's state.
func compareSoakState(t *testing.T, emu *emulator.Server, prefix string, state []stateResource) {
	t.Helper()
	for _, k := range soakKinds {
		var inState []string
		for _, r := range state {
			if r.Type == k.typ {
				inState = append(inState, k.stateKey(r.Values))
			}
		}
		inQuay := withPrefix(k.quayKeys(emu), prefix)
		sort.Strings(inState)
		sort.Strings(inQuay)
		if !slices.Equal(inState, inQuay) {
			t.Fatalf("%s: Quay has %v, state has %v", k.typ, inQuay, inState)
		}
	}
}

func withPrefix(keys []string, prefix string) []string {
	var out []string
	for _, k := range keys {
		if strings.Contains(k, prefix) {
			out = append(out, k)
		}
	}
	return out
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// num reads a JSON number from `terraform show -json`.
func num(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}
