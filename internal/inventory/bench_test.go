package inventory

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkWalk1000Organizations walks 1000 organizations, each with a
// team, a repository granted to the team (and to its creator) and a robot,
// against the emulator answering each request after 20 ms, as quay-import
// does (4 namespaces at once). It reports the requests and objects per walk.
//
//	go test ./internal/inventory -run '^$' -bench Walk1000
func BenchmarkWalk1000Organizations(b *testing.B) {
	e := newTestEnv(b)
	for i := range 1000 {
		e.org(b, fmt.Sprintf("org%04d", i))
	}
	e.emu.SetLatency(20 * time.Millisecond)
	ctx := context.Background()
	var objects int
	for b.Loop() {
		e.emu.ResetCounts()
		objs, err := Collect(ctx, e.admin, Options{Parallelism: 4})
		if err != nil {
			b.Fatal(err)
		}
		objects = len(objs)
	}
	total := 0
	for _, n := range e.emu.Counts() {
		total += n
	}
	b.ReportMetric(float64(total), "requests/op")
	b.ReportMetric(float64(objects), "objects/op")
}
