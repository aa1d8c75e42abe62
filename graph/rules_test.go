package graph_test

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestDataRules holds the rules between fields and objects that the API's mutations must
// keep (the bundle validator keeps the same for bundles): an end never before its start,
// no cycle in the theme hierarchy, an outcome's session in the outcome's seminar, and no
// required text made of white space only. Each refusal names the input field, writes
// nothing, and the same change made consistently is accepted.
func TestDataRules(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		srv := seeded(t, db)
		ctx := context.Background()
		client := db.Client()

		child := client.Theme.Query().Where(theme.HasParent()).WithParent().FirstX(ctx)
		parent := child.Edges.Parent
		term := client.NetworkTerm.Query().FirstX(ctx)
		seminars := client.Seminar.Query().AllX(ctx)
		var semA, semB *ent.Seminar
		var sesB *ent.Session
		for _, s := range seminars {
			ses, err := client.Session.Query().Where(session.SeminarID(s.ID)).First(ctx)
			if err != nil {
				continue
			}
			if semA == nil {
				semA = s
			} else if semB == nil {
				semB, sesB = s, ses
			}
		}
		if semA == nil || semB == nil {
			t.Fatal("the seed has fewer than two seminars with sessions")
		}
		sesA := client.Session.Query().Where(session.SeminarID(semA.ID)).FirstX(ctx)
		outcome := client.Outcome.Query().FirstX(ctx)
		doc := client.Document.Query().FirstX(ctx)
		muni := client.Municipality.Query().Where(municipality.Code("535")).OnlyX(ctx)
		period := client.MunicipalityPeriod.Query().FirstX(ctx)

		refused := []struct {
			name, query string
			vars        map[string]any
			code, field string
			message     string
		}{
			{"theme as its own parent", `mutation($id: ID!) { updateTheme(id: $id, input: {parentID: $id}) { id } }`,
				map[string]any{"id": parent.ID}, "VALIDATION", "parentID", "parentID: a theme cannot be its own parent"},
			{"theme below its own child", `mutation($id: ID!, $p: ID!) { updateTheme(id: $id, input: {parentID: $p}) { id } }`,
				map[string]any{"id": parent.ID, "p": child.ID}, "VALIDATION", "parentID", "cannot have a cycle"},
			{"blank theme name", `mutation { createTheme(input: {slug: "tyhja-nimi", name: "   "}) { id } }`,
				nil, "VALIDATION", "name", "blank"},
			{"blank name on update", `mutation($id: ID!) { updateTheme(id: $id, input: {name: "\t \n"}) { id } }`,
				map[string]any{"id": child.ID}, "VALIDATION", "name", "blank"},
			{"term ends before it starts", `mutation($id: ID!) { updateNetworkTerm(id: $id, input: {endYear: 1999}) { id } }`,
				map[string]any{"id": term.ID}, "VALIDATION", "endYear", "endYear: 1999 is before startYear"},
			{"term starts after it ends", `mutation($id: ID!, $y: Int!) { updateNetworkTerm(id: $id, input: {startYear: $y, endYear: 2000}) { id } }`,
				map[string]any{"id": term.ID, "y": 2001}, "VALIDATION", "endYear", "endYear: 2000 is before startYear 2001"},
			{"municipality ends before it begins", `mutation { createMunicipality(input: {code: "998", name: "Testi", nameSv: "Test", validFrom: "2020-01-01", validTo: "2019-12-31"}) { id } }`,
				nil, "VALIDATION", "validTo", "validTo: 2019-12-31 is before validFrom 2020-01-01"},
			{"municipality begins after it ends (update of one side)", `mutation($id: ID!) { updateMunicipality(id: $id, input: {validTo: "2000-01-01", validFrom: "2001-01-01"}) { id } }`,
				map[string]any{"id": muni.ID}, "VALIDATION", "validTo", "is before validFrom"},
			{"period ends before it begins", `mutation($id: ID!) { updateMunicipalityPeriod(id: $id, input: {validFrom: "2030-01-01", validTo: "2029-01-01"}) { id } }`,
				map[string]any{"id": period.ID}, "VALIDATION", "validTo", "is before validFrom"},
			{"slug format says what a slug is", `mutation { createTheme(input: {slug: "Väärä Muoto", name: "X"}) { id } }`,
				nil, "VALIDATION", "slug", `slug: must be lower-case letters a-z and digits, in words joined by single hyphens`},
			{"municipality code format says what a code is", `mutation { createMunicipality(input: {code: "53", name: "X", nameSv: "X"}) { id } }`,
				nil, "VALIDATION", "code", `code: must be the three-digit municipality number, such as "535"`},
			{"language format", `mutation($d: ID!) { updateDocument(id: $d, input: {language: "FIN"}) { id } }`,
				map[string]any{"d": doc.ID}, "VALIDATION", "language", `language: must be a two-letter ISO 639-1 language code`},
			{"update through another type's ID", `mutation($id: ID!) { updateTheme(id: $id, input: {name: "X"}) { id } }`,
				map[string]any{"id": term.ID}, "VALIDATION", "id", "id: must be the ID of a Theme, got a NetworkTerm ID"},
			{"delete through another type's ID", `mutation($id: ID!) { deleteOutcome(id: $id) }`,
				map[string]any{"id": doc.ID}, "VALIDATION", "id", "id: must be the ID of an Outcome, got a Document ID"},
			{"delete through an ID of no type", `mutation { deleteSeminar(id: "zz01ARZ3NDEKTSV4RRFFQ69G5FAV") }`,
				nil, "VALIDATION", "id", "id: must be the ID of a Seminar, got an ID of no known type"},
			{"outcome with another seminar's session", `mutation($s: ID!, $ses: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "X", seminarID: $s, sessionID: $ses, sourceIDs: [$d]}) { id } }`,
				map[string]any{"s": semA.ID, "ses": sesB.ID, "d": doc.ID}, "VALIDATION", "sessionID", "belongs to another seminar"},
			{"outcome moved to a session of another seminar", `mutation($id: ID!, $ses: ID!) { updateOutcome(id: $id, input: {sessionID: $ses}) { id } }`,
				map[string]any{"id": outcome.ID, "ses": otherSession(ctx, client, outcome.SeminarID)}, "VALIDATION", "sessionID", "belongs to another seminar"},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				before := rowCounts(t, db)
				res := post(t, srv, tc.query, tc.vars, nil)
				wantError(t, res, tc.code, tc.field, tc.message)
				if after := rowCounts(t, db); !maps.Equal(before, after) {
					t.Errorf("a refused mutation wrote:\n before %v\n after  %v", before, after)
				}
			})
		}

		t.Run("every type refuses another type's ID", func(t *testing.T) {
			before := rowCounts(t, db)
			other := map[bool]string{true: string(doc.ID), false: string(term.ID)}
			for _, typ := range ent.TypeOfPrefix {
				id := other[typ != ent.TypeDocument]
				res := post(t, srv, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, typ), map[string]any{"id": id}, nil)
				wantError(t, res, "VALIDATION", "id", "id: must be the ID of")
				res = post(t, srv, fmt.Sprintf(`mutation($id: ID!) { update%s(id: $id, input: {}) { id } }`, typ), map[string]any{"id": id}, nil)
				wantError(t, res, "VALIDATION", "id", "id: must be the ID of")
			}
			if after := rowCounts(t, db); !maps.Equal(before, after) {
				t.Errorf("a refused mutation wrote")
			}
		})

		// The consistent versions of the same changes are accepted.
		accepted := []struct {
			name, query string
			vars        map[string]any
		}{
			{"a term of one year", `mutation($id: ID!, $y: Int!) { updateNetworkTerm(id: $id, input: {endYear: $y}) { id } }`,
				map[string]any{"id": term.ID, "y": term.StartYear}},
			{"a municipality of one day", `mutation { createMunicipality(input: {code: "997", name: "Testi", nameSv: "Test", validFrom: "2020-01-01", validTo: "2020-01-01"}) { id } }`, nil},
			{"an outcome with its own seminar's session", `mutation($s: ID!, $ses: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "X", seminarID: $s, sessionID: $ses, sourceIDs: [$d]}) { id } }`,
				map[string]any{"s": semA.ID, "ses": sesA.ID, "d": doc.ID}},
			{"a theme moved under another root", `mutation($id: ID!, $p: ID!) { updateTheme(id: $id, input: {parentID: $p}) { id } }`,
				map[string]any{"id": child.ID, "p": parent.ID}},
		}
		for _, tc := range accepted {
			t.Run(tc.name, func(t *testing.T) {
				mustPost(t, srv, tc.query, tc.vars, nil)
			})
		}
	})
}

// otherSession returns the ID of a session of another seminar than seminarID.
func otherSession(ctx context.Context, client *ent.Client, seminarID pulid.ID) string {
	for _, s := range client.Session.Query().AllX(ctx) {
		if s.SeminarID != seminarID {
			return string(s.ID)
		}
	}
	return ""
}
