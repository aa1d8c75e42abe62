package graph_test

import (
	"cmp"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

const networkQuery = `{
  themeNetwork(minWeight: 1) {
    strengthMeasure
    nodes { theme { slug name } counts { signal count } weightedDegree betweenness community }
    edges { source { slug } target { slug } weight strength evidence { signal count itemIDs items { id __typename } } }
  }
}`

// TestThemeNetworkAPI asks the theme network, relations, paths and statistics of the
// seed knowledge through the API.
func TestThemeNetworkAPI(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		var net struct {
			ThemeNetwork struct {
				StrengthMeasure string
				Nodes           []struct {
					Theme          struct{ Slug string }
					WeightedDegree float64
				}
				Edges []struct {
					Source, Target struct{ Slug string }
					Weight         float64
					Strength       float64
					Evidence       []struct {
						Count   int
						ItemIDs []string
						Items   []struct{ ID string }
					}
				}
			}
		}
		mustPost(t, srv, networkQuery, nil, &net)
		n := net.ThemeNetwork
		if len(n.Nodes) < 10 || len(n.Edges) < 10 || n.StrengthMeasure != "JACCARD" {
			t.Fatalf("network: %d nodes, %d edges, measure %q", len(n.Nodes), len(n.Edges), n.StrengthMeasure)
		}
		for _, e := range n.Edges {
			if e.Source.Slug == "" || e.Target.Slug == "" || e.Weight < 1 || e.Strength <= 0 || e.Strength > 1 || len(e.Evidence) == 0 {
				t.Fatalf("bad edge %+v", e)
			}
			for _, ev := range e.Evidence {
				if len(ev.Items) != len(ev.ItemIDs) {
					t.Errorf("evidence items %d, ids %d", len(ev.Items), len(ev.ItemIDs))
				}
			}
		}

		var rel struct{ Themes page }
		mustPost(t, srv, `{ themes(where: {slug: "kelluvat-kunnat"}) { edges { node {
		  related(first: 3) { theme { slug } weight strength evidence { signal count } }
		  engagedMunicipalities(first: 5) { municipality { name } score }
		} } } }`, nil, &rel)
		related, _ := rel.Themes.Edges[0].Node["related"].([]any)
		if len(related) == 0 {
			t.Errorf("kelluvat-kunnat has no related themes")
		}

		var ids struct{ A, B page }
		mustPost(t, srv, `{ a: themes(where: {slug: "kelluvat-kunnat"}) { edges { node { id } } }
		  b: experts(where: {name: "Esa Nieminen"}) { edges { node { id } } } }`, nil, &ids)
		var paths struct {
			ConnectionPath []struct {
				Length int
				Steps  []struct {
					From, To map[string]any
					Edge     string
				}
			}
		}
		mustPost(t, srv, `query($a: ID!, $b: ID!) { connectionPath(from: $a, to: $b, maxHops: 6) { length steps { from { __typename id } to { __typename id } edge } } }`,
			map[string]any{"a": ids.A.Edges[0].Node["id"], "b": ids.B.Edges[0].Node["id"]}, &paths)
		if len(paths.ConnectionPath) == 0 {
			t.Fatalf("no path from a theme to the panel's moderator")
		}
		p := paths.ConnectionPath[0]
		if p.Steps[0].From["id"] != ids.A.Edges[0].Node["id"] || p.Steps[len(p.Steps)-1].To["id"] != ids.B.Edges[0].Node["id"] || p.Length != len(p.Steps) {
			t.Errorf("path does not run from the theme to the expert: %+v", p)
		}
		if r := post(t, srv, `query($a: ID!) { connectionPath(from: $a, to: $a, maxHops: 9) { length } }`, map[string]any{"a": ids.A.Edges[0].Node["id"]}, nil); r.code() != "VALIDATION" {
			t.Errorf("maxHops 9: %+v, want VALIDATION", r.Errors)
		}

		var stats struct {
			ThemeStatistics []struct {
				Theme    struct{ Slug string }
				Outcomes int
			}
			ThemeStatisticsBy []struct {
				Key, Label string
				Outcomes   int
			}
		}
		mustPost(t, srv, `{ themeStatistics { theme { slug } outcomes } themeStatisticsBy(by: REGION) { key label outcomes } }`, nil, &stats)
		if len(stats.ThemeStatistics) == 0 || len(stats.ThemeStatisticsBy) == 0 {
			t.Errorf("statistics empty: %+v", stats)
		}
		var nivala struct{ Municipalities page }
		mustPost(t, srv, `{ municipalities(where: {code: "535"}) { edges { node { id } } } }`, nil, &nivala)
		var sim struct {
			SimilarMunicipalities []struct {
				Municipality struct{ Name string }
				Score        float64
			}
		}
		mustPost(t, srv, `query($id: ID!) { similarMunicipalities(municipalityID: $id, first: 5) { municipality { name } score } }`,
			map[string]any{"id": nivala.Municipalities.Edges[0].Node["id"]}, &sim)
		if len(sim.SimilarMunicipalities) == 0 || sim.SimilarMunicipalities[0].Score <= 0 {
			t.Errorf("no municipality like Nivala: %+v", sim)
		}
	})
}

