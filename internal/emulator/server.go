// Package emulator is an in-memory re-creation of the parts of Quay's REST API
// that the provider uses. It answers with Quay's status codes, body shapes,
// validation messages and quirks as ../shared/quay-api.md records them, so the
// provider's acceptance tests can run without a Quay server.
package emulator

import (
	"bufio"
	"math/rand"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Features mirrors the Quay feature flags that change API behaviour.
type Features struct {
	SuperUsers           bool // FEATURE_SUPER_USERS: /superuser/... and org/user quota paths
	SuperusersFullAccess bool // FEATURE_SUPERUSERS_FULL_ACCESS: superusers act as admin of every org
	QuotaManagement      bool // FEATURE_QUOTA_MANAGEMENT (with EDIT_QUOTA): all quota endpoints
	EditQuota            bool // FEATURE_EDIT_QUOTA
	ProxyCache           bool // FEATURE_PROXY_CACHE
	Mailing              bool // FEATURE_MAILING
	RequireTeamInvite    bool // FEATURE_REQUIRE_TEAM_INVITE
	UserInitialize       bool // FEATURE_USER_INITIALIZE
	ChangeTagExpiration  bool // FEATURE_CHANGE_TAG_EXPIRATION
	AnonymousAccess      bool // FEATURE_ANONYMOUS_ACCESS
	RepoMirror           bool // FEATURE_REPO_MIRROR: repository mirroring and PUT .../changestate
	BuildSupport         bool // FEATURE_BUILD_SUPPORT: reported in /config; Quay's build API does not check it
	UserLastAccessed     bool // FEATURE_USER_LAST_ACCESSED: robot logins stamp last_accessed, robot lists show it
	// AutoPrune is FEATURE_AUTO_PRUNE: the autoprunepolicy endpoints of
	// organizations, users and repositories (autoprune.go).
	AutoPrune bool
	// ImmutableTags is FEATURE_IMMUTABLE_TAGS: the immutabilitypolicy
	// endpoints (Quay 3.17 and later only), the tags' immutable field, and
	// the refusal to move, delete or overwrite an immutable tag.
	ImmutableTags bool
	// ImmutableTagsCanExpire is FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE: an
	// immutable tag keeps, and may be given, an expiration.
	ImmutableTagsCanExpire bool
	// QuotaNotifications is FEATURE_QUOTA_NOTIFICATIONS: the namespace
	// notification endpoints (Quay 3.18 and later only; notifications.go).
	QuotaNotifications bool
	// TeamSyncing is FEATURE_TEAM_SYNCING: the team syncing endpoints
	// (teamsync.go). Teams sync only with an AuthenticationType that has
	// groups (LDAP, OIDC, Keystone).
	TeamSyncing bool
	// NonSuperuserTeamSyncingSetup is FEATURE_NONSUPERUSER_TEAM_SYNCING_SETUP:
	// organization admins who are not superusers may turn syncing on and off.
	NonSuperuserTeamSyncingSetup bool
	// OrgMirror is FEATURE_ORG_MIRROR: the organization mirror endpoints
	// (Quay 3.17 and later only; org_mirror.go).
	OrgMirror bool
	// SparseIndex is FEATURE_SPARSE_INDEX: a repository mirror may have an
	// architecture_filter (Quay 3.17 and later).
	SparseIndex bool
}

// TestInstallFeatures is the flag set of the Quay install the acceptance
// tests expect: superusers with full access, quota management, proxy cache,
// user initialize, auto-prune, immutable tags and quota notifications, and
// mailing off (so team additions are direct).
func TestInstallFeatures() Features {
	return Features{
		SuperUsers:           true,
		SuperusersFullAccess: true,
		QuotaManagement:      true,
		EditQuota:            true,
		ProxyCache:           true,
		Mailing:              false,
		RequireTeamInvite:    true,
		UserInitialize:       true,
		ChangeTagExpiration:  true,
		AnonymousAccess:      true,
		RepoMirror:           true,
		BuildSupport:         true, // Quay's default (config.py)
		UserLastAccessed:     true, // Quay's default (config.py)
		AutoPrune:            true,
		ImmutableTags:        true,
		QuotaNotifications:   true,
	}
}

// FaultKind names one way the emulator can misbehave on purpose.
type FaultKind string

const (
	Fault429        FaultKind = "429"        // rate limited, with Retry-After; nothing applied
	Fault500        FaultKind = "500"        // internal error; nothing applied
	Fault502        FaultKind = "502"        // bad gateway; nothing applied
	Fault503        FaultKind = "503"        // unavailable; nothing applied
	FaultCutBefore  FaultKind = "cut-before" // connection dropped before the request is handled
	FaultCutAfter   FaultKind = "cut-after"  // request applied, then the connection dropped
	FaultErrorAfter FaultKind = "500-after"  // request applied, then answered 500
	FaultSlow       FaultKind = "slow"       // answered correctly after SlowDelay
)

// Faults configures injected failures. Only /api/ requests are affected.
type Faults struct {
	Rate      float64     // fraction of requests, 0..1
	Kinds     []FaultKind // chosen uniformly; empty means none
	SlowDelay time.Duration
	Seed      int64
}

// Config is the emulated installation.
type Config struct {
	Features Features
	// TagExpirationOptions is TAG_EXPIRATION_OPTIONS in seconds.
	TagExpirationOptions []int64
	// DefaultTagExpiration is DEFAULT_TAG_EXPIRATION in seconds.
	DefaultTagExpiration int64
	// Latency is added to every request before it is handled.
	Latency time.Duration
	Faults  Faults
	// Version is reported by GET /config as "Quay <Version>".
	Version string
	// NamespaceGCDelay is how long the name of a deleted organization or
	// user stays reserved ("Username is not available") before the
	// simulated namespace garbage collector purges the namespace, as Quay
	// does after 3.18.0 (namespacegc.go). Zero means
	// DefaultNamespaceGCDelay; negative means names are freed only by
	// RunNamespaceGC, as on a Quay whose namespace GC worker does not run.
	NamespaceGCDelay time.Duration
	// ReuseDeletedNames frees a deleted name at once, as Quay 3.18.0 and
	// older do.
	ReuseDeletedNames bool
	// RobotsDisallow is ROBOTS_DISALLOW: no robot can be created, and
	// existing robots cannot log in to the registry (robots.go).
	RobotsDisallow bool
	// AuthenticationType is AUTHENTICATION_TYPE: "Database" (the default),
	// or "LDAP", "OIDC", "Keystone" or "JWT" for an install whose users come
	// from a directory; only LDAP, OIDC and Keystone teams can sync to a
	// group (teamsync.go).
	AuthenticationType string
	// SSRFAllowedHosts is SSRF_ALLOWED_HOSTS: host names or CIDR ranges a
	// repository or organization mirror may name although they are
	// private, loopback or otherwise blocked (ssrf.go). A test whose
	// upstream registry listens on 127.0.0.1 lists "127.0.0.1" here.
	SSRFAllowedHosts []string
	// MirrorSyncDelay is how long after a repository mirror's sync-now the
	// emulated mirror worker runs the sync (mirror_sync.go). Zero means
	// DefaultMirrorSyncDelay; negative means only RunMirrorSync syncs.
	MirrorSyncDelay time.Duration
}

// DefaultConfig is a test install as described by TestInstallFeatures.
func DefaultConfig() Config {
	return Config{
		Features:             TestInstallFeatures(),
		TagExpirationOptions: []int64{0, 86400, 604800, 1209600, 2419200},
		DefaultTagExpiration: 1209600,
		Version:              "3.18.0",
		AuthenticationType:   "Database",
	}
}

// Server is the emulator. It is an http.Handler and safe for concurrent use.
type Server struct {
	mu        sync.Mutex // guards the Quay state below
	cfg       Config
	state     *state
	upstreams map[string]UpstreamBehaviour // proxy-cache validation answers set by tests

	knobs    sync.Mutex // guards latency, faults, rng and counters
	rng      *rand.Rand
	counts   map[string]int
	statuses map[int]int
	baseURL  string
	routes   *router
	reqLog   *requestLog // one line per request when set (introspection.go)
}

// New returns an emulator with an empty database.
func New(cfg Config) *Server {
	if len(cfg.TagExpirationOptions) == 0 {
		cfg.TagExpirationOptions = DefaultConfig().TagExpirationOptions
	}
	if cfg.DefaultTagExpiration == 0 {
		cfg.DefaultTagExpiration = DefaultConfig().DefaultTagExpiration
	}
	if cfg.Version == "" {
		cfg.Version = DefaultConfig().Version
	}
	if cfg.AuthenticationType == "" {
		cfg.AuthenticationType = DefaultConfig().AuthenticationType
	}
	if cfg.MirrorSyncDelay == 0 {
		cfg.MirrorSyncDelay = DefaultMirrorSyncDelay
	}
	s := &Server{
		cfg:      cfg,
		state:    newState(),
		rng:      rand.New(rand.NewSource(cfg.Faults.Seed)),
		counts:   map[string]int{},
		statuses: map[int]int{},
	}
	s.routes = s.buildRoutes()
	return s
}

// SetLatency changes the delay added to each request.
func (s *Server) SetLatency(d time.Duration) {
	s.knobs.Lock()
	defer s.knobs.Unlock()
	s.cfg.Latency = d
}

// SetFaults replaces the fault injection settings.
func (s *Server) SetFaults(f Faults) {
	s.knobs.Lock()
	defer s.knobs.Unlock()
	s.cfg.Faults = f
	s.rng = rand.New(rand.NewSource(f.Seed))
}

// Counts returns how many requests each route received, keyed "METHOD /pattern".
func (s *Server) Counts() map[string]int {
	s.knobs.Lock()
	defer s.knobs.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// StatusCounts returns how many answers had each HTTP status, injected
// faults included.
func (s *Server) StatusCounts() map[int]int {
	s.knobs.Lock()
	defer s.knobs.Unlock()
	out := make(map[int]int, len(s.statuses))
	for k, v := range s.statuses {
		out[k] = v
	}
	return out
}

// ResetCounts zeroes the request and status counters.
func (s *Server) ResetCounts() {
	s.knobs.Lock()
	defer s.knobs.Unlock()
	s.counts = map[string]int{}
	s.statuses = map[int]int{}
}

// statusRecorder notes the status a handler answers with.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack lets injected faults cut the connection through the recorder.
func (w *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	return hj.Hijack()
}

// CountsSummary renders Counts as sorted lines, for test logs.
func (s *Server) CountsSummary() string {
	c := s.Counts()
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(itoa(c[k]))
		b.WriteString("\n")
	}
	return b.String()
}

// SetBaseURL sets the absolute URL used in problem-JSON "type" fields.
func (s *Server) SetBaseURL(u string) {
	s.knobs.Lock()
	defer s.knobs.Unlock()
	s.baseURL = strings.TrimRight(u, "/")
}

func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if isEmulatorPath(r.URL.Path) {
		s.serveEmulator(rw, r)
		return
	}
	w := &statusRecorder{ResponseWriter: rw}
	defer s.logRequest(r, w, time.Now())
	defer func() {
		s.knobs.Lock()
		s.statuses[w.status]++
		s.knobs.Unlock()
	}()
	s.knobs.Lock()
	latency := s.cfg.Latency
	fault := s.pickFault(r)
	slow := s.cfg.Faults.SlowDelay
	s.knobs.Unlock()

	if latency > 0 {
		sleepCtx(r, latency)
	}

	rt, params, status := s.routes.match(r.Method, r.URL.Path)
	s.count(r.Method, rt)

	switch fault {
	case Fault429:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": "Too many requests"})
		return
	case Fault500:
		writeHTML(w, http.StatusInternalServerError, "Internal Server Error")
		return
	case Fault502:
		writeHTML(w, http.StatusBadGateway, "Bad Gateway")
		return
	case Fault503:
		writeHTML(w, http.StatusServiceUnavailable, "Service Unavailable")
		return
	case FaultCutBefore:
		cutConnection(w)
		return
	case FaultSlow:
		if slow <= 0 {
			slow = 2 * time.Second
		}
		sleepCtx(r, slow)
	}

	handle := func(w http.ResponseWriter) {
		switch {
		case rt != nil:
			c := s.caller(r)
			if !rt.web && csrfRequired(r.Method, c) {
				csrfFailure(w)
				return
			}
			if !rt.web && !rt.anon && c.user == nil && !s.cfg.Features.AnonymousAccess {
				// endpoints/decorators.py, check_anon_protection
				abortError(w, http.StatusUnauthorized, "Anonymous access is not allowed")
				return
			}
			rt.handler(&request{Request: r, w: w, params: params, caller: c, srv: s})
		case status == http.StatusPermanentRedirect:
			target := r.URL.Path + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			w.Header().Set("Location", target)
			writeHTML(w, http.StatusPermanentRedirect, "Redirecting to "+target)
		case status == http.StatusMethodNotAllowed:
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "The method is not allowed for the requested URL."})
		default:
			// Unregistered paths fall through to the web UI's catch-all route.
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				writeHTML(w, http.StatusNotFound, "<html><body><h1>404 Not Found</h1></body></html>")
			} else {
				writeHTML(w, http.StatusMethodNotAllowed, "<html><body><h1>405 Method Not Allowed</h1></body></html>")
			}
		}
	}

	switch fault {
	case FaultCutAfter:
		handle(discardWriter{header: http.Header{}})
		cutConnection(w)
	case FaultErrorAfter:
		handle(discardWriter{header: http.Header{}})
		writeHTML(w, http.StatusInternalServerError, "Internal Server Error")
	default:
		handle(w)
	}
}

func (s *Server) pickFault(r *http.Request) FaultKind {
	f := s.cfg.Faults
	if f.Rate <= 0 || len(f.Kinds) == 0 || !strings.HasPrefix(r.URL.Path, "/api/") {
		return ""
	}
	if s.rng.Float64() >= f.Rate {
		return ""
	}
	return f.Kinds[s.rng.Intn(len(f.Kinds))]
}

func (s *Server) count(method string, rt *route) {
	key := method + " (unrouted)"
	if rt != nil {
		key = method + " " + rt.pattern
	}
	s.knobs.Lock()
	s.counts[key]++
	s.knobs.Unlock()
}

func sleepCtx(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// cutConnection drops the TCP connection without an HTTP answer.
func cutConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// discardWriter lets a handler run to completion when its answer is to be lost.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}
