package inventory

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/quaytf/terraform-provider-quay/internal/quay"
)

// namespaceJob is one organization or user namespace to read.
type namespaceJob struct {
	name string
	org  bool
	// requested: named in Options.Organizations, so its absence is an error.
	requested bool
	user      *quay.User // for user namespaces: the superuser view (quotas)
}

type walker struct {
	c    *quay.Client
	opts Options
	me   *quay.CurrentUser
	cfg  *quay.InstanceConfig // nil when /config could not be read
	// instance: walk instance-wide objects (no organization filter, a superuser token).
	instance bool
	users    []quay.User
	jobs     []namespaceJob
}

func newWalker(ctx context.Context, c *quay.Client, opts Options) (*walker, error) {
	if opts.Parallelism < 1 {
		opts.Parallelism = 4
	}
	if warn := opts.Warn; warn != nil {
		// Namespaces are read in parallel: one warning at a time.
		var mu sync.Mutex
		opts.Warn = func(msg string) {
			mu.Lock()
			defer mu.Unlock()
			warn(msg)
		}
	}
	w := &walker{c: c, opts: opts}
	me, err := c.GetCurrentUser(ctx)
	if err != nil {
		return nil, fmt.Errorf("checking the token (GET /api/v1/user/): %w", err)
	}
	w.me = me
	// Without /config every feature counts as on, and Quay answers for itself.
	w.cfg, _ = c.GetInstanceConfig(ctx)

	switch {
	case len(opts.Organizations) > 0:
		for _, org := range opts.Organizations {
			w.jobs = append(w.jobs, namespaceJob{name: org, org: true, requested: true})
		}
		return w, nil
	case me.SuperUser:
		w.instance = true
		orgs, err := c.ListAllOrganizations(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing organizations: %w", err)
		}
		names := make([]string, 0, len(orgs))
		for _, o := range orgs {
			names = append(names, o.Name)
		}
		sort.Strings(names)
		for _, n := range names {
			w.jobs = append(w.jobs, namespaceJob{name: n, org: true})
		}
		if w.users, err = c.ListUsers(ctx, true); err != nil {
			return nil, fmt.Errorf("listing users: %w", err)
		}
		sort.Slice(w.users, func(i, j int) bool { return w.users[i].Username < w.users[j].Username })
		for i := range w.users {
			w.jobs = append(w.jobs, namespaceJob{name: w.users[i].Username, user: &w.users[i]})
		}
	default:
		// Not a superuser: the token user's organizations and namespace.
		if opts.Warn != nil {
			opts.Warn(fmt.Sprintf("the token's user %q is not a superuser: users, service keys and other users' namespaces are left out", me.Username))
		}
		names := make([]string, 0, len(me.Organizations))
		for _, o := range me.Organizations {
			names = append(names, o.Name)
		}
		sort.Strings(names)
		for _, n := range names {
			w.jobs = append(w.jobs, namespaceJob{name: n, org: true})
		}
		w.jobs = append(w.jobs, namespaceJob{name: me.Username})
	}
	return w, nil
}

func (w *walker) run(ctx context.Context, yield func(Object, error) bool) {
	if w.instance {
		objs, err := w.instanceObjects(ctx)
		if err != nil {
			yield(Object{}, err)
			return
		}
		for _, o := range objs {
			if !yield(o, nil) {
				return
			}
		}
	}

	if w.opts.Progress != nil {
		w.opts.Progress(0, len(w.jobs))
	}
	// Namespaces are read in parallel and yielded in order.
	type result struct {
		objs []Object
		err  error
	}
	results := make([]chan result, len(w.jobs))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	go func() {
		sem := make(chan struct{}, w.opts.Parallelism)
		for i, job := range w.jobs {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				defer func() { <-sem }()
				var r result
				if job.org {
					r.objs, r.err = w.organization(ctx, job)
				} else {
					r.objs, r.err = w.userNamespace(ctx, job)
				}
				results[i] <- r
			}()
		}
	}()
	for i := range w.jobs {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			yield(Object{}, ctx.Err())
			return
		}
		if r.err != nil {
			yield(Object{}, r.err)
			return
		}
		for _, o := range r.objs {
			if !yield(o, nil) {
				return
			}
		}
		if w.opts.Progress != nil {
			w.opts.Progress(i+1, len(w.jobs))
		}
	}
}

// skippable reports an error the walk may step over (with a warning):
// the token may not read this part of the installation.
func (w *walker) skippable(err error, what string) bool {
	if w.opts.Warn == nil || !quay.IsStatus(err, http.StatusForbidden) {
		return false
	}
	w.opts.Warn(fmt.Sprintf("skipped %s: %s", what, quay.ErrorMessage(err)))
	return true
}