// TestThemeNetworkStatementCount proves that the network, with its evidence items,
// costs the same number of SQL statements whatever the size of the knowledge base.
func TestThemeNetworkStatementCount(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) { requireConstantStatements(t, d, networkQuery) })
	}
}

// networkInstance serves the API as one server instance does: a change-event broker
// (LISTEN/NOTIFY on PostgreSQL, so that instances hear each other's writes) and a
// network.Service listening to it, closed when the test ends.
func networkInstance(t *testing.T, db *database.DB) (*httptest.Server, *ent.Client, *network.Service) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var broker events.Broker = events.NewLocal()
	if db.Dialect == "postgres" {
		pg, err := events.NewPostgres(db.SQL, db.URL, logger)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pg.Close() })
		broker = pg
	}
	client := db.Client()
	client.Use(events.Hook(broker, logger))
	networks := network.NewService(client, network.Options{Events: broker, Logger: logger})
	t.Cleanup(networks.Close)
	tokens, _ := auth.ParseTokens(tokenEntry("editor", editorToken) + "," + tokenEntry("admin", adminToken))
	srv := httptest.NewServer(graph.NewHandler(client, graph.Config{Dialect: db.Dialect, Limits: graph.DefaultLimits,
		Tokens: tokens, Events: broker, Networks: networks, Logger: logger}))
	t.Cleanup(srv.Close)
	return srv, client, networks
}

// TestThemeNetworkCacheFollowsWrites checks that a theme network is served from the
// cache until a write, and rebuilt after it: an outcome tying two themes together,
// created through the API, shows in the next network. On PostgreSQL the write goes to
// another instance, whose change event reaches this one through LISTEN/NOTIFY.
func TestThemeNetworkCacheFollowsWrites(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, _ *ent.Client) {
		reader, client, networks := networkInstance(t, db)
		writer := reader
		if db.Dialect == "postgres" {
			writer, _, _ = networkInstance(t, db)
		}
		ctx := t.Context()
		const q = `{ themeNetwork(signals: [OUTCOME]) { edges { source { slug } target { slug } weight } } }`
		type net struct {
			ThemeNetwork struct {
				Edges []struct {
					Source, Target struct{ Slug string }
					Weight         float64
				}
			}
		}
		weight := func(n net, a, b string) float64 {
			for _, e := range n.ThemeNetwork.Edges {
				if (e.Source.Slug == a && e.Target.Slug == b) || (e.Source.Slug == b && e.Target.Slug == a) {
					return e.Weight
				}
			}
			return 0
		}
		var before, again net
		mustPost(t, reader, q, nil, &before)
		mustPost(t, reader, q, nil, &again)
		if st := networks.Stats(); st.Builds != 1 || st.Hits != 1 {
			t.Fatalf("two identical requests: %+v, want one build and one cache hit", st)
		}
		a, b := "asiakkuusmalli", "kukoistava-kunta"
		w0 := weight(before, a, b)
		themes := client.Theme.Query().Where(theme.SlugIn(a, b)).IDsX(ctx)
		sem := client.Seminar.Query().FirstIDX(ctx)
		doc := client.Document.Query().FirstIDX(ctx)
		mustPost(t, writer, `mutation($s: ID!, $d: ID!, $t: [ID!]) { createOutcome(input: {kind: INSIGHT, text: "Both themes at once.", seminarID: $s, sourceIDs: [$d], themeIDs: $t}) { id } }`,
			map[string]any{"s": sem, "d": doc, "t": themes}, nil)
		var after net
		for i := 0; i < 100; i++ { // the change event reaches the cache asynchronously
			mustPost(t, reader, q, nil, &after)
			if weight(after, a, b) == w0+1 {
				if st := networks.Stats(); st.Builds < 2 {
					t.Errorf("the new edge came without a build: %+v", st)
				}
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Errorf("edge %s–%s weight %v after the write, want %v: the cache was not emptied", a, b, weight(after, a, b), w0+1)
	})
}

