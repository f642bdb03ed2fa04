// Package inventory walks a live Quay and names every object the provider
// can manage: its Terraform resource type, import ID and identity. It only
// reads (GET requests), makes at most one request per object besides the
// lists, and knows nothing of output formats, so that an import file
// writer (cmd/quay-import) and Terraform list resources can share it.
package inventory

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"strings"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// Terraform resource types the walk yields.
const (
	TypeOrganization         = "quay_organization"
	TypeTeam                 = "quay_team"
	TypeOrgMember            = "quay_org_member"
	TypeUser                 = "quay_user"
	TypeOAuthApplication     = "quay_oauth_application"
	TypeProxyCache           = "quay_proxy_cache"
	TypeQuota                = "quay_quota"
	TypeServiceKey           = "quay_service_key"
	TypeRepository           = "quay_repository"
	TypeRepositoryPermission = "quay_repository_permission"
	TypeDefaultPermission    = "quay_default_permission"
	TypeRobot                = "quay_robot"
)

// Object is one thing in Quay that a resource can manage.
type Object struct {
	// Type is the Terraform resource type, e.g. "quay_team".
	Type string
	// ImportID is what `terraform import` and an import block's id take.
	ImportID string
	// Identity is the resource identity (Terraform 1.12+), by attribute.
	Identity map[string]string
	// Name is a readable name in parts (e.g. organization, team), from
	// which callers build resource addresses.
	Name []string
	// Notes say what configuration generated from the imported state cannot
	// know (secrets Quay never returns, settings read only when configured).
	Notes []string
	// Default marks what Quay made by itself (an organization's owners
	// team, a repository creator's admin grant, the token user's own
	// membership of owners) or keeps in its configuration (superusers,
	// Quay's own service keys): importing it is rarely wanted.
	Default bool
}

// Options select what the walk covers.
type Options struct {
	// Organizations limits the walk to these organizations and what is in
	// them; instance-wide objects (users, their namespaces, service keys)
	// are then left out. Empty means everything the token can see.
	Organizations []string
	// Parallelism is how many organizations are read at once (default 4).
	Parallelism int
	// Progress, when set, is called with the number of namespaces
	// (organizations, then users) done and the total: once when the total
	// is known, then after each, from the goroutine that ranges over Walk.
	Progress func(done, total int)
	// Warn, when set, receives what the walk could not read and skipped
	// (for example an organization the token may not administer), one
	// message at a time. Unset, those are errors.
	Warn func(msg string)
}

// Walk reads the Quay behind c and yields its objects: instance-wide ones
// first (users, service keys), then each organization with what it holds,
// then user namespaces' repositories. The order is deterministic for a
// given installation. It stops at the first error, which it yields.
func Walk(ctx context.Context, c *quay.Client, opts Options) iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		w, err := newWalker(ctx, c, opts)
		if err != nil {
			yield(Object{}, err)
			return
		}
		w.run(ctx, yield)
	}
}

// Collect runs Walk to the end and returns every object.
func Collect(ctx context.Context, c *quay.Client, opts Options) ([]Object, error) {
	var out []Object
	for o, err := range Walk(ctx, c, opts) {
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}

// ParseOrganizations splits repeated and comma-separated organization
// names, drops blanks and duplicates, and sorts them.
func ParseOrganizations(values []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range values {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// fixedNotes are what Quay never returns, by resource type.
var fixedNotes = map[string][]string{
	TypeUser: {
		"Quay never returns passwords: to manage this user's password, add password_wo and password_wo_version (the next apply then sets it).",
	},
	TypeProxyCache: {
		"Quay never returns the upstream credentials: if this cache logs in to its upstream registry, add upstream_registry_username, " +
			"upstream_registry_password_wo and upstream_registry_password_wo_version: the first apply after the import records them without replacing the cache.",
	},
	TypeServiceKey: {
		"Quay returns a key's private half only when it creates the key: private_key stays empty in state.",
	},
}

// placeholderEmailNote is for a user created without an e-mail address,
// for whom Quay shows the random placeholder it stores.
func placeholderEmailNote(placeholder string) string {
	return fmt.Sprintf("This user has no e-mail address: Quay shows a placeholder, which is not a valid email value. "+
		"In the generated resource, delete the line\n  email = %q\n(the e-mail is then left alone).", placeholder)
}

func federationNote(entries []quay.RobotFederation) string {
	var b strings.Builder
	b.WriteString("This robot trusts identities from other issuers; the provider reads them only when federation is configured. " +
		"Add this to the generated resource, else they stay unmanaged:\n  federation = [\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "    { issuer = %q, subject = %q },\n", e.Issuer, e.Subject)
	}
	b.WriteString("  ]")
	return b.String()
}
