package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

func current() Settings {
	p := debug.SetGCPercent(-1)
	debug.SetGCPercent(p)
	return Settings{Percent: p, Limit: debug.SetMemoryLimit(-1)}
}

// TestSuspend checks that suspensions nest and restore the applied settings when the
// last one ends, and do nothing where Apply was never called.
func TestSuspend(t *testing.T) {
	before := current()
	t.Cleanup(func() {
		set(before)
		applied, holds = nil, 0
	})
	resume := Suspend()
	if got := current(); got != before {
		t.Fatalf("without Apply, Suspend changed the settings: %+v", got)
	}
	resume()

	tuned := Settings{Percent: 400, Limit: 100 << 20}
	Apply(tuned)
	if got := current(); got != tuned {
		t.Fatalf("after Apply: %+v", got)
	}
	r1, r2 := Suspend(), Suspend()
	if got := current(); got != (Settings{100, math.MaxInt64}) {
		t.Fatalf("suspended: %+v", got)
	}
	r1()
	r1() // a second call does nothing
	if got := current(); got.Percent != 100 {
		t.Fatalf("one of two suspensions ended: %+v", got)
	}
	r2()
	if got := current(); got != tuned {
		t.Fatalf("both ended: %+v, want %+v", got, tuned)
	}
}

// TestAdjust checks that the soft limit follows a live heap above it, and comes back to
// the applied limit when the heap shrinks.
func TestAdjust(t *testing.T) {
	before := current()
	t.Cleanup(func() {
		set(before)
		applied, holds = nil, 0
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
}
