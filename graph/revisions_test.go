package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/history"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// exportJSON is the whole knowledge base as server export writes it.
func exportJSON(t *testing.T, client *ent.Client) string {
	t.Helper()
	b, err := bundle.Export(context.Background(), client, bundle.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// exportAsOf is the export of the knowledge base rebuilt as of a version.
func exportAsOf(t *testing.T, client *ent.Client, version int64) string {
	t.Helper()
	past, done, err := history.AsOf(context.Background(), client, "as-of", version)
	if err != nil {
		t.Fatal(err)
	}
	defer done()
	return exportJSON(t, past)
}

type revisionPage struct {
	Edges []struct {
		Node struct {
			Seq, Version  int
			Operation     string
			NodeType      string
			NodeID        string
			Before, After *string
			Actor         *struct{ Role, ID string }
		}
	}
	PageInfo struct {
		HasNextPage bool
		EndCursor   *string
	}
}

const changesQuery = `query($after: Int, $cursor: String, $first: Int, $filter: ChangeFilter) {
  changes(after: $after, cursor: $cursor, first: $first, filter: $filter) {
    edges { node { seq version operation nodeType nodeID before after actor { role id } } }
    pageInfo { hasNextPage endCursor } } }`

// versionOf returns extensions.version of a response.
func versionOf(t *testing.T, srv *httptest.Server) int64 {
	t.Helper()
	var data struct{ KnowledgeBase struct{ Version int64 } }
	r := post(t, srv, `{ knowledgeBase { version updatedAt } }`, nil, &data)
	if len(r.Errors) > 0 {
		t.Fatalf("knowledgeBase: %+v", r.Errors)
	}
	return data.KnowledgeBase.Version
}

// TestRevisionHistory writes through the API (creates, updates, an import, a delete, a
// failed write), then checks every object's revisions in order with their states, the
// change feed and its filters, who may see the actors, the export as of each version
// against the export taken then, and the restore of the deleted object with its edges
// (the export after it equal to the one before the delete).
func TestRevisionHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		client := db.Client()
		srv := apiServer(t, client)
		exports := map[int64]string{}
		snap := func() int64 {
			v := versionOf(t, srv)
			exports[v] = exportJSON(t, client)
			return v
		}
		var a, b struct{ CreateTheme struct{ ID string } }
		r := postAs(t, srv, editorToken, `mutation { createTheme(input: {slug: "a", name: "A"}) { id } }`, nil, &a)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		if v, _ := r.Extensions["version"].(float64); v != 1 {
			t.Errorf("extensions.version after the first write = %v, want 1", r.Extensions["version"])
		}
		v1 := snap()
		mustPost(t, srv, `mutation($p: ID!) { createTheme(input: {slug: "b", name: "B", parentID: $p}) { id } }`, map[string]any{"p": a.CreateTheme.ID}, &b)
		v2 := snap()
		mustPost(t, srv, `mutation($id: ID!) { updateTheme(id: $id, input: {name: "A2"}) { id } }`, map[string]any{"id": a.CreateTheme.ID}, nil)
		v3 := snap()
		// A failed write leaves no revision and no version.
		if r := post(t, srv, `mutation($id: ID!) { updateTheme(id: $id, input: {slug: "Ei Kelpaa"}) { id } }`, map[string]any{"id": a.CreateTheme.ID}, nil); len(r.Errors) == 0 {
			t.Fatal("a bad slug was accepted")
		}
		if v := versionOf(t, srv); v != v3 {
			t.Errorf("version after a failed write = %d, want %d", v, v3)
		}
		imp := bundleJSON(t, map[string]any{"format": "teemaverkko-bundle", "version": 1,
			"themes": []any{map[string]any{"slug": "c", "name": "C"}, map[string]any{"slug": "d", "name": "D", "parent": "c"}}})
		mustPost(t, srv, importMutation, map[string]any{"b": imp}, nil)
		v4 := snap()
		mustPost(t, srv, `mutation($id: ID!) { deleteTheme(id: $id) }`, map[string]any{"id": a.CreateTheme.ID}, nil)
		v5 := snap()
		if want := []int64{1, 2, 3, 4, 5}; v1 != want[0] || v2 != want[1] || v3 != want[2] || v4 != want[3] || v5 != want[4] {
			t.Fatalf("versions %d %d %d %d %d, want 1 to 5", v1, v2, v3, v4, v5)
		}

		// Every revision, oldest first, by pages of two.
		var all revisionPage
		var cursor *string
		for {
			var page struct{ Changes revisionPage }
			mustPost(t, srv, changesQuery, map[string]any{"first": 2, "cursor": cursor}, &page)
			all.Edges = append(all.Edges, page.Changes.Edges...)
			if !page.Changes.PageInfo.HasNextPage {
				break
			}
			cursor = page.Changes.PageInfo.EndCursor
		}
		name := func(s *string) string {
			if s == nil {
				return ""
			}
			var st history.State
			if err := json.Unmarshal([]byte(*s), &st); err != nil {
				t.Fatal(err)
			}
			n, _ := st.Fields["name"].(string)
			return n
		}
		edges := func(s *string, edge string) []string {
			if s == nil {
				return nil
			}
			var st history.State
			_ = json.Unmarshal([]byte(*s), &st)
			return st.Edges[edge]
		}
		A, B := a.CreateTheme.ID, b.CreateTheme.ID
		want := []struct {
			version     int
			op, id      string
			before, aft string
		}{
			{1, "CREATE", A, "", "A"},
			{2, "UPDATE", A, "A", "A"}, // gains a child
			{2, "CREATE", B, "", "B"},
			{3, "UPDATE", A, "A", "A2"},
			{4, "CREATE", "c", "", "C"},
			{4, "CREATE", "d", "", "D"},
			{5, "DELETE", A, "A2", ""},
			{5, "UPDATE", B, "B", "B"}, // loses its parent
		}
		if len(all.Edges) != len(want) {
			for _, e := range all.Edges {
				t.Logf("%+v", e.Node)
			}
			t.Fatalf("%d revisions, want %d", len(all.Edges), len(want))
		}
		prevSeq := 0
		imported := map[string]bool{}
		for i, w := range want {
			n := all.Edges[i].Node
			if n.Seq <= prevSeq {
				t.Errorf("revision %d: seq %d not after %d", i, n.Seq, prevSeq)
			}
			prevSeq = n.Seq
			id := w.id
			if id == "c" || id == "d" {
				// Made by the import, in the order of their IDs.
				id, w.aft = n.NodeID, name(n.After)
				imported[w.aft] = true
			}
			if n.Version != w.version || n.Operation != w.op || n.NodeID != id || n.NodeType != "Theme" ||
				name(n.Before) != w.before || name(n.After) != w.aft {
				t.Errorf("revision %d = v%d %s %s %s %q→%q, want v%d %s %s %q→%q", i, n.Version, n.Operation, n.NodeType, n.NodeID,
					name(n.Before), name(n.After), w.version, w.op, id, w.before, w.aft)
			}
			if n.Actor == nil {
				t.Errorf("revision %d: no actor for an admin", i)
			}
		}
		if !imported["C"] || !imported["D"] {
			t.Errorf("the import's revisions name %v, want C and D", imported)
		}
		if got := edges(all.Edges[1].Node.After, "children"); len(got) != 1 || got[0] != B {
			t.Errorf("A's children after v2 = %v, want [%s]", got, B)
		}
		if got := edges(all.Edges[7].Node.After, "parent"); len(got) != 0 {
			t.Errorf("B's parent after the delete = %v, want none", got)
		}
		if act := all.Edges[0].Node.Actor; act == nil || act.Role != "EDITOR" || act.ID == "" || act.ID == editorToken {
			t.Errorf("actor of the editor's write = %+v", act)
		}

		// Readers see the history but not who made it; the feed filters.
		var anon struct{ Changes revisionPage }
		if r := postAs(t, srv, "", changesQuery, map[string]any{"after": 3, "filter": map[string]any{"types": []string{"Theme"}}}, &anon); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		if len(anon.Changes.Edges) != 4 || anon.Changes.Edges[0].Node.Version != 4 {
			t.Errorf("changes after 3 = %+v", anon.Changes.Edges)
		}
		for _, e := range anon.Changes.Edges {
			if e.Node.Actor != nil {
				t.Errorf("a reader sees the actor %+v", e.Node.Actor)
			}
		}
		var byNode struct {
			Node struct{ Revisions revisionPage }
		}
		mustPost(t, srv, `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 10) { edges { node { version operation } } } } } }`, map[string]any{"id": B}, &byNode)
		if got := byNode.Node.Revisions.Edges; len(got) != 2 || got[0].Node.Version != 5 || got[1].Node.Operation != "CREATE" {
			t.Errorf("B's revisions, newest first = %+v", got)
		}

		// The export as of each version is the export taken then.
		for v, exp := range exports {
			if got := exportAsOf(t, client, v); got != exp {
				t.Errorf("export as of %d differs from the export taken then:\n%s\nwant\n%s", v, got, exp)
			}
		}

		// Restore A as of v4: it comes back with its child; the export is the one of v4.
		var restored struct{ Restore struct{ ID string } }
		mustPost(t, srv, `mutation($id: ID!) { restore(id: $id, version: 4) { id } }`, map[string]any{"id": A}, &restored)
		if restored.Restore.ID != A {
			t.Errorf("restore returned %q", restored.Restore.ID)
		}
		if got := exportJSON(t, client); got != exports[v4] {
			t.Errorf("export after the restore differs from the one before the delete:\n%s\nwant\n%s", got, exports[v4])
		}
		if v := versionOf(t, srv); v != 6 {
			t.Errorf("version after the restore = %d, want 6", v)
		}

		// The statistics and the network as of a version count what was there then.
		var stats struct {
			ThemeStatistics []struct{ Theme struct{ Slug string } }
			ThemeNetwork    struct{ EdgeCount int }
		}
		mustPost(t, srv, `{ themeStatistics(asOf: 2) { theme { slug } } themeNetwork(asOf: 2) { edgeCount } }`, nil, &stats)
		var slugs []string
		for _, s := range stats.ThemeStatistics {
			slugs = append(slugs, s.Theme.Slug)
		}
		sort.Strings(slugs)
		if !slices.Equal(slugs, []string{"a", "b"}) {
			t.Errorf("themeStatistics(asOf: 2) = %v, want [a b]", slugs)
		}
		// Another version replaces the kept copy, and the first is rebuilt when asked again.
		for _, v := range []int{4, 2, 2} {
			var again struct {
				ThemeStatistics []struct{ Theme struct{ Slug string } }
			}
			mustPost(t, srv, `query($v: Int) { themeStatistics(asOf: $v) { theme { slug } } }`, map[string]any{"v": v}, &again)
			if want := map[int]int{2: 2, 4: 4}[v]; len(again.ThemeStatistics) != want {
				t.Errorf("themeStatistics(asOf: %d) has %d themes, want %d", v, len(again.ThemeStatistics), want)
			}
		}
		mustPost(t, srv, `{ themeStatistics { theme { slug } } }`, nil, &stats)
		if len(stats.ThemeStatistics) != 4 {
			t.Errorf("themeStatistics now has %d themes, want 4", len(stats.ThemeStatistics))
		}

		// Bad input names its field.
		for _, tc := range []struct {
			name, query, token string
			vars               map[string]any
			code, field        string
		}{
			{"unknown version", `mutation($id: ID!) { restore(id: $id, version: 99) { id } }`, adminToken, map[string]any{"id": A}, "BAD_USER_INPUT", "version"},
			{"not yet created", `mutation($id: ID!) { restore(id: $id, version: 1) { id } }`, adminToken, map[string]any{"id": B}, "BAD_USER_INPUT", "version"},
			{"feed after the future", changesQuery, adminToken, map[string]any{"after": 99}, "BAD_USER_INPUT", "after"},
			{"bad cursor", changesQuery, adminToken, map[string]any{"cursor": "x"}, "BAD_USER_INPUT", "cursor"},
			{"bad time", changesQuery, adminToken, map[string]any{"filter": map[string]any{"since": "yesterday"}}, "BAD_USER_INPUT", "filter.since"},
			{"path in the future", `query($id: ID!) { connectionPath(from: $id, to: $id, asOf: 99) { length } }`, adminToken, map[string]any{"id": B}, "BAD_USER_INPUT", "asOf"},
			{"network in the future", `{ themeNetwork(asOf: 99) { edgeCount } }`, adminToken, nil, "BAD_USER_INPUT", "asOf"},
			{"restore as an editor", `mutation($id: ID!) { restore(id: $id, version: 4) { id } }`, editorToken, map[string]any{"id": A}, "FORBIDDEN", ""},
		} {
			r := postAs(t, srv, tc.token, tc.query, tc.vars, nil)
			if r.code() != tc.code {
				t.Errorf("%s: code %q, want %q (%+v)", tc.name, r.code(), tc.code, r.Errors)
				continue
			}
			if f, _ := r.Errors[0].Extensions["field"].(string); tc.field != "" && f != tc.field {
				t.Errorf("%s: field %q, want %q", tc.name, f, tc.field)
			}
		}
	})
}

