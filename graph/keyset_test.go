package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestWalkComputedOrder walks every page of connections ordered by an edge's field (a
// value joined from another table, not a column of the connection's own), forwards with
// first/after and backwards with last/before, and gets every row exactly once, in the
// order (value, then ID), on both databases. entgql's cursor predicate named the value as
// a column of the table, so every page after the first answered INTERNAL.
func TestWalkComputedOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		nw := client.Network.Create().SetName("USO").SaveX(ctx)
		term := client.NetworkTerm.Create().SetNetwork(nw).SetNumber(4).SetStartYear(2017).SaveX(ctx)
		// Five seminars on four dates (two share one), with 3–5 outcomes and one or two
		// sessions each: ties on the value, which the ID must break.
		dates := []string{"2018-05-02", "2017-03-14", "2019-11-20", "2017-03-14", "2018-01-09"}
		date := map[string]time.Time{} // by outcome or session ID
		var outcomes, sessions []string
		for i, d := range dates {
			sem := client.Seminar.Create().SetTitle(fmt.Sprintf("Seminaari %d", i)).SetDate(mustDate(d)).SetTerm(term).SaveX(ctx)
			for j := range 1 + i%2 {
				s := client.Session.Create().SetSeminar(sem).SetKind(session.KindPRESENTATION).SetPosition(j + 1).SetTitle(fmt.Sprintf("Sessio %d.%d", i, j)).SaveX(ctx)
				sessions = append(sessions, string(s.ID))
				date[string(s.ID)] = sem.Date
			}
			for j := range 3 + i%3 {
				o := client.Outcome.Create().SetKind(outcome.KindINSIGHT).SetText(fmt.Sprintf("Tulos %d.%d", i, j)).SetSeminar(sem).SaveX(ctx)
				outcomes = append(outcomes, string(o.ID))
				date[string(o.ID)] = sem.Date
			}
		}
		srv := apiServer(t, client)
		// want sorts ids by date in dir, then by ID ascending.
		want := func(ids []string, desc bool) []string {
			out := slices.Clone(ids)
			slices.SortFunc(out, func(a, b string) int {
				c := date[a].Compare(date[b])
				if desc {
					c = -c
				}
				if c != 0 {
					return c
				}
				return strings.Compare(a, b)
			})
			return out
		}
		type page struct {
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			} `json:"pageInfo"`
			Edges []struct {
				Node struct{ ID string } `json:"node"`
			} `json:"edges"`
		}
		for _, tc := range []struct {
			connection string
			ids        []string
			desc       bool
		}{
			{"outcomes", outcomes, true},
			{"outcomes", outcomes, false},
			{"sessions", sessions, true},
			{"sessions", sessions, false},
		} {
			dir := "ASC"
			if tc.desc {
				dir = "DESC"
			}
			expected := want(tc.ids, tc.desc)
			for _, backwards := range []bool{false, true} {
				name := fmt.Sprintf("%s %s backwards=%v", tc.connection, dir, backwards)
				t.Run(name, func(t *testing.T) {
					q := fmt.Sprintf(`query($c: Cursor) { p: %s(first: 3, after: $c, orderBy: [{field: SEMINAR_DATE, direction: %s}]) {
						pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } } } }`, tc.connection, dir)
					if backwards {
						q = fmt.Sprintf(`query($c: Cursor) { p: %s(last: 3, before: $c, orderBy: [{field: SEMINAR_DATE, direction: %s}]) {
						pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { id } } } }`, tc.connection, dir)
					}
					var got []string
					var cursor any
					for pages := 0; ; pages++ {
						if pages > len(expected) {
							t.Fatalf("more pages than rows: %v", got)
						}
						var out struct{ P page }
						mustPost(t, srv, q, map[string]any{"c": cursor}, &out)
						var ids []string
						for _, e := range out.P.Edges {
							ids = append(ids, e.Node.ID)
						}
						if backwards {
							got = append(ids, got...)
						} else {
							got = append(got, ids...)
						}
						more := out.P.PageInfo.HasNextPage
						cursor = out.P.PageInfo.EndCursor
						if backwards {
							more = out.P.PageInfo.HasPreviousPage
							cursor = out.P.PageInfo.StartCursor
						}
						if !more {
							break
						}
					}
					if !slices.Equal(got, expected) {
						t.Fatalf("walked\n%v\nwant\n%v", got, expected)
					}
				})
			}
		}
	})
}
