package graph_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/httpmw"
)

// TestRequestTimeout: a request whose time runs out answers TIMEOUT (not UNAVAILABLE,
// which a deadline used to pass for, nor INTERNAL), and a mutation stopped by it writes
// nothing.
func TestRequestTimeout(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		h := graph.NewHandler(client, graph.Config{Dialect: dialectOf(client), Limits: graph.DefaultLimits})
		srv := httptest.NewServer(httpmw.Timeout(time.Nanosecond, nil, h))
		t.Cleanup(srv.Close)
		before := rowCounts(t, db)
		for _, q := range []string{
			`{ themes(first: 5) { totalCount edges { node { name outcomes { totalCount } } } } }`,
			`mutation { createTheme(input: {slug: "liian-hidas", name: "Liian hidas"}) { id } }`,
		} {
			r := post(t, srv, q, nil, nil)
			if len(r.Errors) == 0 || r.code() != "TIMEOUT" {
				t.Errorf("%s: errors %+v, want TIMEOUT", q, r.Errors)
			}
			if strings.HasPrefix(q, "mutation") && r.Extensions["version"] == nil {
				t.Errorf("%s: a TIMEOUT without the version: %v", q, r.Extensions)
			}
		}
		if after := rowCounts(t, db); len(after) != len(before) || after["themes"] != before["themes"] {
			t.Errorf("a mutation stopped by the timeout wrote: %v → %v", before, after)
		}

		// Out of time in the middle of execution, in a resolver's query.
		slow := graph.NewHandler(db.Client(ent.Driver(stalling{db.Driver})), graph.Config{Dialect: dialectOf(client), Limits: graph.DefaultLimits})
		srv2 := httptest.NewServer(httpmw.Timeout(100*time.Millisecond, nil, slow))
		t.Cleanup(srv2.Close)
		r := post(t, srv2, `{ themes(first: 5) { totalCount } }`, nil, nil)
		if len(r.Errors) == 0 || r.code() != "TIMEOUT" {
			t.Errorf("timeout in a resolver: errors %+v, want TIMEOUT", r.Errors)
		}

	})
}

// stalling is a driver whose queries wait until their context ends.
type stalling struct{ dialect.Driver }

func (d stalling) Query(ctx context.Context, query string, args, v any) error {
	<-ctx.Done()
	return fmt.Errorf("query: %w", ctx.Err())
}