// TestRevisionsOfAListCostTheSame: the revisions of every object of a list are read in
// one statement, so that asking for them costs the same for 2 themes as for 8.
func TestRevisionsOfAListCostTheSame(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			var counts []int64
			for _, n := range []int{2, 8} {
				client, c := countingClient(testdb.Open(t, d))
				srv := apiServer(t, client)
				for i := range n {
					mustPost(t, srv, `mutation($s: String!) { createTheme(input: {slug: $s, name: "T"}) { id } }`, map[string]any{"s": "t" + itoa(i)}, nil)
				}
				var data struct {
					Themes struct {
						Edges []struct {
							Node struct{ Revisions revisionPage }
						}
					}
				}
				c.reset()
				mustPost(t, srv, `{ themes(first: 10) { edges { node { revisions(first: 5) { edges { node { version operation } } } } } } }`, nil, &data)
				counts = append(counts, c.value())
				if len(data.Themes.Edges) != n {
					t.Fatalf("%d themes, want %d", len(data.Themes.Edges), n)
				}
				for _, e := range data.Themes.Edges {
					if r := e.Node.Revisions.Edges; len(r) != 1 || r[0].Node.Operation != "CREATE" {
						t.Errorf("revisions = %+v, want one CREATE", r)
					}
				}
			}
			if counts[0] != counts[1] {
				t.Errorf("statements grow with rows: %d for 2 themes, %d for 8", counts[0], counts[1])
			}
		})
	}
}

