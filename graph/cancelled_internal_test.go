package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/apierr"
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
		err    error  // the resolver's error (nil: one wrapping the context's)
		msg    string // in the answer's message, when not ""
	}{
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, errcode.Cancelled, "level=INFO", "level=ERROR", nil, ""},
		{"deadline", func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 0)
			cancel()
			return ctx
		}, errcode.Timeout, "", "level=ERROR", nil, "request timeout"},
		{"neither", context.Background, errcode.Internal, "level=ERROR", "", nil, ""},
		{"a TIMEOUT of our own past the deadline", func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 0)
			cancel()
			return ctx
		}, errcode.Timeout, "", "level=ERROR", &apierr.Error{Code: errcode.Timeout, Message: "the server was answering other revision states"}, "other revision states"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			present := presentError(slog.New(slog.NewTextHandler(&log, nil)))
			ctx := tc.ctx()
			err := tc.err
			if err == nil {
				err = fmt.Errorf("as of version 3: %w", errors.Join(ctx.Err(), errors.New("rebuild stopped")))
			}
			got := present(ctx, err)
			if !strings.Contains(got.Message, tc.msg) {
				t.Errorf("message %q, want it to say %q", got.Message, tc.msg)
			}
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
