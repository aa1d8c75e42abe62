package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestGCDefaults checks that the server tunes the collector only where the environment
// sets neither GOGC nor GOMEMLIMIT.
func TestGCDefaults(t *testing.T) {
	prevPercent := debug.SetGCPercent(100)
	prevLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(prevPercent)
		debug.SetMemoryLimit(prevLimit)
	})
	cases := []struct {
		env     map[string]string
		percent int
		limit   int64
		says    string
	}{
		{map[string]string{"GOMEMLIMIT": "1GiB"}, 100, 1 << 30, "from the environment"},
		{map[string]string{}, gcTuned.Percent, gcTuned.Limit, "GOGC=400 GOMEMLIMIT=56MiB"},
	}
	for _, tc := range cases {
		// What Go's runtime would have read from that environment at start.
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(1 << 30)
		if got, _ := gcDefaults(func(k string) string { return tc.env[k] }); !strings.HasPrefix(got, tc.says) {
			t.Errorf("env %v: %q, want %q", tc.env, got, tc.says)
		}
		p := debug.SetGCPercent(100)
		if l := debug.SetMemoryLimit(-1); p != tc.percent || l != tc.limit {
			t.Errorf("env %v: GOGC %d, limit %d; want %d, %d", tc.env, p, l, tc.percent, tc.limit)
		}
	}
}