// TestTwoInstancesOneVersionSequence: two server instances (two handlers, each with its
// own connection pool) take writes at once; the change feed has one gapless sequence of
// versions, one per write, in the order of the revisions.
func TestTwoInstancesOneVersionSequence(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		other, err := database.Open(context.Background(), db.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = other.Close() })
		servers := []*httptest.Server{apiServer(t, db.Client()), apiServer(t, other.Client())}
		const each = 10
		done := make(chan []string, len(servers))
		for i, srv := range servers {
			go func() {
				var errs []string
				for j := range each {
					r := postAsNoFatal(srv, editorToken, `mutation($s: String!) { createTheme(input: {slug: $s, name: "T"}) { id } }`,
						map[string]any{"s": "i" + itoa(i) + "-" + itoa(j)})
					if r != "" {
						errs = append(errs, r)
					}
				}
				done <- errs
			}()
		}
		for range servers {
			if errs := <-done; len(errs) > 0 {
				t.Fatal(errs)
			}
		}
		var page struct{ Changes revisionPage }
		mustPost(t, servers[1], changesQuery, map[string]any{"first": 100}, &page)
		if len(page.Changes.Edges) != 2*each {
			t.Fatalf("%d revisions, want %d", len(page.Changes.Edges), 2*each)
		}
		for i, e := range page.Changes.Edges {
			if e.Node.Version != i+1 {
				t.Fatalf("revision %d has version %d, want %d", i, e.Node.Version, i+1)
			}
		}
	})
}

