package graph_test

import (
	"context"
	"database/sql"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/auth"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// readerServer is apiServer with a reader token besides the editor and admin ones.
func readerServer(t *testing.T, db *database.DB) *httptest.Server {
	t.Helper()
	tokens, err := auth.ParseTokens(tokenEntry("reader", readerToken) + "," + tokenEntry("editor", editorToken) + "," + tokenEntry("admin", adminToken))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(graph.NewHandler(db.Client(), graph.Config{Dialect: db.Dialect, Limits: graph.DefaultLimits, Tokens: tokens}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHistoryArguments checks how the history's arguments are refused, each with its
// code and field: unknown types in the change filter (a type in another case is
// accepted), first of changes and revisions by the rule of every connection, asOf 0,
// filter.actor by role, and IDs of the wrong type in the network's queries.
func TestHistoryArguments(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		srv := readerServer(t, db)
		var theme struct{ CreateTheme struct{ ID string } }
		mustPost(t, srv, `mutation { createTheme(input: {slug: "hist-a", name: "A"}) { id } }`, nil, &theme)
		mustPost(t, srv, `mutation($id: ID!) { updateTheme(id: $id, input: {name: "A2"}) { id } }`, map[string]any{"id": theme.CreateTheme.ID}, nil)
		th := theme.CreateTheme.ID
		for _, c := range []struct {
			name, token, query string
			vars               map[string]any
			code, field, msg   string // code "": no error
			edges              int    // the changes' edges, when no error
		}{
			{name: "unknown type", token: adminToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"types": []string{"Nope"}}},
				code: "BAD_USER_INPUT", field: "filter.types", msg: "Theme"},
			{name: "type in lower case", token: adminToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"types": []string{"theme"}}}, edges: 2},
			{name: "type as written", token: adminToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"types": []string{"Theme", "Outcome"}}}, edges: 2},
			{name: "changes first 0", token: adminToken, query: changesQuery, vars: map[string]any{"first": 0}, edges: 0},
			{name: "changes first past the page", token: adminToken, query: changesQuery, vars: map[string]any{"first": 101},
				code: "VALIDATION", field: "first", msg: "between 0 and 100"},
			{name: "changes first negative", token: adminToken, query: changesQuery, vars: map[string]any{"first": -1},
				code: "VALIDATION", field: "first", msg: "between 0 and 100"},
			{name: "revisions first 0", token: adminToken, query: `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 0) { edges { cursor } pageInfo { hasNextPage } } } } }`,
				vars: map[string]any{"id": th}},
			{name: "revisions first past the page", token: adminToken, query: `query($id: ID!) { node(id: $id) { ... on Theme { revisions(first: 1000) { edges { cursor } } } } }`,
				vars: map[string]any{"id": th}, code: "VALIDATION", field: "first", msg: "between 0 and 100"},
			{name: "asOf 0", token: adminToken, query: `{ themeStatistics(asOf: 0) { outcomes } }`,
				code: "BAD_USER_INPUT", field: "asOf", msg: "versions start at 1"},
			{name: "asOf negative", token: adminToken, query: `{ themeNetwork(asOf: -1) { nodes { weightedDegree } } }`,
				code: "BAD_USER_INPUT", field: "asOf", msg: "versions start at 1"},
			{name: "actor filter, anonymous", query: changesQuery, vars: map[string]any{"filter": map[string]any{"actor": "token:abc"}},
				code: "UNAUTHENTICATED", field: "filter.actor"},
			{name: "actor filter, reader", token: readerToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"actor": "token:abc"}},
				code: "FORBIDDEN", field: "filter.actor"},
			{name: "actor filter, editor", token: editorToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"actor": "token:abc"}}, edges: 0},
			{name: "actor filter past its length", token: editorToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"actor": strings.Repeat("a", 257)}},
				code: "BAD_USER_INPUT", field: "filter.actor", msg: "at most 256"},
			{name: "actor filter at its length", token: editorToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"actor": strings.Repeat("a", 256)}}, edges: 0},
			{name: "more types than there are", token: adminToken, query: changesQuery, vars: map[string]any{"filter": map[string]any{"types": slices.Repeat([]string{"Theme"}, 500)}},
				code: "BAD_USER_INPUT", field: "filter.types", msg: "500 types given"},
			{name: "a cursor the server never gives", token: adminToken, query: `query($c: String) { changes(cursor: $c) { edges { cursor } } }`, vars: map[string]any{"c": "01"},
				code: "BAD_USER_INPUT", field: "cursor", msg: "not a revision cursor"},
			{name: "a revisions cursor with a plus sign", token: adminToken, query: `query($id: ID!) { node(id: $id) { ... on Theme { revisions(after: "+1") { edges { cursor } } } } }`,
				vars: map[string]any{"id": th}, code: "BAD_USER_INPUT", field: "after", msg: "not a revision cursor"},
			{name: "restore version 0", token: adminToken, query: `mutation($id: ID!) { restore(id: $id, version: 0) { id } }`,
				vars: map[string]any{"id": th}, code: "BAD_USER_INPUT", field: "version", msg: "versions start at 1"},
			{name: "restore an ID no object ever had", token: adminToken, query: `mutation($id: ID!) { restore(id: $id, version: 1) { id } }`,
				vars: map[string]any{"id": "th01ARZ3NDEKTSV4RRFFQ69G5FAV"}, code: "NOT_FOUND", field: "id", msg: "now or in the history"},
			{name: "similar municipalities of a theme", token: adminToken, query: `query($id: ID!) { similarMunicipalities(municipalityID: $id) { score } }`,
				vars: map[string]any{"id": th}, code: "VALIDATION", field: "municipalityID", msg: "must be the ID of a Municipality, got a Theme ID"},
			{name: "path from an ID of no type", token: adminToken, query: `query($from: ID!, $to: ID!) { connectionPath(from: $from, to: $to) { length } }`,
				vars: map[string]any{"from": "zz" + th[2:], "to": th}, code: "VALIDATION", field: "from", msg: "no known type"},
			{name: "path to an ID of no type", token: adminToken, query: `query($from: ID!, $to: ID!) { connectionPath(from: $from, to: $to) { length } }`,
				vars: map[string]any{"from": th, "to": "zz" + th[2:]}, code: "VALIDATION", field: "to", msg: "no known type"},
		} {
			t.Run(c.name, func(t *testing.T) {
				var data struct{ Changes revisionPage }
				r := postAs(t, srv, c.token, c.query, c.vars, &data)
				if c.code == "" {
					if len(r.Errors) > 0 {
						t.Fatalf("errors: %+v", r.Errors)
					}
					if strings.Contains(c.query, "changes(") && len(data.Changes.Edges) != c.edges {
						t.Errorf("%d revisions, want %d", len(data.Changes.Edges), c.edges)
					}
					return
				}
				if r.code() != c.code || r.Errors[0].Extensions["field"] != c.field || !strings.Contains(r.Errors[0].Message, c.msg) {
					t.Errorf("got %+v, want %s on %s saying %q", r.Errors, c.code, c.field, c.msg)
				}
			})
		}
	})
}

