package emulator

import "time"

// Deleted names stay reserved (quay-api.md §4.4, §8.5). Quay after 3.18.0
// renames a deleted organization or user to a random UUID at once and leaves
// a marker row holding its original name; a create of that name is refused
// with "Username is not available" until the namespace garbage collector
// (a queue worker polling every 60 s) purges the namespace and, with it,
// the marker. Quay 3.18.0 and older keep no marker and reuse names at once.

// DefaultNamespaceGCDelay is how long a deleted name stays reserved unless
// Config.NamespaceGCDelay says otherwise: short, so that tests which
// re-create a namespace see the reservation without slowing the suite.
// Quay's own worker frees a name within its 60 s poll period.
const DefaultNamespaceGCDelay = time.Second

// reserveName records a deleted namespace's name until the simulated
// namespace GC purges it. Callers hold s.mu.
func (s *Server) reserveName(name string) {
	if s.cfg.ReuseDeletedNames {
		return
	}
	now := time.Now()
	for n, at := range s.state.reserved {
		if !at.IsZero() && !now.Before(at) {
			delete(s.state.reserved, n)
		}
	}
	delay := s.cfg.NamespaceGCDelay
	switch {
	case delay == 0:
		s.state.reserved[name] = now.Add(DefaultNamespaceGCDelay)
	case delay < 0:
		s.state.reserved[name] = time.Time{}
	default:
		s.state.reserved[name] = now.Add(delay)
	}
}

// nameReserved reports whether name belongs to a deleted namespace that the
// simulated GC has not purged yet. Callers hold s.mu.
func (s *Server) nameReserved(name string) bool {
	at, ok := s.state.reserved[name]
	if !ok {
		return false
	}
	if !at.IsZero() && !time.Now().Before(at) {
		delete(s.state.reserved, name)
		return false
	}
	return true
}

// RunNamespaceGC runs a namespace GC pass now: the named deleted namespaces
// (all of them when none is named) are purged and their names freed.
func (s *Server) RunNamespaceGC(names ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(names) == 0 {
		clear(s.state.reserved)
		return
	}
	for _, n := range names {
		delete(s.state.reserved, n)
	}
}
