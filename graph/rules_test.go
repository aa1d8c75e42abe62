package graph_test

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/municipalityperiod"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestDataRules holds the rules between fields and objects that the API's mutations must
// keep (the bundle validator keeps the same for bundles): an end never before its start,
// no cycle in the theme hierarchy, an outcome's session in the outcome's seminar, and no
// required text made of white space only. Each refusal names the input field, writes
// nothing, and the same change made consistently is accepted.
func TestDataRules(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, seededClient *ent.Client) {
		srv := apiServer(t, seededClient)
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
		anOutcome := client.Outcome.Query().FirstX(ctx)
		doc := client.Document.Query().FirstX(ctx)
		muni := client.Municipality.Query().Where(municipality.Code("535")).OnlyX(ctx)
		period := client.MunicipalityPeriod.Query().FirstX(ctx)

		// A session with outcomes, and an outcome of another seminar without a session.
		withOutcomes := client.Session.Query().Where(session.HasOutcomes()).FirstX(ctx)
		loose := client.Outcome.Query().Where(outcome.Not(outcome.HasSession()), outcome.SeminarIDNEQ(withOutcomes.SeminarID)).FirstX(ctx)
		otherSeminar := client.Seminar.Query().Where(seminar.IDNEQ(withOutcomes.SeminarID)).FirstX(ctx)
		expertID := client.Expert.Query().FirstX(ctx).ID
		x := mustCreateTheme(t, srv, "kierto-x")
		a := mustCreateTheme(t, srv, "kierto-a")
		b := mustCreateTheme(t, srv, "kierto-b")
		mustPost(t, srv, `mutation($b: ID!, $a: ID!) { updateTheme(id: $b, input: {parentID: $a}) { id } }`, map[string]any{"a": a, "b": b}, nil)

		member := client.TermMembership.Query().FirstX(ctx)
		// Alajärvi (010) has two periods, split on 2020-01-01; the later one is open.
		alajarvi := client.Municipality.Query().Where(municipality.Code("010")).OnlyX(ctx)
		earlier := client.MunicipalityPeriod.Query().Where(municipalityperiod.MunicipalityID(alajarvi.ID), municipalityperiod.ValidToNotNil()).OnlyX(ctx)
		later := client.MunicipalityPeriod.Query().Where(municipalityperiod.MunicipalityID(alajarvi.ID), municipalityperiod.ValidToIsNil()).OnlyX(ctx)
		speaker := client.Appearance.Query().Where(appearance.HasSession()).FirstX(ctx)
		author := client.Appearance.Query().Where(appearance.HasDocument()).WithDocument().FirstX(ctx)
		otherDoc := client.Document.Query().Where(document.IDNEQ(author.Edges.Document.ID)).FirstX(ctx)

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
			{"a new theme whose child is its parent", `mutation($x: ID!) { createTheme(input: {slug: "kierto-y", name: "Y", parentID: $x, childIDs: [$x]}) { id } }`,
				map[string]any{"x": x}, "VALIDATION", "childIDs", "is the theme's parent"},
			{"a new theme between a theme and its ancestor, the wrong way", `mutation($b: ID!, $a: ID!) { createTheme(input: {slug: "kierto-n", name: "N", parentID: $b, childIDs: [$a]}) { id } }`,
				map[string]any{"a": a, "b": b}, "VALIDATION", "childIDs", "cannot have a cycle"},
			{"new parent and a child that is its ancestor", `mutation($x: ID!, $b: ID!, $a: ID!) { updateTheme(id: $x, input: {parentID: $b, addChildIDs: [$a]}) { id } }`,
				map[string]any{"x": x, "a": a, "b": b}, "VALIDATION", "addChildIDs", "cannot have a cycle"},
			{"a zero-width name", `mutation { createTheme(input: {slug: "nakymaton", name: "\u200b"}) { id } }`,
				nil, "VALIDATION", "name", "blank"},
			{"a start after the stored end names the start", `mutation($id: ID!) { updateNetworkTerm(id: $id, input: {startYear: 2100}) { id } }`,
				map[string]any{"id": endedTerm(ctx, client)}, "VALIDATION", "startYear", "startYear: 2100 is after endYear"},
			{"a session takes an outcome of another seminar", `mutation($s: ID!, $o: ID!) { updateSession(id: $s, input: {addOutcomeIDs: [$o]}) { id } }`,
				map[string]any{"s": withOutcomes.ID, "o": loose.ID}, "VALIDATION", "addOutcomeIDs", "belong to another seminar"},
			{"a new session with an outcome of another seminar", `mutation($sem: ID!, $o: ID!) { createSession(input: {seminarID: $sem, kind: PANEL, position: 98, title: "X", outcomeIDs: [$o]}) { id } }`,
				map[string]any{"sem": withOutcomes.SeminarID, "o": loose.ID}, "VALIDATION", "outcomeIDs", "belong to another seminar"},
			{"a session with outcomes moves to another seminar", `mutation($s: ID!, $sem: ID!) { updateSession(id: $s, input: {seminarID: $sem, position: 99}) { id } }`,
				map[string]any{"s": withOutcomes.ID, "sem": otherSeminar.ID}, "VALIDATION", "seminarID", "move or detach them first"},
			{"a seminar takes a session with outcomes", `mutation($s: ID!, $sem: ID!) { updateSeminar(id: $sem, input: {addSessionIDs: [$s]}) { id } }`,
				map[string]any{"s": withOutcomes.ID, "sem": otherSeminar.ID}, "VALIDATION", "addSessionIDs", "move or detach them first"},
			{"a speaker at nothing", `mutation($e: ID!) { createAppearance(input: {role: SPEAKER, expertID: $e}) { id } }`,
				map[string]any{"e": expertID}, "VALIDATION", "sessionID", "give sessionID only"},
			{"a speaker on a document", `mutation($e: ID!, $d: ID!) { createAppearance(input: {role: SPEAKER, expertID: $e, documentID: $d}) { id } }`,
				map[string]any{"e": expertID, "d": doc.ID}, "VALIDATION", "sessionID", "give sessionID only"},
			{"a working group in a session", `mutation($e: ID!, $s: ID!) { createAppearance(input: {role: WORKING_GROUP, expertID: $e, sessionID: $s}) { id } }`,
				map[string]any{"e": expertID, "s": sesA.ID}, "VALIDATION", "documentID", "give documentID only"},
			{"an author with a session too", `mutation($e: ID!, $s: ID!, $d: ID!) { createAppearance(input: {role: AUTHOR, expertID: $e, sessionID: $s, documentID: $d}) { id } }`,
				map[string]any{"e": expertID, "s": sesA.ID, "d": doc.ID}, "VALIDATION", "documentID", "give documentID only"},
			{"a period stretched over its successor", `mutation($id: ID!) { updateMunicipalityPeriod(id: $id, input: {validTo: "2020-06-30"}) { id } }`,
				map[string]any{"id": earlier.ID}, "VALIDATION", "validTo", "overlaps the municipality's period"},
			{"a period left open before its successor", `mutation($id: ID!) { updateMunicipalityPeriod(id: $id, input: {clearValidTo: true}) { id } }`,
				map[string]any{"id": earlier.ID}, "VALIDATION", "validTo", "(2020-01-01 to now)"},
			{"a second open period", `mutation($m: ID!, $r: ID!) { createMunicipalityPeriod(input: {municipalityID: $m, regionID: $r, name: "X", nameSv: "X", validFrom: "2024-01-01"}) { id } }`,
				map[string]any{"m": alajarvi.ID, "r": later.RegionID}, "VALIDATION", "validFrom", "one name and region on any day"},
			{"a period moved to a municipality whose days it shares", `mutation($id: ID!, $m: ID!) { updateMunicipalityPeriod(id: $id, input: {municipalityID: $m}) { id } }`,
				map[string]any{"id": later.ID, "m": muni.ID}, "VALIDATION", "validFrom", "overlaps"},
			{"a document takes a speaker's appearance", `mutation($d: ID!, $a: ID!) { updateDocument(id: $d, input: {addAppearanceIDs: [$a]}) { id } }`,
				map[string]any{"d": doc.ID, "a": speaker.ID}, "VALIDATION", "addAppearanceIDs", "a document holds only the roles it states"},
			{"a session takes an author's appearance", `mutation($s: ID!, $a: ID!) { updateSession(id: $s, input: {addAppearanceIDs: [$a]}) { id } }`,
				map[string]any{"s": sesA.ID, "a": author.ID}, "VALIDATION", "addAppearanceIDs", "a session holds only speakers and moderators"},
			{"a new session with an author's appearance", `mutation($sem: ID!, $a: ID!) { createSession(input: {seminarID: $sem, kind: PANEL, position: 97, title: "X", appearanceIDs: [$a]}) { id } }`,
				map[string]any{"sem": semA.ID, "a": author.ID}, "VALIDATION", "appearanceIDs", "a session holds only speakers and moderators"},
			{"a session lets go of a speaker", `mutation($s: ID!, $a: ID!) { updateSession(id: $s, input: {removeAppearanceIDs: [$a]}) { id } }`,
				map[string]any{"s": *speaker.SessionID, "a": speaker.ID}, "VALIDATION", "removeAppearanceIDs", "cannot be left without it"},
			{"a document lets go of every appearance", `mutation($d: ID!) { updateDocument(id: $d, input: {clearAppearances: true}) { id } }`,
				map[string]any{"d": author.Edges.Document.ID}, "VALIDATION", "clearAppearances", "cannot be left without it"},
			{"a document takes another document's author", `mutation($d: ID!, $a: ID!) { updateDocument(id: $d, input: {addAppearanceIDs: [$a]}) { id } }`,
				map[string]any{"d": otherDoc.ID, "a": author.ID}, "VALIDATION", "addAppearanceIDs", "already belong to a document; move an appearance with updateAppearance(documentID:)"},
			{"a session takes another session's speaker", `mutation($s: ID!, $a: ID!) { updateSession(id: $s, input: {addAppearanceIDs: [$a]}) { id } }`,
				map[string]any{"s": sesB.ID, "a": speaker.ID}, "VALIDATION", "addAppearanceIDs", "already belong to a session"},
			{"an expert lets go of an appearance", `mutation($e: ID!, $a: ID!) { updateExpert(id: $e, input: {removeAppearanceIDs: [$a]}) { id } }`,
				map[string]any{"e": author.ExpertID, "a": author.ID}, "VALIDATION", "removeAppearanceIDs", "cannot be left without it"},
			{"a year date that is not 1 January", `mutation($d: ID!) { updateDocument(id: $d, input: {publishedOn: "2019-02-22", publishedOnPrecision: YEAR}) { id } }`,
				map[string]any{"d": doc.ID}, "VALIDATION", "publishedOn", "written as its first day, 2019-01-01"},
			{"a month date that is not the 1st", `mutation($s: ID!) { updateSeminar(id: $s, input: {date: "2017-03-14", datePrecision: MONTH}) { id } }`,
				map[string]any{"s": semA.ID}, "VALIDATION", "date", "2017-03-01"},
			{"a date without its precision", `mutation($d: ID!) { updateDocument(id: $d, input: {publishedOn: "2019-02-22", clearPublishedOnPrecision: true}) { id } }`,
				map[string]any{"d": doc.ID}, "VALIDATION", "publishedOnPrecision", "needs its precision"},
			{"a precision without a date", `mutation($d: ID!) { updateDocument(id: $d, input: {clearPublishedOn: true, publishedOnPrecision: YEAR}) { id } }`,
				map[string]any{"d": doc.ID}, "VALIDATION", "publishedOnPrecision", "nothing to be precise about"},
			{"a term lets go of the municipalities its memberships name", `mutation($t: ID!) { updateNetworkTerm(id: $t, input: {clearMunicipalities: true}) { id } }`,
				map[string]any{"t": member.TermID}, "VALIDATION", "clearMunicipalities", "delete those memberships first"},
			{"a municipality leaves a term its membership names", `mutation($m: ID!, $t: ID!) { updateMunicipality(id: $m, input: {removeTermIDs: [$t]}) { id } }`,
				map[string]any{"m": member.MunicipalityID, "t": member.TermID}, "VALIDATION", "removeTermIDs", "delete those memberships first"},
			{"a seminar lets go of its outcomes", `mutation($s: ID!) { updateSeminar(id: $s, input: {clearOutcomes: true}) { id } }`,
				map[string]any{"s": withOutcomes.SeminarID}, "VALIDATION", "clearOutcomes", "cannot be left without one"},
			{"a seminar lets go of a session", `mutation($s: ID!, $ss: ID!) { updateSeminar(id: $s, input: {removeSessionIDs: [$ss]}) { id } }`,
				map[string]any{"s": withOutcomes.SeminarID, "ss": withOutcomes.ID}, "VALIDATION", "removeSessionIDs", "cannot be left without one"},
			{"update through another type's ID", `mutation($id: ID!) { updateTheme(id: $id, input: {name: "X"}) { id } }`,
				map[string]any{"id": term.ID}, "VALIDATION", "id", "id: must be the ID of a Theme, got a NetworkTerm ID"},
			{"delete through another type's ID", `mutation($id: ID!) { deleteOutcome(id: $id) }`,
				map[string]any{"id": doc.ID}, "VALIDATION", "id", "id: must be the ID of an Outcome, got a Document ID"},
			{"delete through an ID of no type", `mutation { deleteSeminar(id: "zz01ARZ3NDEKTSV4RRFFQ69G5FAV") }`,
				nil, "VALIDATION", "id", "id: must be the ID of a Seminar, got an ID of no known type"},
			{"outcome with another seminar's session", `mutation($s: ID!, $ses: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "X", seminarID: $s, sessionID: $ses, sourceIDs: [$d]}) { id } }`,
				map[string]any{"s": semA.ID, "ses": sesB.ID, "d": doc.ID}, "VALIDATION", "sessionID", "belongs to another seminar"},
			{"outcome moved to a session of another seminar", `mutation($id: ID!, $ses: ID!) { updateOutcome(id: $id, input: {sessionID: $ses}) { id } }`,
				map[string]any{"id": anOutcome.ID, "ses": otherSession(ctx, client, anOutcome.SeminarID)}, "VALIDATION", "sessionID", "belongs to another seminar"},
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
			{"a cleared date takes its precision", `mutation($d: ID!) { updateDocument(id: $d, input: {clearPublishedOn: true}) { id } }`,
				map[string]any{"d": doc.ID}},
			{"a year date on 1 January", `mutation($d: ID!) { updateDocument(id: $d, input: {publishedOn: "2019-01-01", publishedOnPrecision: YEAR}) { id } }`,
				map[string]any{"d": doc.ID}},
			{"an author of a document", `mutation($e: ID!, $d: ID!) { createAppearance(input: {role: AUTHOR, expertID: $e, documentID: $d}) { id } }`,
				map[string]any{"e": expertID, "d": doc.ID}},
			{"an author's appearance moves to another document", `mutation($a: ID!, $d: ID!) { updateAppearance(id: $a, input: {documentID: $d}) { id } }`,
				map[string]any{"d": otherDoc.ID, "a": author.ID}},
			{"a period closed", `mutation($id: ID!) { updateMunicipalityPeriod(id: $id, input: {validTo: "2023-12-31"}) { id } }`,
				map[string]any{"id": later.ID}},
			{"and its successor from the next day", `mutation($m: ID!, $r: ID!) { createMunicipalityPeriod(input: {municipalityID: $m, regionID: $r, name: "X", nameSv: "X", validFrom: "2024-01-01"}) { id } }`,
				map[string]any{"m": alajarvi.ID, "r": later.RegionID}},
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

// mustCreateTheme creates a theme through the API and returns its ID.
func mustCreateTheme(t *testing.T, srv *httptest.Server, slug string) string {
	t.Helper()
	var out struct{ CreateTheme struct{ ID string } }
	mustPost(t, srv, `mutation($s: String!) { createTheme(input: {slug: $s, name: $s}) { id } }`, map[string]any{"s": slug}, &out)
	return out.CreateTheme.ID
}

// endedTerm returns the ID of a term with an end year.
func endedTerm(ctx context.Context, client *ent.Client) string {
	return string(client.NetworkTerm.Query().Where(networkterm.EndYearNotNil()).FirstX(ctx).ID)
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