// TestThemeNetworkConcurrentRequestsBuildOnce sends the same themeNetwork query from
// many clients at once (the signals spelled in two orders): one build serves them all,
// and every response is the same.
func TestThemeNetworkConcurrentRequestsBuildOnce(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, _ *ent.Client) {
		srv, _, networks := networkInstance(t, db)
		queries := []string{
			`{ themeNetwork(signals: [OUTCOME, SESSION]) { edgeCount nodes { theme { slug } betweenness } edges { source { slug } target { slug } weight } } }`,
			`{ themeNetwork(signals: [SESSION, OUTCOME, SESSION]) { edgeCount nodes { theme { slug } betweenness } edges { source { slug } target { slug } weight } } }`,
		}
		const n = 8
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				var out json.RawMessage
				r := post(t, srv, queries[i%2], nil, &out)
				if len(r.Errors) > 0 {
					t.Errorf("request %d: %+v", i, r.Errors)
				}
				bodies[i] = string(out)
			})
		}
		wg.Wait()
		if st := networks.Stats(); st.Builds != 1 {
			t.Errorf("%d concurrent identical requests built %d times, want once (%+v)", n, st.Builds, st)
		}
		for i, b := range bodies {
			if b != bodies[0] || !strings.Contains(b, `"edgeCount"`) {
				t.Fatalf("response %d differs: %.200s", i, b)
			}
		}
	})
}

// TestThemeNetworkMaxEdges checks the bound on a network's edges: the heaviest are kept,
// in the network's order, the count and the flag say what was left out, and the nodes'
// measures stay those of the whole network.
func TestThemeNetworkMaxEdges(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		type edge struct {
			Source, Target   struct{ ID string }
			Weight, Strength float64
		}
		type net struct {
			ThemeNetwork struct {
				EdgeCount int
				Truncated bool
				Nodes     []struct{ WeightedDegree float64 }
				Edges     []edge
			}
		}
		const q = `query($max: Int) { themeNetwork(maxEdges: $max) { edgeCount truncated
			nodes { weightedDegree } edges { source { id } target { id } weight strength } } }`
		var all, some net
		mustPost(t, srv, q, nil, &all)
		mustPost(t, srv, q, map[string]any{"max": 5}, &some)
		a, s := all.ThemeNetwork, some.ThemeNetwork
		if a.Truncated || a.EdgeCount != len(a.Edges) || a.EdgeCount <= 5 {
			t.Fatalf("whole network: %d edges, edgeCount %d, truncated %v", len(a.Edges), a.EdgeCount, a.Truncated)
		}
		if !s.Truncated || s.EdgeCount != a.EdgeCount || len(s.Edges) != 5 {
			t.Fatalf("maxEdges 5: %d edges, edgeCount %d, truncated %v", len(s.Edges), s.EdgeCount, s.Truncated)
		}
		// The five kept are the five heaviest of the whole network, in its order.
		heavy := slices.Clone(a.Edges)
		slices.SortStableFunc(heavy, func(x, y edge) int {
			return cmp.Or(cmp.Compare(y.Weight, x.Weight), cmp.Compare(y.Strength, x.Strength),
				cmp.Compare(x.Source.ID, y.Source.ID), cmp.Compare(x.Target.ID, y.Target.ID))
		})
		var want []edge
		for _, e := range a.Edges {
			if slices.Contains(heavy[:5], e) {
				want = append(want, e)
			}
		}
		if !slices.Equal(s.Edges, want) {
			t.Fatalf("maxEdges 5 kept %v, want %v", s.Edges, want)
		}
		if !slices.Equal(s.Nodes, a.Nodes) {
			t.Fatal("the nodes' measures changed with maxEdges")
		}
		for _, bad := range []int{0, 20001} {
			r := post(t, srv, q, map[string]any{"max": bad}, nil)
			if r.code() != "VALIDATION" || r.Errors[0].Extensions["field"] != "maxEdges" {
				t.Fatalf("maxEdges %d: %+v", bad, r.Errors)
			}
		}
	})
}
