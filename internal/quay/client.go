// Package quay is a client for Red Hat Quay's REST API (/api/v1). It knows
// Quay's paths, body shapes, status codes and quirks, and nothing about
// Terraform.
package quay

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Logger receives one line per HTTP attempt. It never sees the token.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// RetryPolicy bounds retries of failed requests.
type RetryPolicy struct {
	MaxRetries int           // retries after the first attempt
	MinBackoff time.Duration // first wait; doubles each retry
	MaxBackoff time.Duration // cap on one wait, also on a server's Retry-After
}

// DefaultRetryPolicy suits a busy Quay behind a proxy.
var DefaultRetryPolicy = RetryPolicy{MaxRetries: 5, MinBackoff: 250 * time.Millisecond, MaxBackoff: 10 * time.Second}

// Client calls one Quay instance with one token.
type Client struct {
	baseURL    string // scheme://host[/prefix], no trailing slash
	token      string
	userAgent  string
	httpClient *http.Client
	retry      RetryPolicy
	logger     Logger
}

// Option configures a Client.
type Option func(*Client)

// WithToken sets the OAuth access token sent as a bearer token.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithHTTPClient sets the HTTP client (TLS and timeout live there).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.httpClient = hc } }

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Client) { c.retry = p } }

// WithLogger sets where request lines are logged.
func WithLogger(l Logger) Option { return func(c *Client) { c.logger = l } }

// NormalizeBaseURL checks a Quay base URL and returns it in the form the
// client uses: scheme://host[:port][/prefix] without a trailing slash or a
// trailing /api/v1 (a common mistake that would double the API prefix).
// A URL with a user name or password is refused, and no error repeats the
// URL's credentials.
func NormalizeBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	shown := RedactURL(raw)
	u, err := url.Parse(raw)
	if err != nil {
		if hasUserInfo(raw) {
			return "", errors.New("invalid Quay URL: it must not contain a user name or password; give the token in the provider's token setting (or QUAY_TOKEN)")
		}
		return "", fmt.Errorf("invalid Quay URL %q: %s", shown, parseProblem(err))
	}
	if u.User != nil {
		return "", fmt.Errorf("invalid Quay URL %q: it must not contain a user name or password; give the token in the provider's token setting (or QUAY_TOKEN)", shown)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if u.Scheme == "" || u.Host == "" && u.Opaque != "" {
			return "", fmt.Errorf("invalid Quay URL %q: it needs a scheme; write %q", shown, "https://"+strings.TrimPrefix(strings.TrimPrefix(shown, "//"), "/"))
		}
		return "", fmt.Errorf("invalid Quay URL %q: the scheme must be http or https", shown)
	}
	if u.Host == "" {
		return "", fmt.Errorf("invalid Quay URL %q: no host", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("invalid Quay URL %q: it must not have a query or fragment", shown)
	}
	out := strings.TrimRight(u.String(), "/")
	out = strings.TrimSuffix(out, "/api/v1")
	return strings.TrimRight(out, "/"), nil
}

// RedactURL removes the user information from a URL-like string, for
// messages and logs. It works on text that does not parse too.
func RedactURL(s string) string {
	rest, scheme := s, ""
	if i := strings.Index(s, "://"); i >= 0 {
		scheme, rest = s[:i+3], s[i+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + rest
}

func hasUserInfo(s string) bool { return RedactURL(s) != s }

// parseProblem is url.Parse's complaint without the URL it repeats.
func parseProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// New returns a client for the Quay at baseURL (for example
// https://quay.example.com), checked and normalised by NormalizeBaseURL.
func New(baseURL string, opts ...Option) (*Client, error) {
	base, err := NormalizeBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:    base,
		userAgent:  "terraform-provider-quay",
		httpClient: &http.Client{Timeout: 60 * time.Second},
		retry:      DefaultRetryPolicy,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// TLSOptions configures how the client trusts the server.
type TLSOptions struct {
	CACertPEM          string // extra CA certificates (PEM) trusted besides the system pool
	InsecureSkipVerify bool
}

// NewHTTPClient builds an HTTP client on a clone of the default transport
// (which keeps proxy settings from the environment) with the given TLS
// options and per-request timeout.
func NewHTTPClient(opts TLSOptions, timeout time.Duration) (*http.Client, error) {
	transport, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("default HTTP transport is not an *http.Transport")
	}
	t := transport.Clone()
	t.MaxIdleConnsPerHost = 32
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: opts.InsecureSkipVerify} //nolint:gosec // opt-in by the user
	if strings.TrimSpace(opts.CACertPEM) != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM([]byte(opts.CACertPEM)) {
			return nil, errors.New("the CA certificate is not valid PEM: no certificate could be read from it")
		}
		tlsCfg.RootCAs = pool
	}
	t.TLSClientConfig = tlsCfg
	return &http.Client{Transport: t, Timeout: timeout}, nil
}

// call describes one API request.
type call struct {
	endpoint string // operation name, for notFoundRules and logs
	method   string
	path     string // registered path, starting with /
	query    url.Values
	body     any // JSON-encoded when non-nil
	out      any // decoded from a 2xx body when non-nil
	// orgScope names the organization a sub-resource call belongs to: Quay
	// answers 403 rather than 404 once the org is gone (§20.5), so a 403
	// is checked against GET /organization/{org}.
	orgScope string
	// idempotent marks a POST that Quay may repeat without harm (it sets a
	// value rather than adding an object): it is retried as a PUT is.
	idempotent bool
}

