package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestExportStableUnderTies writes, through the API, things the export's sort keys do
// not tell apart: outcomes of one seminar with the same text (each citing its own
// document), and a person who both speaks and moderates in one session under different
// titles. The export is the same bytes however the database returns them: the export
// as of a version equals the export taken then, and deleting any one of the tied
// outcomes or appearances and restoring it gives back the export before the delete.
func TestExportStableUnderTies(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		client := db.Client()
		srv := apiServer(t, client)
		var sem struct{ CreateSeminar struct{ ID string } }
		mustPost(t, srv, `mutation { createSeminar(input: {title: "Tasapeli", date: "2020-01-01"}) { id } }`, nil, &sem)
		var org struct{ CreateOrganization struct{ ID string } }
		mustPost(t, srv, `mutation { createOrganization(input: {name: "Kuntaliitto", kind: ASSOCIATION}) { id } }`, nil, &org)
		var ex struct{ CreateExpert struct{ ID string } }
		mustPost(t, srv, `mutation { createExpert(input: {name: "Tuuli Tasapeli", title: "Tutkija"}) { id } }`, nil, &ex)
		var ss struct{ CreateSession struct{ ID string } }
		mustPost(t, srv, `mutation($s: ID!) { createSession(input: {seminarID: $s, position: 1, kind: PANEL, title: "Paneeli"}) { id } }`,
			map[string]any{"s": sem.CreateSeminar.ID}, &ss)
		// The speaker's and the moderator's appearance give two other titles: the
		// export names one of them as the person's role in the session, always the same.
		var tied []string // what is deleted and restored below
		for _, a := range []struct{ role, title string }{{"SPEAKER", "Titteli 2"}, {"MODERATOR", "Titteli 1"}} {
			var ap struct{ CreateAppearance struct{ ID string } }
			mustPost(t, srv, `mutation($s: ID!, $e: ID!, $o: ID!, $r: AppearanceRole!, $t: String!) {
  createAppearance(input: {role: $r, title: $t, expertID: $e, organizationID: $o, sessionID: $s}) { id } }`,
				map[string]any{"s": ss.CreateSession.ID, "e": ex.CreateExpert.ID, "o": org.CreateOrganization.ID, "r": a.role, "t": a.title}, &ap)
			tied = append(tied, ap.CreateAppearance.ID)
		}
		for i := range 4 {
			var doc struct{ CreateDocument struct{ ID string } }
			mustPost(t, srv, `mutation($k: String!) { createDocument(input: {key: $k, title: "Lähde", kind: WEB_PAGE}) { id } }`,
				map[string]any{"k": fmt.Sprintf("tasapeli-%d", i)}, &doc)
			var o struct{ CreateOutcome struct{ ID string } }
			mustPost(t, srv, `mutation($s: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "same", seminarID: $s, sourceIDs: [$d]}) { id } }`,
				map[string]any{"s": sem.CreateSeminar.ID, "d": doc.CreateDocument.ID}, &o)
			tied = append(tied, o.CreateOutcome.ID)
		}
		v0 := versionOf(t, srv)
		before := exportJSON(t, client)
		if got := exportAsOf(t, client, v0); got != before {
			t.Errorf("the export as of %d differs from the export taken then:\n%s\nwant\n%s", v0, got, before)
		}
		for _, id := range tied {
			del := "deleteOutcome"
			if strings.HasPrefix(id, "ap") {
				del = "deleteAppearance"
			}
			mustPost(t, srv, `mutation($id: ID!) { `+del+`(id: $id) }`, map[string]any{"id": id}, nil)
			mustPost(t, srv, `mutation($id: ID!, $v: Int!) { restore(id: $id, version: $v) { id } }`, map[string]any{"id": id, "v": v0}, nil)
			if got := exportJSON(t, client); got != before {
				t.Errorf("%s deleted and restored: the export differs:\n%s\nwant\n%s", id, got, before)
			}
			v := versionOf(t, srv)
			if got := exportAsOf(t, client, v); got != before {
				t.Errorf("%s deleted and restored: the export as of %d differs:\n%s\nwant\n%s", id, v, got, before)
			}
		}
	})
}
