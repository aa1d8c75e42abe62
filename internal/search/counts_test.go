package search_test

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/search"
)

// mapCounter keeps counts in a map, as the count cache does under one version.
type mapCounter struct {
	mu     sync.Mutex
	counts map[string]int
	misses int
}

func (m *mapCounter) Count(ctx context.Context, query string, _ []any, count func(context.Context) (int, error)) (int, error) {
	m.mu.Lock()
	n, ok := m.counts[query]
	m.mu.Unlock()
	if ok {
		return n, nil
	}
	n, err := count(ctx)
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	m.counts[query] = n
	m.misses++
	m.mu.Unlock()
	return n, nil
}

// statements counts the statements sent through it, by the CTEs they read.
type statements struct {
	search.Querier
	mu    sync.Mutex
	names int // a page from the names alone
	all   int // a statement that reads every match
}

func (s *statements) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s.mu.Lock()
	switch {
	case strings.Contains(query, "tier AS MATERIALIZED"):
		s.names++
	case strings.Contains(query, "matched AS MATERIALIZED"):
		s.all++
	}
	s.mu.Unlock()
	return s.Querier.QueryContext(ctx, query, args...)
}

// TestKeptCountsGiveTheSamePages: with the count kept (a later run of the same search),
// a search on PostgreSQL answers exactly what it answers when it counts, page after
// page, for every query of the recall table and a few with filters, exclusions and
// alternatives; and a search whose named hits outrank everything else answers its
// later runs from the names alone, without reading every match.
func TestKeptCountsGiveTheSamePages(t *testing.T) {
	db := seeded(t, "postgres", false)
	ctx := context.Background()
	queries := []search.Query{
		{Text: "kunta -Kuntaliitto"}, {Text: "johtaminen OR ennakointi"}, {Text: "\"kuntien kehittäminen\""},
		{Text: "kunta", Types: []search.Type{search.Theme, search.Outcome}}, {Text: "seminaari", From: "2017-01-01", To: "2017-12-31"},
		{Text: "kunta", First: 3}, {Text: "Tulevaisuuden kunta", First: 1}, {Text: "kehittäminen", First: 2},
	}
	for _, c := range recallCases {
		queries = append(queries, search.Query{Text: c.query, First: 5})
	}
	counter := &mapCounter{counts: map[string]int{}}
	st := &statements{Querier: db.SQL}
	shortcuts := 0
	for _, q := range queries {
		after := ""
		for page := 1; page <= 3; page++ {
			q.After = after
			q.Counts = nil
			want, err := search.Search(ctx, db, q)
			if err != nil {
				t.Fatalf("%q page %d: %v", q.Text, page, err)
			}
			q.Counts = counter
			for run := 1; run <= 2; run++ { // the first run counts (or finds the count kept), the second finds it
				names, all := st.names, st.all
				got, err := search.SearchWith(ctx, st, db.Dialect, q)
				if err != nil {
					t.Fatalf("%q page %d run %d: %v", q.Text, page, run, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%q page %d run %d with the count kept:\n got %+v\nwant %+v", q.Text, page, run, got, want)
				}
				if run == 2 && st.names > names && st.all == all {
					shortcuts++
				}
			}
			if !want.HasNextPage {
				break
			}
			after = want.EndCursor
		}
	}
	if shortcuts == 0 {
		t.Error("no later run of a search answered from the names alone")
	}
	t.Logf("%d searches, %d counts kept, %d later runs answered from the names alone", len(queries), counter.misses, shortcuts)
}
