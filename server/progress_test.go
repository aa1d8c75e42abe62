package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// clock is a fake time that a test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestProgress feeds the same advance to the terminal bar and to the log lines and
// checks what each writes: the bar redrawn in place with percentage, rate and time
// left, at most every redrawEvery; the log a line at most every logEvery and at the end
// of each stage; both with the stage's figures.
func TestProgress(t *testing.T) {
	type step struct {
		after       time.Duration // since the start
		stage       string
		done, total int
		want        []string // substrings of what this step writes; nil: it writes nothing
	}
	for _, tc := range []struct {
		name     string
		terminal bool
		steps    []step
	}{
		{"terminal", true, []step{
			{0, "base", 0, 4, []string{"\rgen base", "[", "0.0% 0/4"}},
			{50 * time.Millisecond, "base", 4, 4, []string{"100.0% 4/4", "in 100ms", "\n"}},
			{50 * time.Millisecond, "seminars", 0, 100, []string{"\rgen seminars", "0.0% 0/100"}},
			{time.Second + 50*time.Millisecond, "seminars", 10, 100, []string{"[===    ", " 10.0% 10/100 10.0/s ETA 9s\x1b[K"}},
			{time.Second + 100*time.Millisecond, "seminars", 11, 100, nil}, // redrawn at most every 100 ms
			{10*time.Second + 50*time.Millisecond, "seminars", 100, 100, []string{"[" + strings.Repeat("=", barWidth) + "]", "100.0% 100/100 10.0/s in 10s", "\n"}},
		}},
		{"log", false, []step{
			{0, "base", 0, 4, nil}, // no rate yet
			{50 * time.Millisecond, "base", 4, 4, []string{"msg=\"gen progress\" stage=base done=4 total=4 percent=100.0"}},
			{50 * time.Millisecond, "seminars", 0, 100, nil},
			{time.Second + 50*time.Millisecond, "seminars", 10, 100, []string{"stage=seminars done=10 total=100 percent=10.0 rate=10.0/s elapsed=1s eta=9s"}},
			{2*time.Second + 50*time.Millisecond, "seminars", 20, 100, nil}, // a line at most every 5 s
			{6*time.Second + 50*time.Millisecond, "seminars", 60, 100, []string{"done=60 total=100", "eta=4s"}},
			{10*time.Second + 50*time.Millisecond, "seminars", 100, 100, []string{"done=100 total=100 percent=100.0 rate=10.0/s elapsed=10s\n"}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			start := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
			c := &clock{start}
			p := &progress{name: "gen", w: &buf, terminal: tc.terminal, logger: slog.New(slog.NewTextHandler(&buf, nil)), now: c.now}
			for _, s := range tc.steps {
				c.t = start.Add(s.after)
				buf.Reset()
				p.update(s.stage, s.done, s.total)
				got := buf.String()
				if s.want == nil {
					if got != "" {
						t.Errorf("%s %d/%d at %s wrote %q, want nothing", s.stage, s.done, s.total, s.after, got)
					}
					continue
				}
				for _, w := range s.want {
					if !strings.Contains(got, w) {
						t.Errorf("%s %d/%d at %s wrote %q, want it to contain %q", s.stage, s.done, s.total, s.after, got, w)
					}
				}
				if !tc.terminal && strings.Contains(got, "\r") {
					t.Errorf("log line %q has a carriage return", got)
				}
			}
		})
	}
}
