package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/quaytf/terraform-provider-quay/internal/emulator"
)

// counters reads an emulator's request counters through its HTTP endpoint
// (GET /_emulator/requests, DELETE to reset), so every run is measured the
// same way whatever serves QUAY_URL: the bench's own emulator, or a
// quay-emulator started by hand with any provider binary against it.
type counters struct {
	url    string
	client *http.Client
}

// probeCounters returns the counters of the emulator at base, or nil when
// base does not answer the endpoint (a real Quay).
func probeCounters(base string) *counters {
	c := &counters{url: strings.TrimRight(base, "/") + emulator.RequestsPath, client: &http.Client{Timeout: 10 * time.Second}}
	if _, _, err := c.read(); err != nil {
		return nil
	}
	return c
}

// reset zeroes the counters.
func (c *counters) reset() error {
	req, err := http.NewRequest(http.MethodDelete, c.url, nil)
	if err != nil {
		return err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("DELETE %s: %s", c.url, resp.Status)
	}
	return nil
}

// read returns the requests per route and their total.
func (c *counters) read() (map[string]int, int, error) {
	resp, err := c.client.Get(c.url)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("GET %s: %s", c.url, resp.Status)
	}
	byRoute := map[string]int{}
	if err := json.NewDecoder(resp.Body).Decode(&byRoute); err != nil {
		return nil, 0, fmt.Errorf("GET %s: %w", c.url, err)
	}
	total := byRoute["total"]
	delete(byRoute, "total")
	return byRoute, total, nil
}
