package gctune

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func current() Settings {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return Settings{Percent: p, Limit: debug.SetMemoryLimit(-1)}
}

// TestAdjust checks that the soft limit follows a live heap above it, and comes back to
// the applied limit when the heap shrinks.
func TestAdjust(t *testing.T) {
	before := current()
	t.Cleanup(func() {
		set(before)
		applied = nil
	})
	Apply(Settings{Percent: 400, Limit: 4 << 20})
	big := make([]byte, 32<<20)
	for i := range big {
		big[i] = byte(i)
	}
	runtime.GC()
	adjust()
	if got := current().Limit; got < 64<<20 {
		t.Fatalf("limit %d with 32 MiB live, want at least 64 MiB", got)
	}
	runtime.KeepAlive(big)
	big = nil
	runtime.GC()
	adjust()
	if got := current().Limit; got > 32<<20 {
		t.Fatalf("limit %d after the heap shrank, want near the applied 4 MiB", got)
	}

	// A larger factor keeps the limit further above the live heap.
	Apply(Settings{Percent: 400, Limit: 4 << 20, LiveFactor: 3})
	big = make([]byte, 32<<20)
	for i := range big {
		big[i] = byte(i)
	}
	runtime.GC()
	adjust()
	if got := current().Limit; got < 96<<20 {
		t.Fatalf("limit %d with 32 MiB live and factor 3, want at least 96 MiB", got)
	}
	runtime.KeepAlive(big)
}