// do sends the call, retrying as the method allows, and decodes the answer.
func (c *Client) do(ctx context.Context, cl call) error {
	var payload []byte
	if cl.body != nil {
		var err error
		if payload, err = json.Marshal(cl.body); err != nil {
			return fmt.Errorf("encoding %s request: %w", cl.endpoint, err)
		}
	}
	target := c.baseURL + cl.path
	if len(cl.query) > 0 {
		target += "?" + cl.query.Encode()
	}
	for attempt := 0; ; attempt++ {
		status, body, header, err := c.send(ctx, cl, target, payload, attempt)
		if err == nil && status >= 200 && status < 300 {
			if cl.out == nil || status == http.StatusNoContent || len(bytes.TrimSpace(body)) == 0 {
				return nil
			}
			if err := json.Unmarshal(body, cl.out); err != nil {
				return fmt.Errorf("%s %s: decoding Quay's answer: %w (is %s a Quay server?)", cl.method, cl.path, err, c.baseURL)
			}
			return nil
		}
		if ctx.Err() != nil {
			if err == nil {
				err = ctx.Err()
			}
			return fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
		}
		retryMethod := cl.method
		if cl.idempotent {
			retryMethod = http.MethodPut
		}
		if attempt < c.retry.MaxRetries && retryable(retryMethod, status, err) {
			wait := c.backoff(attempt, header)
			c.log(ctx, "retrying Quay request", map[string]any{"method": cl.method, "path": cl.path, "status": status, "error": errString(err), "wait": wait.String(), "attempt": attempt + 1})
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("%s %s: %w", cl.method, cl.path, ctx.Err())
			case <-t.C:
			}
			continue
		}
		if err != nil {
			var netErr net.Error
			if errors.As(err, &netErr) && netErr.Timeout() {
				return fmt.Errorf("%s %s: Quay did not answer within the request timeout of %s: %w", cl.method, cl.path, c.httpClient.Timeout, err)
			}
			return fmt.Errorf("%s %s: %w", cl.method, cl.path, err)
		}
		return c.apiError(ctx, cl, status, body)
	}
}

func (c *Client) send(ctx context.Context, cl call, target string, payload []byte, attempt int) (int, []byte, http.Header, error) {
	var reader io.Reader
	if payload != nil {
		reader = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, target, reader)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	resp, err := c.httpClient.Do(req)
	if err != nil {
		c.log(ctx, "Quay request failed", map[string]any{"method": cl.method, "path": cl.path, "error": err.Error(), "duration_ms": time.Since(start).Milliseconds(), "attempt": attempt + 1})
		return 0, nil, nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	c.log(ctx, "Quay request", map[string]any{"method": cl.method, "path": cl.path, "status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(), "attempt": attempt + 1})
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading Quay's answer: %w", err)
	}
	return resp.StatusCode, body, resp.Header, nil
}

func (c *Client) apiError(ctx context.Context, cl call, status int, body []byte) error {
	msg, errType := decodeErrorMessage(body)
	apiErr := &APIError{Method: cl.method, Path: cl.path, StatusCode: status, Message: msg, ErrorType: errType}
	rule := notFoundRules[cl.endpoint]
	if rule == nil {
		rule = status404
	}
	apiErr.NotFound = rule(status, msg)
	if !apiErr.NotFound && status == http.StatusForbidden && cl.orgScope != "" {
		if _, err := c.GetOrganization(ctx, cl.orgScope); IsNotFound(err) {
			apiErr.NotFound = true
		}
	}
	return apiErr
}

// retryable says whether a failed attempt may be repeated. Reads, PUTs and
// DELETEs are repeated on 429, 502, 503, 504 and transport errors, reads
// also on 500 (harmless to repeat). A POST is repeated only where Quay
// provably did not act: 429 and 503 answers (rejected before the handler
// ran) and connections that were never made.
func retryable(method string, status int, err error) bool {
	if method == http.MethodGet && status == http.StatusInternalServerError {
		return true
	}
	if method != http.MethodPost {
		if err != nil {
			return true
		}
		switch status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	if err != nil {
		var opErr *net.OpError
		return errors.As(err, &opErr) && opErr.Op == "dial"
	}
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// backoff is capped exponential backoff with jitter, or the server's
// Retry-After when it sent one (also capped).
func (c *Client) backoff(attempt int, header http.Header) time.Duration {
	if header != nil {
		if ra := header.Get("Retry-After"); ra != "" {
			if secs, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && secs >= 0 {
				return min(time.Duration(secs)*time.Second, c.retry.MaxBackoff)
			}
			if at, err := http.ParseTime(ra); err == nil {
				return min(max(time.Until(at), 0), c.retry.MaxBackoff)
			}
		}
	}
	d := c.retry.MinBackoff << attempt
	if d <= 0 || d > c.retry.MaxBackoff {
		d = c.retry.MaxBackoff
	}
	// Equal jitter: half fixed, half random, so retries of many clients spread out.
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

func (c *Client) log(ctx context.Context, msg string, fields map[string]any) {
	if c.logger != nil {
		c.logger.Debug(ctx, msg, fields)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// seg escapes one path segment.
func seg(s string) string { return url.PathEscape(s) }
