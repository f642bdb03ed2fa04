package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

var (
	errReserved = &quay.APIError{Method: "POST", Path: "/api/v1/organization/", StatusCode: 400, Message: "Username is not available"}
	errTaken    = &quay.APIError{Method: "POST", Path: "/api/v1/organization/", StatusCode: 400, Message: "A user or organization with this name already exists"}
)

// TestCreateReusingName pins the wait for a reserved name below the CLI:
// it retries only on Quay's reservation answer, logs that it waits and
// why, and tells a timeout from a name that a live namespace took.
func TestCreateReusingName(t *testing.T) {
	emu := emulator.New(emulator.DefaultConfig())
	emu.AddUser("admin", "admin@example.com", true)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := quay.New(srv.URL, quay.WithToken(emu.IssueToken("admin")))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateOrganization(context.Background(), quay.CreateOrganizationRequest{Name: "live"}); err != nil {
		t.Fatal(err)
	}

	// answers returns a create that answers errs in turn, then succeeds.
	answers := func(calls *int, errs ...error) func(context.Context) error {
		return func(context.Context) error {
			*calls++
			if *calls <= len(errs) {
				return errs[*calls-1]
			}
			return nil
		}
	}

	t.Run("waits until the name is free", func(t *testing.T) {
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &logs)
		calls := 0
		start := time.Now()
		if err := createReusingName(ctx, c, time.Minute, "organization", "acme", answers(&calls, errReserved, errReserved)); err != nil {
			t.Fatal(err)
		}
		if calls != 3 {
			t.Errorf("create called %d times, want 3", calls)
		}
		if got, want := time.Since(start), nameWaitFirst+2*nameWaitFirst; got < want {
			t.Errorf("retried after %s, want the backoff (%s) in between", got, want)
		}
		for _, want := range []string{"namespace garbage collector", "waiting and retrying the create", "Quay freed the reserved name"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("log lacks %q:\n%s", want, logs.String())
			}
		}
	})

	t.Run("other errors are returned at once", func(t *testing.T) {
		calls := 0
		boom := errors.New("connection reset")
		if err := createReusingName(context.Background(), c, time.Minute, "organization", "acme", answers(&calls, boom)); !errors.Is(err, boom) || calls != 1 {
			t.Fatalf("got %v after %d calls", err, calls)
		}
		calls = 0
		if err := createReusingName(context.Background(), c, time.Minute, "organization", "live", answers(&calls, errTaken)); err != errTaken || calls != 1 {
			t.Fatalf("a name taken from the start: got %v after %d calls", err, calls)
		}
	})

	t.Run("time is up", func(t *testing.T) {
		calls := 0
		err := createReusingName(context.Background(), c, 600*time.Millisecond, "organization", "acme", answers(&calls, errReserved, errReserved, errReserved, errReserved))
		var waitErr *nameWaitError
		if !errors.As(err, &waitErr) || waitErr.takenBy != "" || calls != 3 {
			t.Fatalf("got %v after %d calls, want a timeout after 3 (at 0, 0.5 s and the deadline)", err, calls)
		}
		for _, want := range []string{`"acme"`, "Username is not available", "tried 3 times", "NAMESPACE_GC_GRACE_PERIOD_SECONDS", "timeouts.create"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("message lacks %q: %s", want, err)
			}
		}
		if !quay.IsNameReserved(err) {
			t.Error("the timeout error does not unwrap to Quay's answer")
		}
	})

	t.Run("taken while waiting", func(t *testing.T) {
		for _, tc := range []struct{ name, owner string }{{"live", "organization"}, {"admin", "user"}} {
			calls := 0
			err := createReusingName(context.Background(), c, time.Minute, "organization", tc.name, answers(&calls, errReserved, errTaken))
			var waitErr *nameWaitError
			if !errors.As(err, &waitErr) || waitErr.takenBy != tc.owner {
				t.Fatalf("%s: got %v, want taken by a %s", tc.name, err, tc.owner)
			}
			if !strings.Contains(err.Error(), "now taken by another "+tc.owner) || !strings.Contains(err.Error(), "NAMESPACE_GC_GRACE_PERIOD_SECONDS") {
				t.Errorf("message: %s", err)
			}
		}
	})

	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		create := func(context.Context) error { calls++; cancel(); return errReserved }
		if err := createReusingName(ctx, c, time.Minute, "user", "acme", create); !errors.Is(err, context.Canceled) || calls != 1 {
			t.Fatalf("got %v after %d calls", err, calls)
		}
	})
}

