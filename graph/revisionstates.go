package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"golang.org/x/sync/semaphore"

	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/history"
)

// MaxStateBytes bounds the revision states (before and after) one operation returns:
// their query cost (querylimit.StateCost) counts states, not bytes, and one theme's
// state lists all of its edges (up to 1.4 MB at synthetic scale 10).
const MaxStateBytes = 16 << 20

// MaxStateBytesInFlight bounds the revision states all operations of the server hold
// at once: an operation that reads states takes its whole MaxStateBytes from it, so at
// most two read states at a time, and the others wait (within their deadline) for
// one to finish. Memory for states is bounded by the server, not by the number of
// clients asking.
const MaxStateBytesInFlight = 2 * MaxStateBytes

// maxStateBytes is MaxStateBytes, lowered by tests.
var maxStateBytes int64 = MaxStateBytes

// statesInFlight holds the bytes of revision states the server's operations have
// loaded and not yet answered (MaxStateBytesInFlight).
var statesInFlight = semaphore.NewWeighted(MaxStateBytesInFlight)

// stateSelection is which states (before, after) a revisions field selects: worked out
// once per field (statesWanted), for loading, answering and batching.
type stateSelection struct{ before, after bool }

// statesWanted tells which states (before, after) the revisions connection being
// resolved in ctx selects under edges.node, through fragments and directives as the
// executor sees them.
func statesWanted(ctx context.Context) stateSelection {
	before, after := collectStates(ctx)
	return stateSelection{before: before, after: after}
}

// collectStates is statesWanted's walk of the field's selections.
func collectStates(ctx context.Context) (before, after bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !graphql.HasOperationContext(ctx) {
		return true, true // not under the executor: load what may be asked
	}
	op := graphql.GetOperationContext(ctx)
	for _, edges := range graphql.CollectFields(op, fc.Field.Selections, []string{"RevisionConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(op, edges.Selections, []string{"RevisionEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(op, node.Selections, []string{"Revision"}) {
				switch f.Name {
				case "before":
					before = true
				case "after":
					after = true
				}
			}
		}
	}
	return before, after
}

// statesSize is the bytes of the states of revs that the field of ctx selects.
func statesSize(revs []*history.Revision, before, after bool) int64 {
	var size int64
	for _, rev := range revs {
		if before {
			size += rev.BeforeBytes
		}
		if after {
			size += rev.AfterBytes
		}
	}
	return size
}

// loadStates reads the states of revs that the field of ctx selects, once their bytes
// (read with the revisions, without the states) fit in what is left of the operation's
// MaxStateBytes for loading: past it the field is refused (QUERY_TOO_COSTLY) before
// anything is loaded. What a field answers is counted apart (answerStates).
func (r *Resolver) loadStates(ctx context.Context, revs []*history.Revision, sel stateSelection) error {
	before, after := sel.before, sel.after
	if !before && !after {
		return nil
	}
	if ctx.Value(websocketKey{}) != nil {
		return statesOverWebsocket()
	}
	if err := reserveStates(ctx, statesSize(revs, before, after), 0); err != nil {
		return err
	}
	return history.LoadStates(ctx, r.clientFrom(ctx), revs, before, after)
}

// answerStates counts the states a revisions field answers against the operation's
// MaxStateBytes for answers: every field that answers a state counts it, however often
// the same revision is answered (aliases, the same object listed again), since each
// is written into the response.
func answerStates(ctx context.Context, c *model.RevisionConnection, sel stateSelection) error {
	if !sel.before && !sel.after {
		return nil
	}
	return reserveStates(ctx, 0, statesSize(pageOf(c), sel.before, sel.after))
}

// reserveStates counts load more bytes of states loaded and answer more answered
// against the operation's budgets (each MaxStateBytes); the first time, it takes the
// operation's MaxStateBytes from the server's bound until the operation ends.
func reserveStates(ctx context.Context, load, answer int64) error {
	cl, _ := ctx.Value(cleanupsKey{}).(*operationCleanups)
	if cl == nil {
		if load > maxStateBytes || answer > maxStateBytes {
			return tooManyStates()
		}
		return nil
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	loaded, answered := cl.stateBytes+load, cl.answeredBytes+answer
	if loaded > maxStateBytes || answered > maxStateBytes {
		return tooManyStates()
	}
	if cl.statesHeld == 0 && loaded+answered > 0 {
		// The operation takes its whole budget at once, the first time it needs
		// states: an operation that held part of it and waited for more could wait
		// for others that wait for it.
		if err := statesInFlight.Acquire(ctx, maxStateBytes); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return &apierr.Error{Code: errcode.Timeout,
					Message: "the server was answering other revision states until this request's deadline; try again"}
			}
			return fmt.Errorf("wait for revision states: %w", err)
		}
		cl.statesHeld = maxStateBytes
		cl.fns = append(cl.fns, func() { statesInFlight.Release(cl.releaseStates()) })
	}
	cl.stateBytes, cl.answeredBytes = loaded, answered
	return nil
}

// releaseStates returns the bytes of states the operation holds, and holds none.
func (c *operationCleanups) releaseStates() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.statesHeld
	c.statesHeld = 0
	return n
}

// statesOverWebsocket refuses revision states to an operation over a WebSocket: there a
// response is queued whole for a client that may never read it (twenty connections of
// five operations held 2.5 GB), while over HTTP an operation holds its share of the
// server's bound until its response is written (holdUntilWritten).
func statesOverWebsocket() error {
	return &apierr.Error{Code: errcode.QueryTooCostly,
		Message: "revision states (before, after) are answered over HTTP, not over a WebSocket: send this query as an HTTP request"}
}

func tooManyStates() error {
	return &apierr.Error{Code: errcode.QueryTooCostly,
		Message: fmt.Sprintf("the revision states of this operation pass %d MB; ask for fewer revisions, or for before and after of fewer at a time", maxStateBytes>>20)}
}
