package graph_test

import (
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestAuthMatrix checks who may do what: reads are public, writes need an editor token,
// deletions and imports need admin; a missing or wrong token is UNAUTHENTICATED, a weak
// role FORBIDDEN, and nothing is written.
func TestAuthMatrix(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, seededClient *ent.Client) {
		srv := apiServer(t, seededClient)
		client := db.Client()
		const (
			read   = `{ themes(first: 1) { totalCount } }`
			create = `mutation { createTheme(input: {slug: "auth-testi", name: "Testi"}) { id } }`
			del    = `mutation { deleteTheme(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV") }`
			imp    = `mutation { importBundle(bundle: "{}", dryRun: true) { created } }`
		)
		for _, tc := range []struct {
			name, token, query, code string
		}{
			{"read without a token", "", read, ""},
			{"read with a wrong token", "wrong", read, ""},
			{"create without a token", "", create, "UNAUTHENTICATED"},
			{"create with a wrong token", "wrong", create, "UNAUTHENTICATED"},
			{"create as editor", editorToken, create, ""},
			{"delete as editor", editorToken, del, "FORBIDDEN"},
			{"import as editor", editorToken, imp, "FORBIDDEN"},
			{"delete as admin", adminToken, del, "NOT_FOUND"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := client.Theme.Query().CountX(t.Context())
				r := postAs(t, srv, tc.token, tc.query, nil, nil)
				if r.code() != tc.code {
					t.Fatalf("code = %q (%+v), want %q", r.code(), r.Errors, tc.code)
				}
				after := client.Theme.Query().CountX(t.Context())
				if tc.code != "" && after != before {
					t.Errorf("a refused request wrote: %d themes, was %d", after, before)
				}
			})
		}
	})
}