// vanished reports an organization deleted while the walk read it (Quay
// answers 404 for its lists): it is left out, with a warning. An
// organization asked for by name is not, so that its absence is an error.
func (w *walker) vanished(err error, job namespaceJob) bool {
	if !quay.IsNotFound(err) || job.requested {
		return false
	}
	if w.opts.Warn != nil {
		w.opts.Warn(fmt.Sprintf("skipped organization %q: deleted during the walk", job.name))
	}
	return true
}

func (w *walker) instanceObjects(ctx context.Context) ([]Object, error) {
	var out []Object
	for _, u := range w.users {
		notes := fixedNotes[TypeUser]
		if !strings.Contains(u.Email, "@") {
			notes = append(slices.Clone(notes), placeholderEmailNote(u.Email))
		}
		out = append(out, Object{
			Type: TypeUser, ImportID: u.Username, Identity: map[string]string{"username": u.Username},
			Name: []string{u.Username}, Notes: notes,
			// Superusers come from Quay's configuration, and its API refuses to change or delete them.
			Default: u.SuperUser,
		})
	}
	keys, err := w.c.ListServiceKeys(ctx)
	if err != nil && !w.skippable(err, "service keys") {
		return nil, fmt.Errorf("listing service keys: %w", err)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Kid < b.Kid
	})
	for _, k := range keys {
		name := []string{k.Service}
		if k.Name != "" {
			name = append(name, k.Name)
		}
		out = append(out, Object{
			Type: TypeServiceKey, ImportID: k.Kid, Identity: map[string]string{"kid": k.Kid},
			Name: name, Notes: fixedNotes[TypeServiceKey],
			// Quay's own instance keys (service "quay") rotate by themselves.
			Default: k.Service == "quay",
		})
	}
	messages, err := w.globalMessages(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, messages...), nil
}

func (w *walker) organization(ctx context.Context, job namespaceJob) ([]Object, error) {
	org := job.name
	o, err := w.c.GetOrganization(ctx, org)
	switch {
	case quay.IsNotFound(err) && job.requested:
		return nil, fmt.Errorf("organization %q not found", org)
	case quay.IsNotFound(err):
		return nil, nil // deleted while the walk ran
	case err != nil:
		return nil, fmt.Errorf("reading organization %q: %w", org, err)
	}
	if !o.IsAdmin {
		if w.opts.Warn == nil {
			return nil, fmt.Errorf("organization %q: the token's user %q does not administer it", org, w.me.Username)
		}
		w.opts.Warn(fmt.Sprintf("skipped organization %q: the token's user %q does not administer it", org, w.me.Username))
		return nil, nil
	}
	out := []Object{{Type: TypeOrganization, ImportID: org, Identity: map[string]string{"name": org}, Name: []string{org}}}

	teams := make([]string, 0, len(o.Teams))
	for name := range o.Teams {
		teams = append(teams, name)
	}
	sort.Strings(teams)
	for _, t := range teams {
		out = append(out, Object{
			Type: TypeTeam, ImportID: org + "/" + t, Identity: map[string]string{"organization": org, "name": t},
			Name: []string{org, t}, Default: t == "owners",
		})
	}

	members, err := w.c.ListOrgMembers(ctx, org)
	if w.vanished(err, job) {
		return nil, nil
	}
	if err != nil && !w.skippable(err, fmt.Sprintf("the members of %q", org)) {
		return nil, fmt.Errorf("listing the members of %q: %w", org, err)
	}
	sort.Slice(members, func(i, j int) bool { return members[i].Name < members[j].Name })
	for _, m := range members {
		if m.Kind == "robot" || quay.IsRobotName(m.Name) {
			continue // robots come with the robot list, below
		}
		teams := m.TeamNames()
		out = append(out, Object{
			Type: TypeOrgMember, ImportID: org + "/" + m.Name, Identity: map[string]string{"organization": org, "username": m.Name},
			Name: []string{org, m.Name},
			// The creator of an organization is put in owners by Quay.
			Default: m.Name == w.me.Username && len(teams) == 1 && teams[0] == "owners",
		})
	}

	robots, err := w.robots(ctx, quay.RobotOwner{Namespace: org}, 3, 13)
	if err != nil {
		return nil, err
	}
	out = append(out, robots...)

	lifecycle, err := w.namespaceLifecycle(ctx, org)
	if err != nil {
		return nil, err
	}
	out = append(out, lifecycle...)

	apps, err := w.c.ListApplications(ctx, org)
	if w.vanished(err, job) {
		return nil, nil
	}
	if err != nil && !w.skippable(err, fmt.Sprintf("the OAuth applications of %q", org)) {
		return nil, fmt.Errorf("listing the OAuth applications of %q: %w", org, err)
	}
	sort.Slice(apps, func(i, j int) bool {
		if apps[i].Name != apps[j].Name {
			return apps[i].Name < apps[j].Name
		}
		return apps[i].ClientID < apps[j].ClientID
	})
	for _, a := range apps {
		out = append(out, Object{
			Type: TypeOAuthApplication, ImportID: org + "/" + a.ClientID, Identity: map[string]string{"organization": org, "client_id": a.ClientID},
			Name: []string{org, a.Name},
		})
	}

	if !w.cfg.FeatureOff("PROXY_CACHE") {
		_, err := w.c.GetProxyCache(ctx, org)
		switch {
		case err == nil:
			out = append(out, Object{
				Type: TypeProxyCache, ImportID: org, Identity: map[string]string{"organization": org},
				Name: []string{org}, Notes: fixedNotes[TypeProxyCache],
			})
		case quay.IsNotFound(err) || w.skippable(err, fmt.Sprintf("the proxy cache of %q", org)):
		default:
			return nil, fmt.Errorf("reading the proxy cache of %q: %w", org, err)
		}
	}

	if hasQuota(o.Quotas) {
		out = append(out, quotaObject(org))
	}

	protos, err := w.c.ListPrototypes(ctx, org)
	if w.vanished(err, job) {
		return nil, nil
	}
	if err != nil && !w.skippable(err, fmt.Sprintf("the default permissions of %q", org)) {
		return nil, fmt.Errorf("listing the default permissions of %q: %w", org, err)
	}
	out = append(out, defaultPermissions(org, protos)...)

	repos, err := w.repositories(ctx, org, true)
	if err != nil {
		return nil, err
	}
	return append(out, repos...), nil
}