// TestRestoreAnnouncesWhatItDid checks the event of a restore: CREATED (and outcomeAdded)
// for an object it brings back after its delete, UPDATED for one that exists.
func TestRestoreAnnouncesWhatItDid(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		srv, _ := instance(t, db, db.URL)
		var sem struct{ CreateSeminar struct{ ID string } }
		mustPost(t, srv, `mutation { createSeminar(input: {title: "Palautus", date: "2020-01-01"}) { id } }`, nil, &sem)
		var doc struct{ CreateDocument struct{ ID string } }
		mustPost(t, srv, `mutation { createDocument(input: {key: "palautus", title: "Lähde", kind: WEB_PAGE}) { id } }`, nil, &doc)
		var out struct{ CreateOutcome struct{ ID string } }
		r := postAs(t, srv, adminToken, `mutation($s: ID!, $d: ID!) { createOutcome(input: {kind: RECOMMENDATION, text: "Palautettu.", seminarID: $s, sourceIDs: [$d]}) { id } }`,
			map[string]any{"s": sem.CreateSeminar.ID, "d": doc.CreateDocument.ID}, &out)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		o := out.CreateOutcome.ID
		created := int(r.Extensions["version"].(float64))
		mustPost(t, srv, `mutation($id: ID!) { updateOutcome(id: $id, input: {text: "Muutettu."}) { id } }`, map[string]any{"id": o}, nil)
		mustPost(t, srv, `mutation($id: ID!) { deleteOutcome(id: $id) }`, map[string]any{"id": o}, nil)

		ws := dialWS(t, srv)
		ws.subscribe("added", `subscription { outcomeAdded { id text } }`)
		ws.subscribe("node", `subscription { nodeChanged(ids: ["`+o+`"]) { id change } }`)
		restore := `mutation($id: ID!, $v: Int!) { restore(id: $id, version: $v) { id } }`
		mustPost(t, srv, restore, map[string]any{"id": o, "v": created}, nil)
		got := ws.nextByID(2)
		if !strings.Contains(got["node"], `"change":"CREATED"`) {
			t.Errorf("nodeChanged of the restore of a deleted outcome = %s, want CREATED", got["node"])
		}
		if !strings.Contains(got["added"], `"text":"Palautettu."`) {
			t.Errorf("outcomeAdded = %s, want the restored outcome", got["added"])
		}
		// Restored again, it exists: an update.
		mustPost(t, srv, restore, map[string]any{"id": o, "v": created + 1}, nil)
		if m := ws.read(); m.ID != "node" || !strings.Contains(string(m.Payload), `"change":"UPDATED"`) {
			t.Errorf("the restore of an existing outcome announced %s %s, want UPDATED on nodeChanged", m.ID, m.Payload)
		}
	})
}

