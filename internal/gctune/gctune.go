// Package gctune holds the server's garbage-collector settings: a higher GOGC with a soft
// memory limit, which suit a server whose live heap is small and whose requests allocate
// much. Under a soft limit near the live heap the collector runs without pause, so the
// limit follows the live heap (Govern: never below four times it), and a rare computation
// with a large working set (a theme network build) runs under Go's defaults meanwhile
// (Suspend).
package gctune

import (
	"context"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Settings are the collector's settings: GOGC and the soft memory limit in bytes.
type Settings struct {
	Percent int
	Limit   int64
}

// goDefaults are Go's own: GOGC=100 and no memory limit.
var goDefaults = Settings{Percent: 100, Limit: math.MaxInt64}

var (
	mu      sync.Mutex
	applied *Settings // nil until Apply
	holds   int       // computations running under goDefaults
)

// Apply makes s the process's settings (at once, or when the computations running under
// Go's defaults have finished).
func Apply(s Settings) {
	mu.Lock()
	defer mu.Unlock()
	applied = &s
	if holds == 0 {
		set(s)
	}
}

// Suspend runs the process under Go's default settings until the returned function is
// called, if Apply has set others; concurrent suspensions nest. It returns a no-op where
// Apply was never called (the environment chose the settings).
func Suspend() (resume func()) {
	mu.Lock()
	defer mu.Unlock()
	if applied == nil {
		return func() {}
	}
	if holds == 0 {
		set(goDefaults)
	}
	holds++
	return sync.OnceFunc(func() {
		mu.Lock()
		defer mu.Unlock()
		holds--
		if holds == 0 {
			set(*applied)
		}
	})
}

// Govern re-reads the live heap every interval until ctx ends and keeps the soft limit at
// four times the live heap where that is above the applied limit: a knowledge base whose
// cached theme network alone outgrows the limit would otherwise have every request pay a
// collection. (Twice the live heap was measured too: at synthetic scale 10, with 250 MB
// live, it served a page of 50 at 266 requests/s, four times at 622, Go's defaults at 512.)
func Govern(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			adjust()
		}
	}
}

// adjust sets the soft limit to max(the applied limit, four times the live heap).
func adjust() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := int64(0)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = int64(sample[0].Value.Uint64())
	}
	mu.Lock()
	defer mu.Unlock()
	if applied == nil || holds > 0 {
		return
	}
	debug.SetMemoryLimit(max(applied.Limit, 4*live))
}

func set(s Settings) {
	debug.SetGCPercent(s.Percent)
	debug.SetMemoryLimit(s.Limit)
}
