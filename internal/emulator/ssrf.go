package emulator

import (
	"net"
	"regexp"
	"strconv"
	"strings"
)

// Quay's checks of the registries a mirror may reach (util/security/ssrf.py,
// Quay 3.17 and later): the repository mirror's external_reference
// ("host[:port]/path", no scheme) and the organization mirror's
// external_registry_url ("http(s)://host[:port]"). A host must be a public
// address unless SSRF_ALLOWED_HOSTS names it (by name or CIDR range). The
// emulator never asks DNS: resolveHost decides from the name, as
// checkUpstream does for proxy caches.

// ssrfBlockedNetworks are the ranges Quay refuses besides what Go's own
// address classes cover.
var ssrfBlockedNetworks = func() []*net.IPNet {
	var out []*net.IPNet
	for _, c := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32", "::1/128",
		"64:ff9b::/96", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "::ffff:0:0/96",
		"::/128", "2001::/23",
	} {
		_, n, _ := net.ParseCIDR(c)
		out = append(out, n)
	}
	return out
}()

// ssrfBlockedNames resolve to internal services wherever Quay runs.
var ssrfBlockedNames = map[string]bool{
	"localhost": true, "metadata.google.internal": true, "metadata.azure.internal": true, "metadata": true,
	"kubernetes.default.svc": true, "kubernetes.default.svc.cluster.local": true, "kubernetes.default": true,
	"kubernetes": true,
}

// ipBlocked is _is_ip_blocked: anything but a global unicast address.
func ipBlocked(ip net.IP) bool {
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return true
	}
	v4 := ip.To4() != nil
	for _, n := range ssrfBlockedNetworks {
		// Go sees an IPv4 address inside ::ffff:0:0/96; Python does not.
		if (len(n.IP) == net.IPv4len) == v4 && n.Contains(ip) {
			return true
		}
	}
	return false
}

// ssrfAllowed is _is_allowed: an entry of SSRF_ALLOWED_HOSTS that is a
// CIDR range (or a single address) holding ip or the host itself, or a
// name equal to the host, ignoring case.
func ssrfAllowed(host string, ip net.IP, allowed []string) bool {
	for _, entry := range allowed {
		if n := parseNetwork(entry); n != nil {
			if (ip != nil && n.Contains(ip)) || (net.ParseIP(host) != nil && n.Contains(net.ParseIP(host))) {
				return true
			}
			continue
		}
		if strings.EqualFold(entry, host) {
			return true
		}
	}
	return false
}

// parseNetwork reads an address or CIDR range as ipaddress.ip_network(strict=False).
func parseNetwork(s string) *net.IPNet {
	if ip := net.ParseIP(s); ip != nil {
		bits := 128
		if ip.To4() != nil {
			ip, bits = ip.To4(), 32
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}
	}
	if _, n, err := net.ParseCIDR(s); err == nil {
		return n
	}
	return nil
}

// resolveHost stands in for getaddrinfo: loopback names and the names of
// internal services resolve to loopback or private addresses, single-label
// names and the reserved .test and .invalid domains do not resolve, and
// every other name resolves to a public address.
func resolveHost(host string) (net.IP, bool) {
	h := strings.ToLower(host)
	switch {
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		return net.IPv4(127, 0, 0, 1), true
	case ssrfBlockedNames[h] || strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".local") ||
		strings.HasSuffix(h, ".svc") || strings.Contains(h, ".svc.cluster."):
		return net.IPv4(10, 0, 0, 1), true
	}
	tld := h[strings.LastIndex(h, ".")+1:]
	if !strings.Contains(h, ".") || tld == "test" || tld == "invalid" {
		return nil, false
	}
	return net.IPv4(93, 184, 216, 34), true
}

// urlParts is what validate_external_registry_url reads of urlparse(url).
type urlParts struct {
	scheme   string
	userinfo bool // a non-empty user name or a password
	host     string
	invalid  bool // urlparse itself refuses the URL (brackets)
}

// parseURL splits url as Python's urlparse does, far enough for the checks.
func parseURL(url string) urlParts {
	var p urlParts
	rest := url
	if i := strings.IndexByte(url, ':'); i > 0 && isASCIILetter(url[0]) {
		valid := true
		for j := 0; j < i; j++ {
			c := url[j]
			if !(isASCIILetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
				valid = false
				break
			}
		}
		if valid {
			p.scheme, rest = strings.ToLower(url[:i]), url[i+1:]
		}
	}
	if !strings.HasPrefix(rest, "//") {
		return p
	}
	netloc := rest[2:]
	if i := strings.IndexAny(netloc, "/?#"); i >= 0 {
		netloc = netloc[:i]
	}
	if strings.Contains(netloc, "[") != strings.Contains(netloc, "]") {
		p.invalid = true
		return p
	}
	hostport := netloc
	if i := strings.LastIndexByte(netloc, '@'); i >= 0 {
		user, password, hasPassword := strings.Cut(netloc[:i], ":")
		p.userinfo = user != "" || hasPassword
		_ = password
		hostport = netloc[i+1:]
	}
	if strings.HasPrefix(hostport, "[") {
		if end := strings.IndexByte(hostport, ']'); end > 0 {
			p.host = strings.ToLower(hostport[1:end])
		}
		return p
	}
	host, _, _ := strings.Cut(hostport, ":")
	p.host = strings.ToLower(host)
	return p
}

