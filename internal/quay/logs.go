package quay

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Usage (audit) logs: the instance's (superuser), an organization's, or a
// repository's. Quay answers 20 entries a page, newest first, and chains
// pages with an opaque next_page token.

// LogDateFormat is the only date form Quay's log endpoints take for
// starttime and endtime: a day in UTC (endtime's day is included).
const LogDateFormat = "01/02/2006"

// LogEntry is one usage log entry. Datetime is RFC 2822 ("Fri, 21 Aug 2026
// 16:02:54 -0000"). Namespace is set only in the instance-wide list.
type LogEntry struct {
	Kind      string         `json:"kind"`
	Metadata  map[string]any `json:"metadata"`
	IP        *string        `json:"ip"`
	Datetime  string         `json:"datetime"`
	Performer *struct {
		Kind    string `json:"kind"`
		Name    string `json:"name"`
		IsRobot bool   `json:"is_robot"`
	} `json:"performer"`
	Namespace *struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
	} `json:"namespace"`
}

// Time parses Datetime.
func (e LogEntry) Time() (time.Time, error) {
	return time.Parse(time.RFC1123Z, e.Datetime)
}

// LogsQuery says whose logs to read and over which days. Leave both
// Organization and Repository empty for the instance's logs (superusers
// only); Repository is "namespace/name". Zero times leave the bound to
// Quay (24 hours ago; now).
type LogsQuery struct {
	Organization string
	Repository   string
	Start, End   time.Time
}

func (q LogsQuery) path() string {
	switch {
	case q.Repository != "":
		ns, name, _ := strings.Cut(q.Repository, "/")
		return "/api/v1/repository/" + seg(ns) + "/" + seg(name) + "/logs"
	case q.Organization != "":
		return "/api/v1/organization/" + seg(q.Organization) + "/logs"
	default:
		return "/api/v1/superuser/logs"
	}
}

// LogsResult is what ListUsageLogs read.
type LogsResult struct {
	Entries []LogEntry
	// StartTime and EndTime are the bounds Quay applied (RFC 2822).
	StartTime, EndTime string
	// Truncated is set when maxEntries entries were read and Quay offered a
	// further page (which may yet have been empty).
	Truncated bool
	// Requests is the number of pages requested.
	Requests int
}

// ListUsageLogs reads log entries, newest first, one request per page, until
// Quay has no further page or maxEntries are read (the last page is cut
// to maxEntries).
func (c *Client) ListUsageLogs(ctx context.Context, q LogsQuery, maxEntries int) (*LogsResult, error) {
	res := &LogsResult{}
	base := url.Values{}
	if !q.Start.IsZero() {
		base.Set("starttime", q.Start.UTC().Format(LogDateFormat))
	}
	if !q.End.IsZero() {
		base.Set("endtime", q.End.UTC().Format(LogDateFormat))
	}
	next := ""
	for {
		var out struct {
			StartTime         string     `json:"start_time"`
			EndTime           string     `json:"end_time"`
			Logs              []LogEntry `json:"logs"`
			NextPage          string     `json:"next_page"`
			SearchUnavailable bool       `json:"search_unavailable"`
			Message           string     `json:"message"`
		}
		query := url.Values{}
		for k, v := range base {
			query[k] = v
		}
		if next != "" {
			query.Set("next_page", next)
		}
		res.Requests++
		if err := c.do(ctx, call{endpoint: "ListUsageLogs", method: http.MethodGet, path: q.path(), query: query, out: &out}); err != nil {
			return nil, err
		}
		if out.SearchUnavailable {
			return nil, fmt.Errorf("GET %s: Quay cannot search its logs: %s", q.path(), out.Message)
		}
		res.StartTime, res.EndTime = out.StartTime, out.EndTime
		res.Entries = append(res.Entries, out.Logs...)
		if len(res.Entries) >= maxEntries {
			res.Truncated = len(res.Entries) > maxEntries || out.NextPage != ""
			res.Entries = res.Entries[:maxEntries]
			return res, nil
		}
		if out.NextPage == "" {
			return res, nil
		}
		if out.NextPage == next {
			return nil, fmt.Errorf("GET %s: Quay returned the same next_page token twice", q.path())
		}
		next = out.NextPage
	}
}