// postAsNoFatal posts from a goroutine other than the test's: it returns the problem
// instead of failing the test.
func postAsNoFatal(srv *httptest.Server, token, query string, vars map[string]any) string {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := srv.Client().Do(req)
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return err.Error()
	}
	if len(r.Errors) > 0 {
		return r.Errors[0].Message
	}
	return ""
}

// TestAsOfSeededKnowledge: the seed knowledge (every type, with dates, counts, flags and
// enums) rebuilt as of its version exports byte for byte as it did then, after a seminar
// (with its sessions and outcomes) has been deleted through the API.
func TestAsOfSeededKnowledge(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		ctx := context.Background()
		srv := apiServer(t, client)
		then := exportJSON(t, client)
		kb, err := history.Current(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		s := client.Seminar.Query().FirstX(ctx)
		mustPost(t, srv, `mutation($id: ID!) { deleteSeminar(id: $id) }`, map[string]any{"id": s.ID}, nil)
		if exportJSON(t, client) == then {
			t.Fatal("the delete changed nothing")
		}
		if got := exportAsOf(t, client, kb.Version); got != then {
			t.Errorf("the seed as of version %d differs from its export then", kb.Version)
		}
	})
}

// TestActorsOverWebsocket: over a WebSocket too, the actor of a revision is shown to an
// editor's connection and hidden from an anonymous one.
func TestActorsOverWebsocket(t *testing.T) {
	client := testdb.Client(t, "sqlite")
	srv := apiServer(t, client)
	mustPost(t, srv, `mutation { createTheme(input: {slug: "a", name: "A"}) { id } }`, nil, nil)
	for _, tc := range []struct {
		token string
		shown bool
	}{{"", false}, {editorToken, true}} {
		c := wsDial(t, srv, tc.token)
		payload, _ := json.Marshal(map[string]any{"query": `{ changes { edges { node { actor { role } } } } }`})
		c.send(wsMessage{ID: "1", Type: "subscribe", Payload: payload})
		m := c.read()
		if m.Type != "next" {
			t.Fatalf("token %q: %s %s", tc.token, m.Type, m.Payload)
		}
		if shown := strings.Contains(string(m.Payload), `"ADMIN"`); shown != tc.shown {
			t.Errorf("token %q: actor shown = %v, want %v (%s)", tc.token, shown, tc.shown, m.Payload)
		}
	}
}
