package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// TestCancelledIsNoInternalError: an error of a request the client went away from (its
// context cancelled) is answered CANCELLED and logged at info level, not as an internal
// error, so that hang-ups cannot flood the error log and the INTERNAL count; a
// deadline is still a TIMEOUT.
func TestCancelledIsNoInternalError(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ctx    func() context.Context
		code   string
		level  string
		absent string
	}{
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, errcode.Cancelled, "level=INFO", "level=ERROR"},
		{"deadline", func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 0)
			cancel()
			return ctx
		}, errcode.Timeout, "", "level=ERROR"},
		{"neither", context.Background, errcode.Internal, "level=ERROR", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			present := presentError(slog.New(slog.NewTextHandler(&log, nil)))
			ctx := tc.ctx()
			got := present(ctx, fmt.Errorf("as of version 3: %w", errors.Join(ctx.Err(), errors.New("rebuild stopped"))))
			if got.Extensions["code"] != tc.code {
				t.Errorf("code %v, want %s (%s)", got.Extensions["code"], tc.code, got.Message)
			}
			if tc.level != "" && !strings.Contains(log.String(), tc.level) {
				t.Errorf("log %q, want %s", log.String(), tc.level)
			}
			if tc.absent != "" && strings.Contains(log.String(), tc.absent) {
				t.Errorf("log %q has %s", log.String(), tc.absent)
			}
		})
	}
}