func hasQuota(qs []quay.QuotaSummary) bool {
	// A system-wide default shows as an entry without an id: not a quota of its own.
	return slices.ContainsFunc(qs, func(q quay.QuotaSummary) bool { return q.ID != 0 })
}

func quotaObject(ns string) Object {
	return Object{Type: TypeQuota, ImportID: ns, Identity: map[string]string{"namespace": ns}, Name: []string{ns}}
}

// robots lists the owner's robots (with their teams, without tokens) and
// reads each one's federation where Quay has it (org robots since 3.13,
// user robots since 3.18): the provider reads federation only when it is
// configured, so the import must say what to write.
func (w *walker) robots(ctx context.Context, owner quay.RobotOwner, major, minor int) ([]Object, error) {
	ns := owner.Namespace
	robots, err := w.c.ListRobots(ctx, owner, quay.ListRobotsOptions{Permissions: !owner.User, NoToken: true})
	if err != nil {
		if w.skippable(err, fmt.Sprintf("the robots of %q", ns)) {
			return nil, nil
		}
		return nil, fmt.Errorf("listing the robots of %q: %w", ns, err)
	}
	var out, memberships []Object
	for _, r := range robots {
		short := r.ShortName()
		o := Object{
			Type: TypeRobot, ImportID: ns + "/" + short, Identity: map[string]string{"namespace": ns, "name": short},
			Name: []string{ns, short},
		}
		if !w.cfg.OlderThan(major, minor) {
			fed, err := w.c.GetRobotFederation(ctx, owner, short)
			switch {
			case err == nil && len(fed) > 0:
				o.Notes = append(o.Notes, federationNote(fed))
			case err == nil || quay.IsNotFound(err):
			case w.skippable(err, fmt.Sprintf("the federation of robot %q", r.Name)):
			default:
				return nil, fmt.Errorf("reading the federation of robot %q: %w", r.Name, err)
			}
		}
		out = append(out, o)
		if len(r.Teams) > 0 {
			memberships = append(memberships, Object{
				Type: TypeOrgMember, ImportID: ns + "/" + r.Name, Identity: map[string]string{"organization": ns, "username": r.Name},
				Name: []string{ns, "robot", short},
			})
		}
	}
	return append(memberships, out...), nil
}