// testAccReplaceKeepsName replaces the object at addr (tainted, same
// config): Terraform deletes it and at once creates one of the same name,
// which Quay after 3.18.0 refuses until its namespace GC has run; the
// create waits for it, and checks hold on the new object.
func testAccReplaceKeepsName(t *testing.T, addr, cfg string, checkDestroy resource.TestCheckFunc, checks ...statecheck.StateCheck) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             checkDestroy,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				Config: cfg,
				Taint:  []string{addr},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: checks,
			},
		},
	})
}

// reservingQuay starts an emulator of the test's own whose deleted names
// stay reserved until RunNamespaceGC, as on a Quay whose namespace GC has
// not run yet. wrap, when set, sits in front of it. It returns a
// superuser client and a provider block for it.
func reservingQuay(t *testing.T, wrap func(emu *emulator.Server, next http.Handler) http.Handler) (*quay.Client, string) {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.NamespaceGCDelay = -1
	emu := emulator.New(cfg)
	emu.AddUser("admin", "admin@example.com", true)
	token := emu.IssueToken("admin")
	var h http.Handler = emu
	if wrap != nil {
		h = wrap(emu, emu)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	emu.SetBaseURL(srv.URL)
	c, err := quay.New(srv.URL, quay.WithToken(token))
	if err != nil {
		t.Fatal(err)
	}
	return c, fmt.Sprintf("provider \"quay\" {\n  url   = %q\n  token = %q\n}\n", srv.URL, token)
}

// TestAccNameReservation_timesOut: a name Quay keeps reserved past the
// create timeout fails the create with the reason and what to do, for
// organizations and users alike. Self-contained: its emulator never frees
// the name.
func TestAccNameReservation_timesOut(t *testing.T) {
	for _, typ := range []struct{ resource, attr, what string }{
		{"quay_organization", "name", "organization"},
		{"quay_user", "username", "user"},
	} {
		t.Run(typ.what, func(t *testing.T) {
			c, provider := reservingQuay(t, nil)
			name := acctest.RandomWithPrefix("tfacc")
			ctx := context.Background()
			if err := c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: name}); err != nil {
				t.Fatal(err)
			}
			if err := c.DeleteOrganization(ctx, name); err != nil {
				t.Fatal(err)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: provider + fmt.Sprintf(`
resource %q "test" {
  %s = %q
  timeouts {
    create = "2s"
  }
}`, typ.resource, typ.attr, name),
					ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Unable to create %s %q.*Quay still refuses the name.*NAMESPACE_GC_GRACE_PERIOD_SECONDS`, typ.what, name)),
				}},
			})
		})
	}
}

// TestAccNameReservation_takenWhileWaiting: when the reserved name is
// freed and someone else takes it first, the error says so and by whom.
// Self-contained: its emulator frees the name and makes a user of it right
// after refusing the organization's first create.
func TestAccNameReservation_takenWhileWaiting(t *testing.T) {
	name := acctest.RandomWithPrefix("tfacc")
	var armed atomic.Bool
	c, provider := reservingQuay(t, func(emu *emulator.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if r.Method == http.MethodPost && r.URL.Path == "/api/v1/organization/" && armed.CompareAndSwap(true, false) {
				emu.RunNamespaceGC(name)
				emu.AddUser(name, name+"@example.com", false)
			}
		})
	})
	ctx := context.Background()
	if err := c.CreateOrganization(ctx, quay.CreateOrganizationRequest{Name: name}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteOrganization(ctx, name); err != nil {
		t.Fatal(err)
	}
	armed.Store(true)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      provider + fmt.Sprintf(`resource "quay_organization" "test" { name = %q }`, name),
			ExpectError: regexp.MustCompile(`(?s)Unable to create organization.*now\s+taken\s+by\s+another\s+user`),
		}},
	})
}
