// Package gctune holds the server's garbage-collector settings: a higher GOGC with a soft
// memory limit, which suit a server whose live heap is small and whose requests allocate
// much. Under a soft limit near the live heap the collector runs without pause, so the
// limit follows the live heap (Govern: never below Settings.LiveFactor times it). Only the server's main
// sets them, once at start-up; domain code leaves the collector alone and bounds its own
// memory instead (a theme network build: network.Service).
package gctune

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Settings are the collector's settings: GOGC, the soft memory limit in bytes, and the
// multiple of the live heap below which Govern never lets the limit go (2 when zero).
type Settings struct {
	Percent    int
	Limit      int64
	LiveFactor int64
}

var (
	mu      sync.Mutex
	applied *Settings // nil until Apply
)

// Apply makes s the process's settings.
func Apply(s Settings) {
	mu.Lock()
	defer mu.Unlock()
	applied = &s
	set(s)
}

// Govern re-reads the live heap every interval until ctx ends and keeps the soft limit at
// LiveFactor times the live heap where that is above the applied limit: under a limit near
// the live heap the collector would never stop. Four times was the rule while a cached theme
// network kept 250 MB live at synthetic scale 10 (a page of 50 at 622 requests/s, twice
// at 266); the cached network is now a few MB, what is live beyond the applied limit is a
// network build's working set for a few seconds, and four times it was most of the
// server's peak RSS (BENCHMARKS.md "Memory").
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

// adjust sets the soft limit to max(the applied limit, LiveFactor times the live heap).
func adjust() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := int64(0)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		live = int64(sample[0].Value.Uint64())
	}
	mu.Lock()
	defer mu.Unlock()
	if applied == nil {
		return
	}
	factor := applied.LiveFactor
	if factor <= 0 {
		factor = 2
	}
	debug.SetMemoryLimit(max(applied.Limit, factor*live))
}

func set(s Settings) {
	debug.SetGCPercent(s.Percent)
	debug.SetMemoryLimit(s.Limit)
}
