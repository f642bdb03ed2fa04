package emulator

import (
	"net/http"
	"strings"
)

// route is one registered path with its handlers by method. Quay matches
// paths exactly, so "/api/v1/organization/" and "/api/v1/organization" are
// different routes.
type route struct {
	pattern  string
	segments []string
	handler  func(*request)
	web      bool // served by Quay's web blueprint, outside the API's CSRF check
	anon     bool // @anon_allowed: answered to anonymous callers even with FEATURE_ANONYMOUS_ACCESS off
}

type router struct {
	byMethod map[string][]*route
	patterns map[string]bool
}

func newRouter() *router {
	return &router{byMethod: map[string][]*route{}, patterns: map[string]bool{}}
}

// handle registers h for method and pattern; {name} segments are parameters.
func (rt *router) handle(method, pattern string, h func(*request)) *route {
	r := &route{
		pattern:  pattern,
		segments: strings.Split(pattern, "/"),
		handler:  h,
	}
	rt.byMethod[method] = append(rt.byMethod[method], r)
	rt.patterns[pattern] = true
	return r
}

// handleWeb registers a route Quay serves from its web blueprint although
// the path is under /api/v1 (endpoints/web.py): no CSRF check applies.
func (rt *router) handleWeb(method, pattern string, h func(*request)) {
	rt.handle(method, pattern, h).web = true
}

// match finds the route for method and path. When there is none, status
// tells why: 405 when the path exists under another method, 308 when only
// the trailing-slash form of the path is registered, else 404.
func (rt *router) match(method, path string) (*route, map[string]string, int) {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	segs := strings.Split(path, "/")
	var best *route
	var bestParams map[string]string
	for _, r := range rt.byMethod[method] {
		if p, ok := matchSegments(r.segments, segs); ok {
			if !r.multi() {
				return r, p, http.StatusOK
			}
			// Among routes whose {repository} spans several segments, the
			// one with the most fixed segments wins, as Werkzeug orders
			// rules with more static parts first.
			if best == nil || r.literals() > best.literals() {
				best, bestParams = r, p
			}
		}
	}
	if best != nil {
		return best, bestParams, http.StatusOK
	}
	for m, routes := range rt.byMethod {
		if m == method {
			continue
		}
		for _, r := range routes {
			if _, ok := matchSegments(r.segments, segs); ok {
				return nil, nil, http.StatusMethodNotAllowed
			}
		}
	}
	if !strings.HasSuffix(path, "/") {
		withSlash := strings.Split(path+"/", "/")
		for _, routes := range rt.byMethod {
			for _, r := range routes {
				if _, ok := matchSegments(r.segments, withSlash); ok {
					return nil, nil, http.StatusPermanentRedirect
				}
			}
		}
	}
	return nil, nil, http.StatusNotFound
}

// repositoryParam is the path parameter that, like Quay's repository path
// converter (path_converters.py, RepositoryPathConverter), takes one or
// more non-empty segments: "namespace/name", or with extended repository
// names "namespace/team/name".
const repositoryParam = "{repository}"

// multi says whether the route has a {repository} parameter.
func (r *route) multi() bool {
	for _, s := range r.segments {
		if s == repositoryParam {
			return true
		}
	}
	return false
}

// literals counts the route's fixed segments.
func (r *route) literals() int {
	n := 0
	for _, s := range r.segments {
		if !strings.HasPrefix(s, "{") {
			n++
		}
	}
	return n
}

func matchSegments(pattern, path []string) (map[string]string, bool) {
	for i, p := range pattern {
		if p != repositoryParam {
			continue
		}
		// pattern[:i] + one or more segments + pattern[i+1:].
		tail := len(pattern) - i - 1
		if len(path) < len(pattern) {
			return nil, false
		}
		mid := path[i : len(path)-tail]
		for _, m := range mid {
			if m == "" {
				return nil, false
			}
		}
		head, ok := matchSegments(pattern[:i], path[:i])
		if !ok {
			return nil, false
		}
		rest, ok := matchSegments(pattern[i+1:], path[len(path)-tail:])
		if !ok {
			return nil, false
		}
		params := map[string]string{"repository": strings.Join(mid, "/")}
		for k, v := range head {
			params[k] = v
		}
		for k, v := range rest {
			params[k] = v
		}
		return params, true
	}
	if len(pattern) != len(path) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if path[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[p[1:len(p)-1]] = path[i]
			continue
		}
		if p != path[i] {
			return nil, false
		}
	}
	return params, true
}