func defaultPermissions(org string, protos []quay.Prototype) []Object {
	type entry struct {
		key []string
		obj Object
	}
	entries := make([]entry, 0, len(protos))
	for _, p := range protos {
		kind, who := "user", p.Delegate.Name
		switch {
		case p.Delegate.Kind == "team":
			kind = "team"
		case p.Delegate.IsRobot || quay.IsRobotName(who):
			kind = "robot"
			_, who, _ = strings.Cut(who, "+")
		}
		name := []string{org}
		if p.ActivatingUser != nil {
			name = append(name, "for", p.ActivatingUser.Name)
		}
		name = append(name, kind, who)
		entries = append(entries, entry{key: append(slices.Clone(name), p.ID), obj: Object{
			Type: TypeDefaultPermission, ImportID: org + "/" + p.ID, Identity: map[string]string{"organization": org, "id": p.ID},
			Name: name,
		}})
	}
	sort.Slice(entries, func(i, j int) bool { return slices.Compare(entries[i].key, entries[j].key) < 0 })
	out := make([]Object, len(entries))
	for i, e := range entries {
		out[i] = e.obj
	}
	return out
}

// repositories lists a namespace's repositories, page by page, and each
// one's grants (user and robot grants; team grants in organizations).
func (w *walker) repositories(ctx context.Context, ns string, org bool) ([]Object, error) {
	var items []quay.RepositoryListItem
	next := ""
	for {
		page, err := w.c.ListRepositories(ctx, quay.ListRepositoriesOptions{Namespace: ns, NextPage: next})
		if err != nil {
			if w.skippable(err, fmt.Sprintf("the repositories of %q", ns)) {
				return nil, nil
			}
			return nil, fmt.Errorf("listing the repositories of %q: %w", ns, err)
		}
		for _, r := range page.Repositories {
			if r.Namespace == ns { // the list is by namespace; be sure
				items = append(items, r)
			}
		}
		if page.NextPage == "" || page.NextPage == next {
			break
		}
		next = page.NextPage
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
	var out []Object
	for _, r := range items {
		full := ns + "/" + r.Name
		out = append(out, Object{
			Type: TypeRepository, ImportID: full, Identity: map[string]string{"namespace": ns, "name": r.Name},
			Name: []string{ns, r.Name},
		})
		lifecycle, err := w.repositoryLifecycle(ctx, ns, r.Name)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(lifecycle, func(o Object) bool { return o.Type == TypeRepositoryMirror }) {
			repoObj := &out[len(out)-1]
			repoObj.Notes = append(repoObj.Notes, mirroredRepositoryNote)
		}
		out = append(out, lifecycle...)
		users, err := w.c.ListRepositoryUserPermissions(ctx, ns, r.Name)
		if err != nil && !w.skippable(err, fmt.Sprintf("the grants of %q", full)) {
			return nil, fmt.Errorf("listing the user grants of %q: %w", full, err)
		}
		for _, name := range sortedKeys(users) {
			p := users[name]
			kind, who := "user", name
			if p.IsRobot || quay.IsRobotName(name) {
				kind = "robot"
				if robotNS, short, _ := strings.Cut(name, "+"); robotNS == ns {
					who = short
				}
			}
			out = append(out, Object{
				Type: TypeRepositoryPermission, ImportID: full + "/user/" + name,
				Identity: map[string]string{"repository": full, "username": name},
				Name:     []string{ns, r.Name, kind, who},
				// Quay grants admin to whoever creates a repository (here taken to
				// be the token's user), and always to a user namespace's owner.
				Default: p.Role == "admin" && (name == w.me.Username || !org && name == ns),
			})
		}
		if !org {
			continue
		}
		teams, err := w.c.ListRepositoryTeamPermissions(ctx, ns, r.Name)
		if err != nil && !w.skippable(err, fmt.Sprintf("the team grants of %q", full)) {
			return nil, fmt.Errorf("listing the team grants of %q: %w", full, err)
		}
		for _, name := range sortedKeys(teams) {
			out = append(out, Object{
				Type: TypeRepositoryPermission, ImportID: full + "/team/" + name,
				Identity: map[string]string{"repository": full, "team": name},
				Name:     []string{ns, r.Name, "team", name},
			})
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// userNamespace reads what a user's namespace holds: its quota (from the
// user list), its repositories and their grants, and, for the token's own
// user only (Quay's user robot calls act on no one else), its robots.
func (w *walker) userNamespace(ctx context.Context, job namespaceJob) ([]Object, error) {
	var out []Object
	if job.user != nil && hasQuota(job.user.Quotas) {
		out = append(out, quotaObject(job.name))
	}
	if job.name == w.me.Username {
		robots, err := w.robots(ctx, quay.RobotOwner{Namespace: job.name, User: true}, 3, 18)
		if err != nil {
			return nil, err
		}
		out = append(out, robots...)
	}
	repos, err := w.repositories(ctx, job.name, false)
	if err != nil {
		return nil, err
	}
	return append(out, repos...), nil
}
