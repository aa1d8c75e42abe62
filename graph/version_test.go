package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestVersionNamesTheData: extensions.version names exactly the data of its response,
// while writers commit alongside. Every write creates one theme, so as of version v there
// are base + (v - v0) themes: a query's count and its knowledgeBase.version must fit the
// version it reports, and each mutation reports the version of its own change set (all
// different, each the version of the theme's first revision). The writers write through
// the readers' server, or through another instance over the same database, whose writes
// the readers' server learns of only by reading the version.
func TestVersionNamesTheData(t *testing.T) {
	for _, another := range []bool{false, true} {
		t.Run(map[bool]string{false: "same instance", true: "another instance"}[another], func(t *testing.T) {
			versionNamesTheData(t, another)
		})
	}
}

func versionNamesTheData(t *testing.T, another bool) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		srv := apiServer(t, db.Client())
		writeSrv := srv
		if another {
			dbB, err := database.Open(t.Context(), db.URL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = dbB.Close() })
			writeSrv = apiServer(t, dbB.Client())
		}
		var start struct {
			Themes        struct{ TotalCount int64 }
			KnowledgeBase struct{ Version int64 }
		}
		mustPost(t, srv, `{ themes(first: 1) { totalCount } knowledgeBase { version } }`, nil, &start)
		base, v0 := start.Themes.TotalCount, start.KnowledgeBase.Version

		const writers, writes, readers, reads = 2, 15, 3, 40
		var wg sync.WaitGroup
		var mu sync.Mutex
		var problems []string
		report := func(format string, args ...any) {
			mu.Lock()
			problems = append(problems, fmt.Sprintf(format, args...))
			mu.Unlock()
		}
		versions := map[int64]string{}
		consistent, overlapped := 0, 0
		for w := range writers {
			wg.Go(func() {
				for i := range writes {
					r, err := postRaw(writeSrv, editorToken, `mutation($s: String!) { createTheme(input: {slug: $s, name: $s}) { id } }`,
						map[string]any{"s": fmt.Sprintf("versio-%d-%d", w, i)})
					if err != nil || len(r.Errors) > 0 {
						report("write: %v %+v", err, r.Errors)
						return
					}
					var d struct{ CreateTheme struct{ ID string } }
					_ = json.Unmarshal(r.Data, &d)
					got, _ := r.Extensions["version"].(float64)
					mu.Lock()
					if other, dup := versions[int64(got)]; dup {
						problems = append(problems, fmt.Sprintf("version %v reported for %s and %s", got, other, d.CreateTheme.ID))
					}
					versions[int64(got)] = d.CreateTheme.ID
					mu.Unlock()
				}
			})
		}
		for range readers {
			wg.Go(func() {
				for range reads {
					r, err := postRaw(srv, readerToken, `{ themes(first: 1) { totalCount } knowledgeBase { version } }`, nil)
					if err != nil || len(r.Errors) > 0 {
						report("read: %v %+v", err, r.Errors)
						return
					}
					var d struct {
						Themes        struct{ TotalCount int64 }
						KnowledgeBase struct{ Version int64 }
					}
					_ = json.Unmarshal(r.Data, &d)
					got, ok := r.Extensions["version"].(float64)
					if !ok {
						if _, from := r.Extensions["versionFrom"]; !from {
							report("a query without version or versionFrom: %v", r.Extensions)
						}
						mu.Lock()
						overlapped++
						mu.Unlock()
						continue
					}
					v := int64(got)
					if d.KnowledgeBase.Version != v || d.Themes.TotalCount != base+(v-v0) {
						report("version %d with knowledgeBase.version %d and %d themes (want %d)", v, d.KnowledgeBase.Version, d.Themes.TotalCount, base+(v-v0))
					}
					mu.Lock()
					consistent++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		// Each theme's one revision is of the version its mutation reported.
		for v, id := range versions {
			var n struct {
				Node struct {
					Revisions struct {
						Edges []struct{ Node struct{ Version int64 } }
					}
				}
			}
			mustPost(t, srv, `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 5) { edges { node { version } } } } } }`, map[string]any{"id": id}, &n)
			if e := n.Node.Revisions.Edges; len(e) != 1 || e[0].Node.Version != v {
				t.Errorf("theme %s: mutation reported version %d, its revisions %+v", id, v, e)
			}
		}
		if len(versions) != writers*writes {
			t.Errorf("%d distinct versions reported for %d writes", len(versions), writers*writes)
		}
		for _, p := range problems {
			t.Error(p)
		}
		if consistent == 0 {
			t.Errorf("no query saw one version (%d overlapped writes every time)", overlapped)
		}
		t.Logf("%d queries named their version, %d overlapped writes three times", consistent, overlapped)
	})
}

// TestVersionOnRefusals: a refused mutation still says which version it left unchanged;
// a request refused for want of a token or role learns nothing, the version included.
func TestVersionOnRefusals(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	srv := adversaryServer(t, db.Client(), graph.Config{})
	for _, tc := range []struct {
		name, token, query string
		code               string
		version            bool
	}{
		{"invalid input", editorToken, `mutation { createTheme(input: {slug: "Väärä", name: "X"}) { id } }`, "VALIDATION", true},
		{"restore of nothing", adminToken, `mutation { restore(id: "th01ZZZZZZZZZZZZZZZZZZZZZZ", version: 1) { id } }`, "", true},
		{"no token", "", `mutation { createTheme(input: {slug: "x", name: "X"}) { id } }`, "UNAUTHENTICATED", false},
		{"too weak a role", readerToken, `mutation { createTheme(input: {slug: "x", name: "X"}) { id } }`, "FORBIDDEN", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := postRaw(srv, tc.token, tc.query, nil)
			if err != nil || len(r.Errors) == 0 {
				t.Fatalf("want a refusal: %v %+v", err, r)
			}
			if tc.code != "" && r.code() != tc.code {
				t.Errorf("code %q, want %q", r.code(), tc.code)
			}
			if _, has := r.Extensions["version"]; has != tc.version {
				t.Errorf("extensions %v: version given %v, want %v", r.Extensions, has, tc.version)
			}
		})
	}
}

