package graph

import (
	"context"
	"errors"
	"testing"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/history"
)

// TestStateBytesBounded: the revision states one operation answers are bounded in bytes:
// the states within the budget are answered, the rest refused with QUERY_TOO_COSTLY, and
// another operation has a budget of its own.
func TestStateBytesBounded(t *testing.T) {
	defer func(old int64) { maxStateBytes = old }(maxStateBytes)
	state := &history.State{Fields: map[string]any{"name": "Kuntastrategia", "slug": "kuntastrategia"}}
	one, err := stateJSON(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	maxStateBytes = int64(3*len(*one) + 1) // room for three states
	for _, op := range []string{"first operation", "second operation"} {
		ctx := context.WithValue(context.Background(), cleanupsKey{}, &operationCleanups{})
		answered := 0
		for range 5 {
			s, err := stateJSON(ctx, state)
			if err != nil {
				var ge *gqlerror.Error
				if !errors.As(err, &ge) || ge.Extensions["code"] != errcode.QueryTooCostly {
					t.Fatalf("%s: refused with %v, want %s", op, err, errcode.QueryTooCostly)
				}
				continue
			}
			if s == nil || *s != *one {
				t.Fatalf("%s: state %v, want %s", op, s, *one)
			}
			answered++
		}
		if answered != 3 {
			t.Errorf("%s: %d states answered, want 3", op, answered)
		}
	}
}
