package emulator

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// EmulatorPrefix is where the emulator answers about itself. Quay serves
// nothing under it, so no client of Quay's API can mean these paths.
const EmulatorPrefix = "/_emulator/"

// RequestsPath is the request counter endpoint: GET reads, DELETE resets.
const RequestsPath = EmulatorPrefix + "requests"

// serveEmulator answers the emulator's own endpoints. They are not counted,
// delayed, faulted or logged as Quay requests.
func (s *Server) serveEmulator(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != RequestsPath {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "no such emulator endpoint; see " + RequestsPath})
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		counts := s.Counts()
		out := make(map[string]int, len(counts)+1)
		total := 0
		for k, v := range counts {
			out[k] = v
			total += v
		}
		out["total"] = total
		writeJSON(w, http.StatusOK, out)
	case http.MethodDelete:
		s.ResetCounts()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, HEAD, DELETE")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "The method is not allowed for the requested URL."})
	}
}

// requestLog writes one line per request: method, path, status, duration.
type requestLog struct {
	mu sync.Mutex
	w  io.Writer
}

// SetRequestLog makes the emulator write one line per Quay request to w
// (nil stops it): method, path, status and duration. Status 0 means the
// connection was cut without an answer (an injected fault).
func (s *Server) SetRequestLog(w io.Writer) {
	s.knobs.Lock()
	defer s.knobs.Unlock()
	if w == nil {
		s.reqLog = nil
		return
	}
	s.reqLog = &requestLog{w: w}
}

func (s *Server) logRequest(r *http.Request, w *statusRecorder, start time.Time) {
	s.knobs.Lock()
	l := s.reqLog
	s.knobs.Unlock()
	if l == nil {
		return
	}
	line := fmt.Sprintf("%s %s %d %s\n", r.Method, r.URL.Path, w.status, time.Since(start).Round(time.Microsecond))
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.w, line)
}

// isEmulatorPath says whether a request is for the emulator itself.
func isEmulatorPath(p string) bool { return strings.HasPrefix(p, EmulatorPrefix) }
