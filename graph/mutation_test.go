package graph_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestMutations exercises create, update and delete over the seed knowledge on both
// databases: the happy paths, field-level validation and conflict errors, the deletion
// rules, and that a failed request writes nothing.
func TestMutations(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, seededClient *ent.Client) {
		srv := apiServer(t, seededClient)
		ctx := context.Background()
		client := db.Client()
		themes := func() int { return client.Theme.Query().CountX(ctx) }

		var created struct {
			CreateTheme struct{ ID, Slug, Name string }
		}
		mustPost(t, srv, `mutation { createTheme(input: {slug: "osallistava-budjetointi", name: "Osallistava budjetointi", nameEn: "Participatory budgeting", parentID: null}) { id slug name } }`, nil, &created)
		if created.CreateTheme.ID == "" || created.CreateTheme.Slug != "osallistava-budjetointi" {
			t.Fatalf("createTheme = %+v", created.CreateTheme)
		}
		id := created.CreateTheme.ID

		t.Run("errors name the field", func(t *testing.T) {
			for _, tc := range []struct {
				name, query, code, field string
			}{
				{"bad slug", `mutation { createTheme(input: {slug: "Ei Kelpaa", name: "X"}) { id } }`, "VALIDATION", "slug"},
				{"empty name", `mutation { createTheme(input: {slug: "tyhja", name: ""}) { id } }`, "VALIDATION", "name"},
				{"slug taken", `mutation { createTheme(input: {slug: "valitila", name: "Välitila"}) { id } }`, "CONFLICT", "slug"},
				{"municipality code taken", `mutation { createMunicipality(input: {code: "535", name: "Nivala", nameSv: "Nivala"}) { id } }`, "CONFLICT", "code"},
				{"municipality code format", `mutation { createMunicipality(input: {code: "5350", name: "X", nameSv: "X"}) { id } }`, "VALIDATION", "code"},
				{"organisation name taken", `mutation { createOrganization(input: {name: "FCG", kind: CONSULTANCY}) { id } }`, "CONFLICT", "name"},
				{"update of a missing id", `mutation { updateTheme(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV", input: {name: "X"}) { id } }`, "NOT_FOUND", "id"},
				{"delete of a missing id", `mutation { deleteTheme(id: "th01ARZ3NDEKTSV4RRFFQ69G5FAV") }`, "NOT_FOUND", "id"},
				{"malformed id", `mutation { deleteTheme(id: "1") }`, "BAD_USER_INPUT", "id"},
				{"year out of range", `mutation { createNetworkTerm(input: {number: 9, startYear: 17, networkID: "nw01ARZ3NDEKTSV4RRFFQ69G5FAV"}) { id } }`, "VALIDATION", "startYear"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := themes()
					r := post(t, srv, tc.query, nil, nil)
					if r.code() != tc.code || r.Errors[0].Extensions["field"] != tc.field {
						t.Fatalf("errors = %+v, want %s on %s", r.Errors, tc.code, tc.field)
					}
					for _, bad := range []string{"sql", "SQL", "pq:", "constraint", "ent:"} {
						if strings.Contains(r.Errors[0].Message, bad) {
							t.Errorf("message leaks %q: %s", bad, r.Errors[0].Message)
						}
					}
					if themes() != before {
						t.Errorf("a failed mutation wrote a theme")
					}
				})
			}
		})

		t.Run("a failed request writes nothing", func(t *testing.T) {
			before := themes()
			r := post(t, srv, `mutation {
			  a: createTheme(input: {slug: "ensimmainen", name: "Ensimmäinen"}) { id }
			  b: createTheme(input: {slug: "valitila", name: "Toinen"}) { id } }`, nil, nil)
			if r.code() != "CONFLICT" {
				t.Fatalf("errors = %+v, want CONFLICT", r.Errors)
			}
			if got := themes(); got != before {
				t.Errorf("themes = %d after a failed request, want %d: the first create was kept", got, before)
			}
		})

		t.Run("update fields and edges", func(t *testing.T) {
			var out struct {
				UpdateTheme struct {
					NameEn string
					Parent struct{ Slug string }
				}
			}
			var parent struct{ Themes page }
			mustPost(t, srv, `{ themes(where: {slug: "yhteisollisyys-osallisuus-ja-verkostojohtaminen"}) { edges { node { id } } } }`, nil, &parent)
			pid := parent.Themes.Edges[0].Node["id"]
			mustPost(t, srv, `mutation($id: ID!, $p: ID!) { updateTheme(id: $id, input: {nameEn: "Participatory budgeting (PB)", parentID: $p}) { nameEn parent { slug } } }`,
				map[string]any{"id": id, "p": pid}, &out)
			if out.UpdateTheme.NameEn != "Participatory budgeting (PB)" || out.UpdateTheme.Parent.Slug != "yhteisollisyys-osallisuus-ja-verkostojohtaminen" {
				t.Errorf("updateTheme = %+v", out.UpdateTheme)
			}
			var oc struct{ Outcomes page }
			mustPost(t, srv, `{ outcomes(first: 1, orderBy: [{field: TEXT}]) { edges { node { id } } } }`, nil, &oc)
			oid := oc.Outcomes.Edges[0].Node["id"]
			var added struct {
				UpdateOutcome struct{ Themes page }
			}
			mustPost(t, srv, `mutation($o: ID!, $t: ID!) { updateOutcome(id: $o, input: {addThemeIDs: [$t]}) { themes(first: 50) { edges { node { slug } } } } }`,
				map[string]any{"o": oid, "t": id}, &added)
			if !slices.Contains(added.UpdateOutcome.Themes.strings("slug"), "osallistava-budjetointi") {
				t.Errorf("theme not added: %v", added.UpdateOutcome.Themes.strings("slug"))
			}
			mustPost(t, srv, `mutation($o: ID!, $t: ID!) { updateOutcome(id: $o, input: {removeThemeIDs: [$t]}) { themes(first: 50) { edges { node { slug } } } } }`,
				map[string]any{"o": oid, "t": id}, &added)
			if slices.Contains(added.UpdateOutcome.Themes.strings("slug"), "osallistava-budjetointi") {
				t.Errorf("theme not removed: %v", added.UpdateOutcome.Themes.strings("slug"))
			}
			r := post(t, srv, `mutation($o: ID!) { updateOutcome(id: $o, input: {addThemeIDs: ["th01ARZ3NDEKTSV4RRFFQ69G5FAV"]}) { id } }`, map[string]any{"o": oid}, nil)
			if r.code() != "CONFLICT" && r.code() != "NOT_FOUND" {
				t.Errorf("adding a missing theme: %+v, want CONFLICT or NOT_FOUND", r.Errors)
			}
		})

		t.Run("delete rules", func(t *testing.T) {
			var rg struct{ Regions page }
			mustPost(t, srv, `{ regions(where: {code: "17"}) { edges { node { id } } } }`, nil, &rg)
			r := post(t, srv, `mutation($id: ID!) { deleteRegion(id: $id) }`, map[string]any{"id": rg.Regions.Edges[0].Node["id"]}, nil)
			if r.code() != "CONFLICT" {
				t.Errorf("deleting a region with municipalities: %+v, want CONFLICT", r.Errors)
			}
			var doc struct{ Documents page }
			mustPost(t, srv, `{ documents(where: {key: "kuntaliitto-2017-uso-kickoff-seminar"}) { edges { node { id } } } }`, nil, &doc)
			r = post(t, srv, `mutation($id: ID!) { deleteDocument(id: $id) }`, map[string]any{"id": doc.Documents.Edges[0].Node["id"]}, nil)
			if r.code() != "CONFLICT" {
				t.Errorf("deleting the only source of outcomes: %+v, want CONFLICT", r.Errors)
			}
			var del struct{ DeleteTheme string }
			mustPost(t, srv, `mutation($id: ID!) { deleteTheme(id: $id) }`, map[string]any{"id": id}, &del)
			if del.DeleteTheme != id {
				t.Errorf("deleteTheme = %q, want %q", del.DeleteTheme, id)
			}
			var sem struct{ Seminars page }
			mustPost(t, srv, `{ seminars(where: {date: "2017-03-14"}) { edges { node { id } } } }`, nil, &sem)
			sessions, outcomes := client.Session.Query().CountX(ctx), client.Outcome.Query().CountX(ctx)
			mustPost(t, srv, `mutation($id: ID!) { deleteSeminar(id: $id) }`, map[string]any{"id": sem.Seminars.Edges[0].Node["id"]}, nil)
			if s, o := client.Session.Query().CountX(ctx), client.Outcome.Query().CountX(ctx); s != sessions-7 || o >= outcomes {
				t.Errorf("after deleting the kickoff: %d sessions (was %d), %d outcomes (was %d)", s, sessions, o, outcomes)
			}
		})
	})
}
