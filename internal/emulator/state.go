package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// AllScopes are the OAuth scopes a full-access API token carries.
var AllScopes = []string{"org:admin", "repo:admin", "repo:create", "repo:read", "repo:write", "super:user", "user:admin", "user:read"}

// state is Quay's database. Every field is guarded by Server.mu.
type state struct {
	namespaces map[string]*namespace // users and organizations share one name space
	tokens     map[string]*token
	nextID     int64 // DB ids (quotas, limits)

	serviceKeys map[string]*serviceKey // by kid; see servicekeys.go

	registrySize registrySize      // superuser.go
	builds       map[string]*build // by UUID; see builds.go
	logs         []*logEntry       // usage logs, oldest first; see logs.go

	registry registryState // blob uploads and registry tokens; see registry.go

	groups   map[string][]string // directory groups by name, for team sync; see teamsync.go
	messages []*globalMessage    // superusers' global messages, oldest first; see globalmessages.go

	// reserved holds the names of deleted namespaces not yet purged, with
	// the time the simulated GC purges each (zero: only RunNamespaceGC
	// does); see namespacegc.go.
	reserved map[string]time.Time
}

func newState() *state {
	return &state{
		namespaces:  map[string]*namespace{},
		tokens:      map[string]*token{},
		nextID:      1,
		serviceKeys: map[string]*serviceKey{},
		reserved:    map[string]time.Time{},
	}
}

func (st *state) newID() int64 {
	id := st.nextID
	st.nextID++
	return id
}

// namespace is a user or an organization row.
type namespace struct {
	name    string
	isOrg   bool
	email   string // orgs created without one store a random UUID, as Quay does
	created time.Time

	// Users.
	password  string
	enabled   bool
	verified  bool
	superuser bool // listed in SUPER_USERS

	// Organizations.
	invoiceEmail        bool
	invoiceEmailAddress *string
	tagExpirationS      int64
	teams               []*team // in creation order
	apps                []*application
	proxyCache          *proxyCacheConfig
	prototypes          []*prototype           // default permissions, in creation order (prototypes.go)
	repoGrants          map[string]*repoGrants // permission rows by repository name (permissions.go)

	// Users and organizations: storage quota (quotas.go); dropped with the namespace.
	quota     *quota
	usedBytes int64

	// Users and organizations: live repositories by name (repositories.go);
	// made on first use, dropped with the namespace.
	repos map[string]*repository

	// Users and organizations: robot accounts by short name (robots.go);
	// made on first use, dropped with the namespace.
	robots map[string]*robot

	// Users and organizations: auto-prune policies (autoprune.go),
	// immutability policies (immutability.go) and namespace notifications
	// (notifications.go), in creation order; dropped with the namespace.
	autoprunePolicies    []*autoprunePolicy
	immutabilityPolicies []*immutabilityPolicy
	notifications        []*notification

	// Organizations: the organization mirror configuration (org_mirror.go).
	orgMirror *orgMirror
}

// team is an organization team with its members and pending invitations.
type team struct {
	name        string
	description string
	role        string // member, creator, admin
	members     []string
	invites     []*invite
	sync        *teamSync // set while the team follows a directory group (teamsync.go)
}

// invite is a pending team invitation, for an existing user or an e-mail.
type invite struct {
	user  string // set for invitations of existing users
	email string // set for e-mail invitations
}

type token struct {
	user   string
	scopes map[string]bool
}

func (ns *namespace) team(name string) *team {
	for _, t := range ns.teams {
		if t.name == name {
			return t
		}
	}
	return nil
}

func (t *team) hasMember(user string) bool {
	for _, m := range t.members {
		if m == user {
			return true
		}
	}
	return false
}

// caller is who a request acts as, after token lookup.
type caller struct {
	user       *namespace // nil when anonymous
	scopes     map[string]bool
	superuser  bool // SU: superuser, FEATURE_SUPER_USERS and super:user scope
	fullAccess bool // FullSU: SU with FEATURE_SUPERUSERS_FULL_ACCESS
}

func (c caller) name() string {
	if c.user == nil {
		return ""
	}
	return c.user.name
}

// caller resolves the bearer token. Unknown tokens and tokens of disabled
// users leave the request anonymous, as in Quay: nothing fails up front.
func (s *Server) caller(r *http.Request) caller {
	auth := r.Header.Get("Authorization")
	tok, found := strings.CutPrefix(auth, "Bearer ")
	if !found {
		return caller{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.state.tokens[strings.TrimSpace(tok)]
	if t == nil {
		return caller{}
	}
	u := s.state.namespaces[t.user]
	if u == nil || u.isOrg || !u.enabled {
		return caller{}
	}
	c := caller{user: u, scopes: t.scopes}
	c.superuser = u.superuser && s.cfg.Features.SuperUsers && t.scopes["super:user"]
	c.fullAccess = c.superuser && s.cfg.Features.SuperusersFullAccess
	return c
}

// Permission checks, as quay-api.md §1.4 defines the caller roles. They read
// state, so callers hold s.mu.

// isOrgAdmin: in an admin-role team of org with org:admin, or FullSU.
func (s *Server) isOrgAdmin(c caller, org *namespace) bool {
	if c.fullAccess {
		return true
	}
	if c.user == nil || org == nil || !org.isOrg || !c.scopes["org:admin"] {
		return false
	}
	for _, t := range org.teams {
		if t.role == "admin" && t.hasMember(c.user.name) {
			return true
		}
	}
	return false
}

// isOrgMember: in any team of org (with org:admin or repo:create), or FullSU.
func (s *Server) isOrgMember(c caller, org *namespace) bool {
	if c.fullAccess {
		return true
	}
	if c.user == nil || org == nil || !org.isOrg || !(c.scopes["org:admin"] || c.scopes["repo:create"]) {
		return false
	}
	for _, t := range org.teams {
		if t.hasMember(c.user.name) {
			return true
		}
	}
	return false
}

// org returns the organization by name, or nil.
func (st *state) org(name string) *namespace {
	ns := st.namespaces[name]
	if ns == nil || !ns.isOrg {
		return nil
	}
	return ns
}

// user returns the (non-org) user by name, or nil.
func (st *state) user(name string) *namespace {
	ns := st.namespaces[name]
	if ns == nil || ns.isOrg {
		return nil
	}
	return ns
}

// AddUser creates a user directly in the database, for test setup.
func (s *Server) AddUser(name, email string, superuser bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.namespaces[name] = &namespace{
		name: name, email: email, enabled: true, verified: true,
		superuser: superuser, created: time.Now(),
	}
}

// IssueToken mints an API token for user with the given scopes (all scopes
// when none are named) and returns it.
func (s *Server) IssueToken(user string, scopes ...string) string {
	if len(scopes) == 0 {
		scopes = AllScopes
	}
	t := &token{user: user, scopes: map[string]bool{}}
	for _, sc := range scopes {
		t.scopes[sc] = true
	}
	value := randomUpper(40)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.tokens[value] = t
	return value
}

const upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomUpper returns n random characters from [A-Z0-9], the alphabet of
// Quay's tokens, client ids and generated passwords.
func randomUpper(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = upperAlnum[int(b[i])%len(upperAlnum)]
	}
	return string(b)
}

func randomUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// AddToken registers a fixed token value for user with all scopes, for a
// standalone emulator whose token must be known in advance.
func (s *Server) AddToken(value, user string) {
	t := &token{user: user, scopes: map[string]bool{}}
	for _, sc := range AllScopes {
		t.scopes[sc] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.tokens[value] = t
}
