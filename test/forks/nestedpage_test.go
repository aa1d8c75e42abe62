package forks

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/teemaverkko/teemaverkko/ent/migrate"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/synth"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// nestedConnections are the connection fields of the object types that implement Node:
// type name → field names.
func nestedConnections(schema *ast.Schema) map[string][]string {
	out := map[string][]string{}
	for _, def := range schema.GetPossibleTypes(schema.Types["Node"]) {
		for _, fd := range def.Fields {
			conn := schema.Types[fd.Type.Name()]
			// RevisionConnection is the revision history's (internal/history), no ent edge.
			if conn == nil || !strings.HasSuffix(conn.Name, "Connection") || conn.Name == "RevisionConnection" ||
				conn.Fields.ForName("edges") == nil || fd.Arguments.ForName("first") == nil {
				continue
			}
			out[def.Name] = append(out[def.Name], fd.Name)
		}
	}
	return out
}

// TestForkNestedPages: for every nested connection of the API, on both databases,
// ent/nestedpage recognises the "parent IN (…)" predicate of ent's eager loader in
// the SQL text and pages per parent (LATERAL on PostgreSQL, UNION ALL on SQLite), rather
// than falling back to entgql's window function.
func TestForkNestedPages(t *testing.T) {
	f := nestedPages
	perParent := strings.Count(readFile(t, filepath.Join(root, "ent", "gql_collection.go")), "nestedpage.LimitPerParent(")
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if _, err := synth.Generate(ctx, db.Client(), synth.Options{Scale: 0.02, Seed: 1}); err != nil {
			t.Fatal(err)
		}
		// The synthetic knowledge base has one network; paging needs several parents.
		db.Client().Network.Create().SetName("A second network").SaveX(ctx)
		client, counter := testdb.Counting(db)
		srv := apiServer(t, client, db.Dialect)
		edges := nestedConnections(graph.NewSchema(client, db.Dialect, nil).Schema())
		total := 0
		for _, fields := range edges {
			total += len(fields)
		}
		if total != perParent {
			f.fatalf(t, "the API has %d nested connections, and ent/gql_collection.go pages %d per parent: which one is not generated from ent/template/gql_collection.tmpl?", total, perParent)
		}

		// Up to ten rows of every entity, by their API type.
		parents := map[string][]string{}
		for _, table := range migrate.Tables {
			if len(table.PrimaryKey) != 1 || table.PrimaryKey[0].Name != "id" {
				continue // a join table
			}
			var ids []string
			rows, err := db.SQL.QueryContext(ctx, "SELECT id FROM "+table.Name+" ORDER BY id LIMIT 10")
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
			if len(ids) == 0 {
				continue
			}
			var typed struct {
				Nodes []struct {
					Typename string `json:"__typename"`
				}
			}
			r := post(t, srv, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`, map[string]any{"ids": ids})
			if len(r.Errors) > 0 || json.Unmarshal(r.Data, &typed) != nil || len(typed.Nodes) != len(ids) {
				t.Fatalf("the types of %s: %s %+v", table.Name, r.Data, r.Errors)
			}
			parents[typed.Nodes[0].Typename] = ids
		}

		want := "CROSS JOIN LATERAL"
		if db.Dialect == "sqlite3" {
			want = "UNION ALL"
		}
		for _, typ := range slices.Sorted(maps.Keys(edges)) {
			ids := parents[typ]
			if len(ids) < 2 {
				t.Fatalf("the synthetic data has %d %s: with fewer than two parents, nothing is paged per parent", len(ids), typ)
			}
			for _, field := range edges[typ] {
				query := fmt.Sprintf(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on %s { %s(first: 2) { edges { node { id } } } } } }`, typ, field)
				counter.Reset()
				if r := post(t, srv, query, map[string]any{"ids": ids}); len(r.Errors) > 0 {
					t.Fatalf("%s.%s: %+v", typ, field, r.Errors)
				}
				if stmts := strings.Join(counter.Statements(), "\n"); !strings.Contains(stmts, want) {
					f.errorf(t, "%s.%s: ent's eager-loading SQL was not recognised, entgql's window function paged it: see what ent's loader writes now and adapt nestedpage's parentIn\n%s", typ, field, stmts)
				}
			}
		}
		t.Logf("%d nested connections paged per parent (%s)", total, want)
	})
}
