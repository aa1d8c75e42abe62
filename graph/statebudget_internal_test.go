package graph

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
)

// TestStateBytesBounded: the revision states one operation loads are bounded in bytes:
// what fits in the budget is reserved, the rest refused with QUERY_TOO_COSTLY before it
// is loaded, and another operation has a budget of its own. What an operation holds is
// held against the server's bound until the operation ends.
func TestStateBytesBounded(t *testing.T) {
	defer func(old int64) { maxStateBytes = old }(maxStateBytes)
	maxStateBytes = 3000
	for _, op := range []string{"first operation", "second operation"} {
		cl := &operationCleanups{}
		ctx := context.WithValue(context.Background(), cleanupsKey{}, cl)
		answered := 0
		for range 5 {
			if err := reserveStates(ctx, 1000, 500); err != nil {
				var ae *apierr.Error
				if !errors.As(err, &ae) || ae.Code != errcode.QueryTooCostly {
					t.Fatalf("%s: refused with %v, want %s", op, err, errcode.QueryTooCostly)
				}
				continue
			}
			answered++
		}
		if answered != 3 {
			t.Errorf("%s: %d reservations of 1000 bytes fit in 3000, want 3", op, answered)
		}
		// What is answered has a budget of its own: answering the same state again
		// counts again.
		for range 3 {
			if err := reserveStates(ctx, 0, 500); err != nil {
				t.Fatalf("%s: answering within the budget: %v", op, err)
			}
		}
		if err := reserveStates(ctx, 0, 1); err == nil {
			t.Errorf("%s: answered past the budget", op)
		}
		if cl.statesHeld != 3000 {
			t.Errorf("%s: holds %d bytes against the server's bound, want 3000", op, cl.statesHeld)
		}
		for _, f := range cl.fns {
			f()
		}
		if cl.statesHeld != 0 {
			t.Errorf("%s: still holds %d bytes after it ended", op, cl.statesHeld)
		}
	}
}

// TestStatesInFlightBounded: operations that together would hold more states than the
// server's bound wait for each other; one whose deadline passes while waiting is
// answered TIMEOUT, and a run of the query again reuses what its operation holds.
func TestStatesInFlightBounded(t *testing.T) {
	holders := make([]*operationCleanups, 0, MaxStateBytesInFlight/MaxStateBytes)
	for range MaxStateBytesInFlight / MaxStateBytes {
		cl := &operationCleanups{}
		if err := reserveStates(context.WithValue(context.Background(), cleanupsKey{}, cl), MaxStateBytes, 0); err != nil {
			t.Fatal(err)
		}
		holders = append(holders, cl)
	}
	end := func(cl *operationCleanups) {
		for _, f := range cl.fns {
			f()
		}
	}
	waiting := &operationCleanups{}
	ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), cleanupsKey{}, waiting), 50*time.Millisecond)
	defer cancel()
	err := reserveStates(ctx, 1, 0)
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Code != errcode.Timeout {
		t.Fatalf("an operation past the server's bound got %v, want %s", err, errcode.Timeout)
	}
	// An operation that holds its budget takes more states without waiting, though the
	// server's bound is taken: holding part and waiting for more could wait forever.
	small := holders[1]
	small.stateBytes, small.answeredBytes = 1, 1
	soon, stop := context.WithTimeout(context.WithValue(context.Background(), cleanupsKey{}, small), 50*time.Millisecond)
	defer stop()
	if err := reserveStates(soon, MaxStateBytes-1, MaxStateBytes-1); err != nil {
		t.Fatalf("an operation holding its budget, taking more: %v", err)
	}
	// A run again (stateBytes reset) reuses what the operation holds: it does not wait.
	first := holders[0]
	first.stateBytes = 0
	if err := reserveStates(context.WithValue(context.Background(), cleanupsKey{}, first), 0, MaxStateBytes); err != nil {
		t.Fatalf("a run again of an operation that holds its states: %v", err)
	}
	end(first)
	if err := reserveStates(context.WithValue(context.Background(), cleanupsKey{}, waiting), 0, 1); err != nil {
		t.Fatalf("after an operation ended: %v", err)
	}
	end(waiting)
	for _, cl := range holders[1:] {
		end(cl)
	}
	if !statesInFlight.TryAcquire(MaxStateBytesInFlight) {
		t.Fatal("the server's bound was not whole again after every operation ended")
	}
	statesInFlight.Release(MaxStateBytesInFlight)
}
