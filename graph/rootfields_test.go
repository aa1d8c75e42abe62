package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// inFlight is a driver that records how many of its queries run at once, holding each
// for a moment so that concurrent ones overlap.
type inFlight struct {
	dialect.Driver
	mu       sync.Mutex
	now, max int
}

func (d *inFlight) Query(ctx context.Context, query string, args, v any) error {
	d.mu.Lock()
	d.now++
	d.max = max(d.max, d.now)
	d.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	defer func() {
		d.mu.Lock()
		d.now--
		d.mu.Unlock()
	}()
	return d.Driver.Query(ctx, query, args, v)
}

// TestRootFieldConcurrency: a query of many aliased root fields runs at most
// graph.DefaultRootFieldConcurrency of them at once, so that one request cannot hold
// the whole connection pool, and still answers every field.
func TestRootFieldConcurrency(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, _ *ent.Client) {
		d := &inFlight{Driver: db.Driver}
		srv := apiServer(t, db.Client(ent.Driver(d)))
		var b strings.Builder
		b.WriteString("{")
		const fields = 16
		for i := range fields {
			fmt.Fprintf(&b, " f%d: themes(first: 1) { totalCount }", i)
		}
		b.WriteString(" }")
		var out map[string]struct{ TotalCount int }
		mustPost(t, srv, b.String(), nil, &out)
		if len(out) != fields || out["f0"].TotalCount == 0 {
			t.Fatalf("answered %d fields (%v), want %d with their counts", len(out), out["f0"], fields)
		}
		if d.max > graph.DefaultRootFieldConcurrency {
			t.Errorf("%d queries ran at once, want at most %d", d.max, graph.DefaultRootFieldConcurrency)
		}
		if d.max < 2 {
			t.Errorf("%d query ran at once: root fields should still run concurrently", d.max)
		}
	})
}
