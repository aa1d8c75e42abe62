package graph_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

const seriesQuery = `query($by: SeriesDimension!, $t: Float) {
  themeNetworkSeries(by: $by, matchThreshold: $t) {
    by matchThreshold
    slices {
      index previous key label start end term { id number }
      network { edgeCount signals signalShares { signal edges onlyEdges weight weightShare }
        nodes { theme { slug } weightedDegree betweenness community }
        edges { source { slug } target { slug } weight strength evidence { signal count itemIDs items { id } } } }
      communities { community lineage event themes { slug } predecessors { community lineage overlap } }
      vanished { community lineage themes { slug } }
    }
    themes { theme { slug } points { sliceIndex sliceKey present items degree weightedDegree betweenness community lineage } }
  }
}`

type seriesNetwork struct {
	EdgeCount    int
	Signals      []string
	SignalShares []struct {
		Signal              string
		Edges, OnlyEdges    int
		Weight, WeightShare float64
	}
	Nodes []struct {
		Theme                       struct{ Slug string }
		WeightedDegree, Betweenness float64
		Community                   int
	}
	Edges []struct {
		Source, Target struct{ Slug string }
		Weight         float64
		Strength       float64
		Evidence       []struct {
			Signal  string
			Count   int
			ItemIDs []string
			Items   []struct{ ID string }
		}
	}
}

type seriesResult struct {
	ThemeNetworkSeries struct {
		By             string
		MatchThreshold float64
		Slices         []struct {
			Index                  int
			Previous               *int
			Key, Label, Start, End string
			Term                   *struct {
				ID     string
				Number int
			}
			Network     seriesNetwork
			Communities []struct {
				Community, Lineage int
				Event              string
				Themes             []struct{ Slug string }
				Predecessors       []struct {
					Community, Lineage int
					Overlap            float64
				}
			}
			Vanished []struct{ Community, Lineage int }
		}
		Themes []struct {
			Theme  struct{ Slug string }
			Points []struct {
				SliceIndex     int
				SliceKey       string
				Present        bool
				Items, Degree  int
				WeightedDegree float64
				Community      *int
			}
		}
	}
}

// TestThemeNetworkSeriesAPI asks the series of the seed knowledge by term and by year
// through the API, and checks every slice against themeNetwork asked with the slice as
// its filter: the same nodes, measures, edges and evidence.
func TestThemeNetworkSeriesAPI(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		for _, by := range []string{"TERM", "YEAR"} {
			t.Run(by, func(t *testing.T) {
				var res seriesResult
				mustPost(t, srv, seriesQuery, map[string]any{"by": by, "t": 0.3}, &res)
				s := res.ThemeNetworkSeries
				if s.By != by || s.MatchThreshold != 0.3 || len(s.Slices) < 2 {
					t.Fatalf("series: by %s, threshold %v, %d slices", s.By, s.MatchThreshold, len(s.Slices))
				}
				for i, sl := range s.Slices {
					// The seed has one network: each slice is matched with the one before.
					if sl.Index != i || (i == 0) != (sl.Previous == nil) || (i > 0 && *sl.Previous != i-1) {
						t.Errorf("slice %d: index %d, previous %v", i, sl.Index, sl.Previous)
					}
					filter := map[string]any{"from": sl.Start, "to": sl.End}
					if by == "TERM" {
						if sl.Term == nil || fmt.Sprint(sl.Term.Number) != sl.Key {
							t.Fatalf("slice %s: term %+v", sl.Key, sl.Term)
						}
						filter = map[string]any{"termIDs": []string{sl.Term.ID}}
					}
					var one struct{ ThemeNetwork seriesNetwork }
					mustPost(t, srv, `query($f: NetworkFilter) { themeNetwork(filter: $f) { edgeCount signals signalShares { signal edges onlyEdges weight weightShare }
						nodes { theme { slug } weightedDegree betweenness community }
						edges { source { slug } target { slug } weight strength evidence { signal count itemIDs items { id } } } } }`,
						map[string]any{"f": filter}, &one)
					if !reflect.DeepEqual(one.ThemeNetwork, sl.Network) {
						t.Errorf("slice %s (%s) differs from themeNetwork with its filter", sl.Key, sl.Label)
					}
					if len(sl.Network.Nodes) == 0 {
						t.Errorf("slice %s has no nodes", sl.Key)
					}
					inCommunities := 0
					for _, c := range sl.Communities {
						inCommunities += len(c.Themes)
						switch c.Event {
						case "APPEAR":
							if len(c.Predecessors) != 0 {
								t.Errorf("slice %s: community %d appears with predecessors", sl.Key, c.Community)
							}
						case "MERGE":
							if len(c.Predecessors) < 2 {
								t.Errorf("slice %s: community %d merges %d", sl.Key, c.Community, len(c.Predecessors))
							}
						case "PERSIST", "SPLIT":
							if len(c.Predecessors) != 1 || c.Predecessors[0].Overlap < 0.3 {
								t.Errorf("slice %s: community %d %s from %+v", sl.Key, c.Community, c.Event, c.Predecessors)
							}
						default:
							t.Errorf("slice %s: event %q", sl.Key, c.Event)
						}
					}
					if inCommunities != len(sl.Network.Nodes) {
						t.Errorf("slice %s: %d themes in communities, %d nodes", sl.Key, inCommunities, len(sl.Network.Nodes))
					}
				}
				if len(s.Themes) == 0 {
					t.Fatal("no theme timelines")
				}
				for _, th := range s.Themes {
					if len(th.Points) != len(s.Slices) {
						t.Fatalf("%s: %d points for %d slices", th.Theme.Slug, len(th.Points), len(s.Slices))
					}
					for i, p := range th.Points {
						if p.SliceIndex != i || p.SliceKey != s.Slices[i].Key || p.Present != (p.Community != nil) || (!p.Present && p.Items != 0) {
							t.Errorf("%s: point %+v", th.Theme.Slug, p)
						}
					}
				}
			})
		}
		for _, bad := range []float64{0, 1.5} {
			r := post(t, srv, seriesQuery, map[string]any{"by": "YEAR", "t": bad}, nil)
			if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "matchThreshold" {
				t.Errorf("matchThreshold %v: code %q, errors %+v", bad, r.code(), r.Errors)
			}
		}
	})
}