// TestRestoreOvertaken checks, on PostgreSQL (where writers run at once), a restore that
// another write overtakes: the object it is about to update is deleted by a
// transaction that commits while the restore waits for its row. The restore is refused
// with CONFLICT on id, saying to try again, instead of NOT_FOUND; and the object stays
// deleted. (SQLite's writers take turns: nothing can overtake a restore there.)
func TestRestoreOvertaken(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		if db.Dialect != "postgres" {
			t.Skip("SQLite's writers take turns")
		}
		srv := apiServer(t, db.Client())
		ctx := context.Background()
		var theme struct{ CreateTheme struct{ ID string } }
		r := postAs(t, srv, adminToken, `mutation { createTheme(input: {slug: "ohitettu", name: "O"}) { id } }`, nil, &theme)
		id := theme.CreateTheme.ID
		v := int(r.Extensions["version"].(float64))
		mustPost(t, srv, `mutation($id: ID!) { updateTheme(id: $id, input: {name: "O2"}) { id } }`, map[string]any{"id": id}, nil)

		// Another writer deletes the theme and holds its row until it commits.
		other, err := db.SQL.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Rollback()
		if _, err := other.ExecContext(ctx, `DELETE FROM themes WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		done := make(chan gqlResponse, 1)
		go func() {
			done <- postAs(t, srv, adminToken, `mutation($id: ID!, $v: Int!) { restore(id: $id, version: $v) { id } }`, map[string]any{"id": id, "v": v}, nil)
		}()
		waitForLockWait(t, db.SQL)
		if err := other.Commit(); err != nil {
			t.Fatal(err)
		}
		res := <-done
		if res.code() != "CONFLICT" || res.Errors[0].Extensions["field"] != "id" || !strings.Contains(res.Errors[0].Message, "try again") {
			t.Errorf("an overtaken restore answered %+v, want CONFLICT on id saying to try again", res.Errors)
		}
	})
}

// waitForLockWait waits until a statement of the database waits for a lock (the
// restore's, for the row the other transaction deleted).
func waitForLockWait(t *testing.T, db *sql.DB) {
	t.Helper()
	for range 500 {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the restore never waited for the deleted row")
}
