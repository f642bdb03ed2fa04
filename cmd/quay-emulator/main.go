// Command quay-emulator serves the in-memory Quay API emulator on a loopback
// address, so configurations can be tried without a Quay server. It prints
// the URL and an admin (superuser) token as shell assignments. Request
// counts per route are at GET /_emulator/requests (DELETE resets them).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on (port 0 picks a free one)")
	user := flag.String("superuser", "admin", "name of the superuser whose token is printed")
	token := flag.String("token", "", "token value to accept for the superuser (default: a random one)")
	latency := flag.Duration("latency", 0, "delay added to every request, e.g. 20ms")
	fullAccess := flag.Bool("full-access", true, "FEATURE_SUPERUSERS_FULL_ACCESS")
	mailing := flag.Bool("mailing", false, "FEATURE_MAILING (team additions of new users become invitations)")
	envFile := flag.String("env-file", "", "also write QUAY_URL and QUAY_TOKEN to this file")
	logRequests := flag.Bool("log-requests", false, "write one line per request to stderr: method, path, status, duration")
	gcDelay := flag.Duration("namespace-gc-delay", emulator.DefaultNamespaceGCDelay, "how long a deleted organization's or user's name stays reserved (\"Username is not available\"), as in Quay after 3.18.0; 60s is the longest Quay's namespace GC worker takes without a grace period; 0 frees names at once")
	reuseNames := flag.Bool("reuse-deleted-names", false, "free deleted names at once, as Quay 3.18.0 and older do")
	robotsDisallow := flag.Bool("robots-disallow", false, "ROBOTS_DISALLOW: robots can be neither created nor used to log in")
	autoPrune := flag.Bool("auto-prune", true, "FEATURE_AUTO_PRUNE: auto-prune policy endpoints")
	immutableTags := flag.Bool("immutable-tags", true, "FEATURE_IMMUTABLE_TAGS: immutability policy endpoints (Quay 3.17+) and immutable tags")
	immutableCanExpire := flag.Bool("immutable-tags-can-expire", false, "FEATURE_IMMUTABLE_TAGS_CAN_EXPIRE: immutable tags may expire")
	quotaNotifications := flag.Bool("quota-notifications", true, "FEATURE_QUOTA_NOTIFICATIONS: namespace quota notification endpoints (Quay 3.18+)")
	repoMirror := flag.Bool("repo-mirror", true, "FEATURE_REPO_MIRROR: repository mirror endpoints and PUT .../changestate")
	ssrfAllowed := flag.String("ssrf-allowed-hosts", "", "SSRF_ALLOWED_HOSTS: comma-separated host names or CIDR ranges a mirror may reach although private or loopback (e.g. 127.0.0.1 for an upstream emulator)")
	mirrorDelay := flag.Duration("mirror-sync-delay", emulator.DefaultMirrorSyncDelay, "how long after a repository mirror's sync-now the emulated mirror worker syncs; negative: never")
	teamSyncing := flag.Bool("team-syncing", false, "FEATURE_TEAM_SYNCING: team syncing endpoints (teams sync only with -auth-type LDAP, OIDC or Keystone)")
	nonSuperuserSync := flag.Bool("nonsuperuser-team-syncing-setup", false, "FEATURE_NONSUPERUSER_TEAM_SYNCING_SETUP: organization admins may set team syncing up")
	authType := flag.String("auth-type", "Database", "AUTHENTICATION_TYPE: Database, LDAP, OIDC, Keystone or JWT (users still live in the emulator)")
	orgMirror := flag.Bool("org-mirror", false, "FEATURE_ORG_MIRROR: organization mirror endpoints (Quay 3.17+; the API only, nothing is discovered or synced)")
	sparseIndex := flag.Bool("sparse-index", false, "FEATURE_SPARSE_INDEX: repository mirrors may set architecture_filter (Quay 3.17+)")
	version := flag.String("quay-version", emulator.DefaultConfig().Version, "the Quay version to emulate (x.y.z): endpoints and behaviour follow it")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		log.Fatalf("invalid -addr: %v", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Fatalf("-addr must be a loopback address, got %q", host)
	}

	cfg := emulator.DefaultConfig()
	cfg.Latency = *latency
	cfg.Features.SuperusersFullAccess = *fullAccess
	cfg.Features.Mailing = *mailing
	cfg.NamespaceGCDelay = *gcDelay
	cfg.ReuseDeletedNames = *reuseNames || *gcDelay == 0
	cfg.RobotsDisallow = *robotsDisallow
	cfg.Features.AutoPrune = *autoPrune
	cfg.Features.ImmutableTags = *immutableTags
	cfg.Features.ImmutableTagsCanExpire = *immutableCanExpire
	cfg.Features.QuotaNotifications = *quotaNotifications
	cfg.Features.RepoMirror = *repoMirror
	for _, h := range strings.Split(*ssrfAllowed, ",") {
		if h = strings.TrimSpace(h); h != "" {
			cfg.SSRFAllowedHosts = append(cfg.SSRFAllowedHosts, h)
		}
	}
	cfg.MirrorSyncDelay = *mirrorDelay
	cfg.Features.TeamSyncing = *teamSyncing
	cfg.Features.NonSuperuserTeamSyncingSetup = *nonSuperuserSync
	cfg.AuthenticationType = *authType
	cfg.Features.OrgMirror = *orgMirror
	cfg.Features.SparseIndex = *sparseIndex
	cfg.Version = *version
	srv := emulator.New(cfg)
	if *logRequests {
		srv.SetRequestLog(os.Stderr)
	}
	srv.AddUser(*user, *user+"@example.com", true)
	tok := *token
	if tok == "" {
		tok = srv.IssueToken(*user)
	} else {
		srv.AddToken(tok, *user)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	srv.SetBaseURL(url)
	out := fmt.Sprintf("QUAY_URL=%s\nQUAY_TOKEN=%s\n", url, tok)
	fmt.Print(out)
	if *envFile != "" {
		if err := os.WriteFile(*envFile, []byte(out), 0o600); err != nil {
			log.Fatal(err)
		}
	}

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
