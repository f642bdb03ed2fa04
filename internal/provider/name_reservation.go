package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// Quay after 3.18.0 keeps the name of a deleted organization or user
// reserved until its namespace garbage collector purges the namespace: a
// create of that name is refused with "Username is not available"
// (quay-api.md §4.4, §8.1). The worker polls every 60 s; a name listed in
// NAMESPACE_GC_GRACE_PERIOD_ALLOWLIST is kept for
// NAMESPACE_GC_GRACE_PERIOD_SECONDS more. Every replacement of an
// organization or user, and every re-creation after a deletion outside
// Terraform, meets this, so such creates wait and retry here.
//
// Robots and repositories need none of this: Quay deletes a robot row at
// once and a deleted repository is renamed out of the way, and neither
// create looks for a deletion marker, so their names are reusable at once.

// defaultNameWaitTimeout is how long a create waits for a reserved name
// unless `timeouts.create` says otherwise: Quay's 60 s poll, plus time for
// the purge itself (it deletes the namespace's repositories first) and for
// a worker that is busy with other namespaces.
const defaultNameWaitTimeout = 5 * time.Minute

// The wait between attempts doubles from nameWaitFirst up to nameWaitMax:
// a name freed by a 60 s poll costs about ten extra POSTs.
const (
	nameWaitFirst = 500 * time.Millisecond
	nameWaitMax   = 10 * time.Second
)

// nameWaitTimeoutsBlock is the `timeouts` block of a resource whose create
// may wait for Quay to free a reserved name; what names the object.
func nameWaitTimeoutsBlock(ctx context.Context, what string) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{
		Create: true,
		CreateDescription: fmt.Sprintf("How long creating the %s may wait for Quay to free its name when the name still belongs to a recently deleted organization or user (Quay after 3.18.0 reserves it until its namespace garbage collector runs, at most about a minute unless `NAMESPACE_GC_GRACE_PERIOD_SECONDS` applies). A duration such as `\"90s\"` or `\"10m\"`; defaults to `\"%s\"`.",
			what, shortDuration(defaultNameWaitTimeout)),
	})
}

// shortDuration prints d the way people write it in a config ("5m", not "5m0s").
func shortDuration(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// createReusingName runs create, and while Quay refuses the name as
// reserved for a deleted namespace, waits with backoff and runs it again,
// for at most timeout. It returns create's own error when that is anything
// else (so the caller's handling of lost answers applies), a
// *nameWaitError when the time is up or a live namespace took the name
// meanwhile. kind ("organization", "user") and name are for messages; c
// looks up who took the name.
func createReusingName(ctx context.Context, c *quay.Client, timeout time.Duration, kind, name string, create func(context.Context) error) error {
	start := time.Now()
	deadline := start.Add(timeout)
	wait := nameWaitFirst
	for attempt := 1; ; attempt++ {
		err := create(ctx)
		fields := map[string]any{"kind": kind, "name": name, "attempt": attempt, "waited": time.Since(start).Round(time.Millisecond).String()}
		if !quay.IsNameReserved(err) {
			switch {
			case attempt == 1:
			case err == nil:
				tflog.Info(ctx, "Quay freed the reserved name; created", fields)
			case quay.IsNameTaken(err):
				owner := "user"
				if _, getErr := c.GetOrganization(ctx, name); getErr == nil {
					owner = "organization"
				}
				return &nameWaitError{kind: kind, name: name, waited: time.Since(start), attempts: attempt, takenBy: owner, err: err}
			}
			return err
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			tflog.Warn(ctx, "name still reserved by a deleted namespace when the create timeout ran out", fields)
			return &nameWaitError{kind: kind, name: name, waited: time.Since(start), attempts: attempt, err: err}
		}
		if attempt == 1 {
			tflog.Info(ctx, "Quay keeps this name reserved for a deleted organization or user until its namespace garbage collector purges it; waiting and retrying the create",
				map[string]any{"kind": kind, "name": name, "timeout": timeout.String()})
		} else {
			tflog.Debug(ctx, "name still reserved; retrying the create", fields)
		}
		t := time.NewTimer(min(wait, remaining))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("interrupted while waiting for Quay to free the name %q of a deleted namespace: %w", name, ctx.Err())
		case <-t.C:
		}
		wait = min(wait*2, nameWaitMax)
	}
}

// nameWaitError is a create that waited for a reserved name in vain: the
// time ran out (takenBy empty), or the name was freed and a live
// organization or user (takenBy) took it first.
type nameWaitError struct {
	kind, name string
	waited     time.Duration
	attempts   int
	takenBy    string
	err        error // Quay's last answer
}

func (e *nameWaitError) Unwrap() error { return e.err }

func (e *nameWaitError) Error() string {
	waited := e.waited.Round(100 * time.Millisecond)
	if e.takenBy != "" {
		return fmt.Sprintf("The name %q belonged to a deleted organization or user, so Quay kept it reserved; "+
			"after waiting %s for Quay to free it, the name is now taken by another %s that exists in Quay (Quay answered: %s). "+
			"Import that %s, or choose another name for this %s. (How long Quay reserves deleted names depends on its namespace garbage collector and NAMESPACE_GC_GRACE_PERIOD_SECONDS.)",
			e.name, waited, e.takenBy, quay.ErrorMessage(e.err), e.takenBy, e.kind)
	}
	return fmt.Sprintf("Quay still refuses the name %q (%q): it belongs to a deleted organization or user that Quay's namespace garbage collector has not purged yet. "+
		"The create was tried %d times over %s, the create timeout. "+
		"Quay's worker polls every 60 seconds, so such a name is usually free within a minute or two; "+
		"a name listed in NAMESPACE_GC_GRACE_PERIOD_ALLOWLIST stays reserved for NAMESPACE_GC_GRACE_PERIOD_SECONDS, "+
		"and with FEATURE_NAMESPACE_GARBAGE_COLLECTION off it is never freed. "+
		"Apply again later, raise timeouts.create, or choose another name.",
		e.name, quay.ErrorMessage(e.err), e.attempts, waited)
}

// addCreateError reports a failed create, with the full story when it
// waited for a reserved name.
func addCreateError(diags *diag.Diagnostics, summary string, err error) {
	var waitErr *nameWaitError
	if errors.As(err, &waitErr) {
		diags.AddError(summary, waitErr.Error())
		return
	}
	addAPIError(diags, summary, err)
}