// checkRegistryURL is validate_external_registry_url: the message of the
// ValueError it raises, with ssrf set when it is an SSRFBlockedError (which
// the API answers with a generic text), or "" when the URL passes.
// resolve is its resolve_dns.
func checkRegistryURL(url string, allowed []string, resolve bool) (msg string, ssrf bool) {
	url = pyStrip(url)
	if url == "" {
		return "External registry URL is required", false
	}
	p := parseURL(url)
	switch {
	case p.invalid:
		return "Invalid URL format", false
	case p.scheme != "http" && p.scheme != "https":
		return "Invalid URL scheme '" + p.scheme + "': only HTTP and HTTPS are allowed", false
	case p.userinfo:
		return "URLs with embedded credentials are not allowed", false
	case p.host == "":
		return "URL must include a hostname", false
	}
	host := p.host
	blockedByName := ssrfBlockedNames[host] || strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".local")
	nameAllowed := ssrfAllowed(host, nil, allowed)
	if blockedByName && !nameAllowed && !resolve {
		return "Hostname '" + host + "' is not allowed", true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ipBlocked(ip) && !ssrfAllowed(host, ip, allowed) {
			return "URL points to a private or reserved IP address", true
		}
		return "", false
	}
	if !resolve {
		return "", false
	}
	ip, ok := resolveHost(host)
	if !ok {
		return "Cannot resolve hostname '" + host + "'", false
	}
	if blockedByName && !nameAllowed && !ssrfAllowed(host, ip, allowed) {
		return "Hostname '" + host + "' is not allowed", true
	}
	if ipBlocked(ip) && !ssrfAllowed(host, ip, allowed) {
		return "URL resolves to a private or reserved IP address", true
	}
	return "", false
}

// registryHostname is _REGISTRY_HOSTNAME_RE without its length lookahead.
var registryHostname = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$`)

// checkRegistryReference is validate_external_registry_reference for a
// repository mirror's "registry[:port]/namespace/repository", answered
// as checkRegistryURL answers.
func checkRegistryReference(ref string, allowed []string, resolve bool) (msg string, ssrf bool) {
	if pyStrip(ref) == "" {
		return "External registry reference is required", false
	}
	if strings.IndexFunc(ref, isPySpace) >= 0 {
		return "External registry reference must not include whitespace", false
	}
	if strings.Contains(ref, "://") {
		return "External registry reference must not include a URL scheme", false
	}
	if strings.ContainsAny(ref, "?#\\%") {
		return "External registry reference contains an invalid character", false
	}
	registry, path, found := strings.Cut(ref, "/")
	if !found || registry == "" || path == "" {
		return "External registry reference must include a repository path", false
	}
	const badAuthority = "External registry reference contains an invalid registry authority"
	const badPort = "External registry reference contains an invalid registry port"
	port := ""
	if strings.HasPrefix(registry, "[") {
		end := strings.IndexByte(registry, ']')
		if end < 0 {
			return badAuthority, false
		}
		suffix := registry[end+1:]
		if suffix != "" && !strings.HasPrefix(suffix, ":") {
			return badAuthority, false
		}
		if suffix == ":" {
			return badPort, false
		}
		port = strings.TrimPrefix(suffix, ":")
	} else {
		if strings.Count(registry, ":") > 1 {
			return badAuthority, false
		}
		if strings.HasSuffix(registry, ":") {
			return badPort, false
		}
		hostport := registry[strings.LastIndexByte(registry, '@')+1:]
		_, port, _ = strings.Cut(hostport, ":")
	}
	p := parseURL("https://" + registry)
	if p.invalid {
		return badAuthority, false
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || strings.TrimLeft(port, "0123456789") != "" || n > 65535 {
			return badAuthority, false
		}
		if n == 0 {
			if p.userinfo || p.host == "" {
				return "External registry reference must include a valid registry hostname", false
			}
			return badPort, false
		}
	}
	if p.userinfo || p.host == "" {
		return "External registry reference must include a valid registry hostname", false
	}
	if net.ParseIP(p.host) == nil {
		if strings.HasSuffix(p.host, ".") || len(p.host) > 253 || !registryHostname.MatchString(p.host) {
			return "External registry reference must include a valid registry hostname", false
		}
	}
	return checkRegistryURL("https://"+registry, allowed, resolve)
}