// TestThemeNetworkSeriesStatementCount proves that the series costs the same number of
// statements however many slices the data makes: three more terms and years, with
// outcomes, leave the count unchanged.
func TestThemeNetworkSeriesStatementCount(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			db, _ := seededDB(t, d)
			client, c := countingClient(db)
			srv := apiServer(t, client)
			count := func(by string) (int64, int) {
				var res seriesResult
				c.reset()
				mustPost(t, srv, seriesQuery, map[string]any{"by": by, "t": 0.3}, &res)
				return c.value(), len(res.ThemeNetworkSeries.Slices)
			}
			count("TERM") // the handler's first query reads the version before it too
			before := map[string][2]int64{}
			for _, by := range []string{"TERM", "YEAR"} {
				n, slices := count(by)
				before[by] = [2]int64{n, int64(slices)}
			}
			themes := client.Theme.Query().Limit(3).AllX(ctx)
			doc := client.Document.Query().FirstX(ctx)
			nw := client.Network.Create().SetName("Testiverkosto").SaveX(ctx)
			for i := range 3 {
				term := client.NetworkTerm.Create().SetNetwork(nw).SetNumber(i + 1).SetStartYear(2040 + i).SaveX(ctx)
				sem := client.Seminar.Create().SetTitle(fmt.Sprintf("Seminaari %d", i)).SetDate(mustDate(fmt.Sprintf("%d-05-01", 2040+i))).
					SetTerm(term).AddThemes(themes...).SaveX(ctx)
				client.Outcome.Create().SetKind(outcome.KindINSIGHT).SetText("Tulos").SetSeminar(sem).AddThemes(themes...).AddSources(doc).SaveX(ctx)
			}
			// The writes went past the handler, as another instance's would: the first
			// query after them finds the version moved at its end and runs again.
			count("TERM")
			for _, by := range []string{"TERM", "YEAR"} {
				n, slices := count(by)
				t.Logf("%s: %d statements for %d slices, %d for %d", by, before[by][0], before[by][1], n, slices)
				if int64(slices) != before[by][1]+3 {
					t.Errorf("%s: %d slices, want %d", by, slices, before[by][1]+3)
				}
				if n != before[by][0] {
					t.Errorf("%s: %d statements, was %d with 3 fewer slices", by, n, before[by][0])
				}
			}
		})
	}
}

// TestNetworkCost: a theme network costs by the edges it may return and a series by its
// expected slices too, so that aliases of large series are refused before anything runs
// while the explorer's and the README's requests pass.
func TestNetworkCost(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		sel := `{ edges { source { slug } target { slug } weight evidence { signal items { id } } } }`
		var b strings.Builder
		b.WriteString("{")
		for i := range 10 {
			fmt.Fprintf(&b, " s%d: themeNetworkSeries(by: YEAR, maxEdges: 20000) { slices { network %s } }", i, sel)
		}
		b.WriteString(" }")
		if r := post(t, srv, b.String(), nil, nil); r.code() != "QUERY_TOO_COSTLY" {
			t.Errorf("ten large series: errors %+v, want QUERY_TOO_COSTLY", r.Errors)
		}
		for _, q := range []string{
			`{ themeNetworkSeries(by: TERM) { slices { network ` + sel + ` } } }`,
			`{ themeNetwork(maxEdges: 20000) ` + sel + ` }`,
			`{ themeNetwork(maxEdges: 300) { signals nodes { theme { slug } community } } }`,
		} {
			if r := post(t, srv, q, nil, nil); len(r.Errors) != 0 {
				t.Errorf("%s: errors %+v", q, r.Errors)
			}
		}
	})
}