// TestNetworkOfTheVersionRead: a kept theme network is kept under the version it was
// built for, so a write shows in the next request at once, even when the change event
// that empties the cache never arrives (a write on another instance whose event is
// late). Here the network service listens to a broker nobody publishes to.
func TestNetworkOfTheVersionRead(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		tokens, err := auth.ParseTokens(tokenEntry("editor", editorToken) + "," + tokenEntry("admin", adminToken))
		if err != nil {
			t.Fatal(err)
		}
		silent := events.NewLocal()
		networks := network.NewService(client, network.Options{Events: silent})
		t.Cleanup(networks.Close)
		srv := httptest.NewServer(graph.NewHandler(client, graph.Config{Dialect: dialectOf(client), Tokens: tokens, Limits: graph.DefaultLimits, Networks: networks}))
		t.Cleanup(srv.Close)

		const q = `{ themeNetwork(maxEdges: 5000) { edgeCount } }`
		var before struct{ ThemeNetwork struct{ EdgeCount int } }
		mustPost(t, srv, q, nil, &before)
		id := func(data map[string]any, field string) string {
			m, _ := data[field].(map[string]any)
			s, _ := m["id"].(string)
			return s
		}
		var a, b, d, s map[string]any
		mustPost(t, srv, `mutation { createTheme(input: {slug: "uusi-a", name: "Uusi A"}) { id } }`, nil, &a)
		mustPost(t, srv, `mutation { createTheme(input: {slug: "uusi-b", name: "Uusi B"}) { id } }`, nil, &b)
		mustPost(t, srv, `mutation { createDocument(input: {key: "uusi-d", title: "D", kind: NEWS_ARTICLE}) { id } }`, nil, &d)
		mustPost(t, srv, `{ seminars(first: 1) { edges { node { id } } } }`, nil, &s)
		seminar := s["seminars"].(map[string]any)["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"]
		mustPost(t, srv, `mutation($a: ID!, $b: ID!, $d: ID!, $s: ID!) { createOutcome(input: {kind: INSIGHT, text: "yhteys", seminarID: $s, themeIDs: [$a, $b], sourceIDs: [$d]}) { id } }`,
			map[string]any{"a": id(a, "createTheme"), "b": id(b, "createTheme"), "d": id(d, "createDocument"), "s": seminar}, nil)
		var after struct{ ThemeNetwork struct{ EdgeCount int } }
		mustPost(t, srv, q, nil, &after)
		if after.ThemeNetwork.EdgeCount != before.ThemeNetwork.EdgeCount+1 {
			t.Errorf("edges %d after a write that links two new themes, want %d", after.ThemeNetwork.EdgeCount, before.ThemeNetwork.EdgeCount+1)
		}
	})
}
