package main

import (
	"runtime/debug"
	"testing"
)

// TestGCDefaults checks that the server's collector defaults apply only where the
// environment leaves GOGC and GOMEMLIMIT unset.
func TestGCDefaults(t *testing.T) {
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})
	cases := []struct {
		env         map[string]string
		percent     int
		limit       int64
		description string
	}{
		{map[string]string{}, defaultGOGC, defaultMemoryLimit, "GOGC=400 GOMEMLIMIT=100MiB"},
		{map[string]string{"GOGC": "100", "GOMEMLIMIT": "1GiB"}, 100, 1 << 30, "GOGC=100 GOMEMLIMIT=1GiB"},
	}
	for _, tc := range cases {
		// What the Go runtime would have read from the environment at start.
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(1 << 30)
		got := gcDefaults(func(k string) string { return tc.env[k] })
		if got != tc.description {
			t.Errorf("env %v: %q, want %q", tc.env, got, tc.description)
		}
		if p := debug.SetGCPercent(-1); p != tc.percent {
			t.Errorf("env %v: GOGC %d, want %d", tc.env, p, tc.percent)
		}
		debug.SetGCPercent(100)
		if l := debug.SetMemoryLimit(-1); l != tc.limit {
			t.Errorf("env %v: memory limit %d, want %d", tc.env, l, tc.limit)
		}
	}
}
