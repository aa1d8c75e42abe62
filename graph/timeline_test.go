package graph_test

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// created runs a create or update mutation and returns the field's object.
func created(t *testing.T, srv *httptest.Server, query string, vars map[string]any) map[string]any {
	t.Helper()
	var data map[string]map[string]any
	mustPost(t, srv, query, vars, &data)
	for _, v := range data {
		return v
	}
	t.Fatalf("no data for %s", query)
	return nil
}

// appearanceDates lists a person's appearances as the API orders them by date, as
// "date precision role where".
func appearanceDates(t *testing.T, srv *httptest.Server, expert string, direction string) []string {
	t.Helper()
	var data map[string]any
	mustPost(t, srv, `query($id: ID!, $dir: OrderDirection!) { node(id: $id) { ... on Expert {
	  appearances(orderBy: [{field: DATE, direction: $dir}, {field: ROLE}]) { edges { node {
	    date datePrecision role session { title } document { key } } } } } } }`,
		map[string]any{"id": expert, "dir": direction}, &data)
	var out []string
	for _, a := range nodes(dig(data, "node", "appearances")) {
		where := dig(a, "session", "title")
		if where == nil {
			where = dig(a, "document", "key")
		}
		out = append(out, fmt.Sprintf("%v %v %v %v", a["date"], a["datePrecision"], a["role"], where))
	}
	return out
}

// TestAppearanceDates checks, through the API on both databases, that every appearance
// carries the date and precision of its seminar or document, that a person's appearances
// can be ordered by it, and that the date follows every write that moves it: a seminar's
// or a document's new date, a session moved to another seminar, an appearance moved to
// another session.
func TestAppearanceDates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		srv := apiServer(t, db.Client())
		seminar := func(title, date, precision string) string {
			return created(t, srv, `mutation($in: CreateSeminarInput!) { createSeminar(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"title": title, "date": date, "datePrecision": precision}})["id"].(string)
		}
		peer := seminar("Vertaisseminaarit", "2016-09-01", "MONTH")
		kickoff := seminar("Käynnistysseminaari", "2017-03-14", "DAY")
		session := func(sem, title string) string {
			return created(t, srv, `mutation($in: CreateSessionInput!) { createSession(input: $in) { id } }`,
				map[string]any{"in": map[string]any{"seminarID": sem, "kind": "PRESENTATION", "position": 1, "title": title}})["id"].(string)
		}
		peerTalk, kickoffTalk := session(peer, "Puheenvuoro 2016"), session(kickoff, "Puheenvuoro 2017")
		majava := created(t, srv, `mutation { createExpert(input: {name: "Jarkko Majava"}) { id } }`, nil)["id"].(string)
		blog := created(t, srv, `mutation { createDocument(input: {key: "blogi-2019", title: "Blogi", kind: WEB_PAGE,
		  publishedOn: "2019-02-22", publishedOnPrecision: DAY}) { id } }`, nil)["id"].(string)
		progPage := created(t, srv, `mutation { createDocument(input: {key: "sivu", title: "Ohjelmasivu", kind: WEB_PAGE}) { id } }`, nil)["id"].(string)

		appear := func(role, sessionID, documentID string) map[string]any {
			in := map[string]any{"role": role, "expertID": majava}
			if sessionID != "" {
				in["sessionID"] = sessionID
			}
			if documentID != "" {
				in["documentID"] = documentID
			}
			return created(t, srv, `mutation($in: CreateAppearanceInput!) { createAppearance(input: $in) { id date datePrecision } }`,
				map[string]any{"in": in})
		}
		// The created appearance already carries its date.
		if a := appear("SPEAKER", kickoffTalk, ""); a["date"] != "2017-03-14" || a["datePrecision"] != "DAY" {
			t.Errorf("createAppearance in a seminar of 2017-03-14 returned %v %v", a["date"], a["datePrecision"])
		}
		appear("MODERATOR", peerTalk, "")
		appear("AUTHOR", "", blog)
		undated := appear("AUTHOR", "", progPage)
		if undated["date"] != nil || undated["datePrecision"] != nil {
			t.Errorf("author of an undated document: %v %v, want no date", undated["date"], undated["datePrecision"])
		}

		check := func(step string, want []string) {
			t.Helper()
			got := appearanceDates(t, srv, majava, "ASC")
			// Where NULLs sort is the database's choice; the dated ones are in order on both.
			got = slices.DeleteFunc(got, func(s string) bool { return s[:5] == "<nil>" })
			if !slices.Equal(got, want) {
				t.Errorf("%s: appearances by date =\n%q\nwant\n%q", step, got, want)
			}
		}
		check("created", []string{
			"2016-09-01 MONTH MODERATOR Puheenvuoro 2016",
			"2017-03-14 DAY SPEAKER Puheenvuoro 2017",
			"2019-02-22 DAY AUTHOR blogi-2019",
		})
		if got := appearanceDates(t, srv, majava, "DESC"); len(got) != 4 || got[1] != "2019-02-22 DAY AUTHOR blogi-2019" && got[0] != "2019-02-22 DAY AUTHOR blogi-2019" {
			t.Errorf("descending: %q", got)
		}

		// A seminar's new date and precision: its appearances follow.
		mustPost(t, srv, `mutation($id: ID!) { updateSeminar(id: $id, input: {date: "2016-10-01"}) { id } }`, map[string]any{"id": peer}, nil)
		check("seminar moved to October", []string{
			"2016-10-01 MONTH MODERATOR Puheenvuoro 2016",
			"2017-03-14 DAY SPEAKER Puheenvuoro 2017",
			"2019-02-22 DAY AUTHOR blogi-2019",
		})
		mustPost(t, srv, `mutation($id: ID!) { updateSeminar(id: $id, input: {date: "2018-01-01", datePrecision: YEAR}) { id } }`, map[string]any{"id": peer}, nil)
		check("seminar known to the year 2018", []string{
			"2017-03-14 DAY SPEAKER Puheenvuoro 2017",
			"2018-01-01 YEAR MODERATOR Puheenvuoro 2016",
			"2019-02-22 DAY AUTHOR blogi-2019",
		})
		// A document's new date, and a date given to an undated one.
		mustPost(t, srv, `mutation($b: ID!, $p: ID!) {
		  b: updateDocument(id: $b, input: {publishedOn: "2015-01-01", publishedOnPrecision: YEAR}) { id }
		  p: updateDocument(id: $p, input: {publishedOn: "2021-01-01", publishedOnPrecision: YEAR}) { id } }`,
			map[string]any{"b": blog, "p": progPage}, nil)
		check("documents redated", []string{
			"2015-01-01 YEAR AUTHOR blogi-2019",
			"2017-03-14 DAY SPEAKER Puheenvuoro 2017",
			"2018-01-01 YEAR MODERATOR Puheenvuoro 2016",
			"2021-01-01 YEAR AUTHOR sivu",
		})
		// A session moved to another seminar takes its date.
		mustPost(t, srv, `mutation($s: ID!, $k: ID!) { updateSession(id: $s, input: {seminarID: $k, position: 2}) { id } }`,
			map[string]any{"s": peerTalk, "k": kickoff}, nil)
		check("session moved to the kickoff", []string{
			"2015-01-01 YEAR AUTHOR blogi-2019",
			"2017-03-14 DAY MODERATOR Puheenvuoro 2016",
			"2017-03-14 DAY SPEAKER Puheenvuoro 2017",
			"2021-01-01 YEAR AUTHOR sivu",
		})
		// An appearance moved to a session of another seminar.
		other := session(seminar("Työseminaari", "2023-01-01", "YEAR"), "Työpaja")
		var moved map[string]any
		mustPost(t, srv, `mutation($a: ID!, $s: ID!) { updateAppearance(id: $a, input: {sessionID: $s, clearDocument: true}) { date datePrecision } }`,
			map[string]any{"a": undated["id"], "s": other}, &moved)
		if got := fmt.Sprint(dig(moved, "updateAppearance", "date"), " ", dig(moved, "updateAppearance", "datePrecision")); got != "2023-01-01 YEAR" {
			t.Errorf("updateAppearance returned %s, want 2023-01-01 YEAR", got)
		}
		// The date is derived: the inputs do not take it.
		if r := post(t, srv, `mutation($a: ID!) { updateAppearance(id: $a, input: {date: "2000-01-01"}) { id } }`,
			map[string]any{"a": undated["id"]}, nil); len(r.Errors) == 0 {
			t.Error("updateAppearance accepted a date")
		}

		// Appearances can be filtered by date too.
		var in2017 struct{ Appearances page }
		mustPost(t, srv, `{ appearances(where: {dateGTE: "2017-01-01", dateLT: "2018-01-01"}) { totalCount } }`, nil, &in2017)
		if in2017.Appearances.TotalCount != 2 {
			t.Errorf("appearances of 2017 = %d, want 2", in2017.Appearances.TotalCount)
		}

		// A titleAsOf written through the API is a day unless the writer says otherwise.
		var ex map[string]any
		mustPost(t, srv, `mutation($id: ID!) { a: updateExpert(id: $id, input: {title: "kehityspäällikkö", titleAsOf: "2019-03-25"}) { titleAsOf titleAsOfPrecision } }`,
			map[string]any{"id": majava}, &ex)
		if got := fmt.Sprint(dig(ex, "a", "titleAsOf"), " ", dig(ex, "a", "titleAsOfPrecision")); got != "2019-03-25 DAY" {
			t.Errorf("titleAsOf = %s, want 2019-03-25 DAY", got)
		}
		mustPost(t, srv, `mutation($id: ID!) { a: updateExpert(id: $id, input: {titleAsOf: "2021-01-01", titleAsOfPrecision: YEAR}) { titleAsOf titleAsOfPrecision } }`,
			map[string]any{"id": majava}, &ex)
		if got := fmt.Sprint(dig(ex, "a", "titleAsOf"), " ", dig(ex, "a", "titleAsOfPrecision")); got != "2021-01-01 YEAR" {
			t.Errorf("titleAsOf = %s, want 2021-01-01 YEAR", got)
		}
		mustPost(t, srv, `mutation($id: ID!) { a: updateExpert(id: $id, input: {clearTitleAsOf: true}) { titleAsOf titleAsOfPrecision } }`,
			map[string]any{"id": majava}, &ex)
		if got := fmt.Sprint(dig(ex, "a", "titleAsOf"), " ", dig(ex, "a", "titleAsOfPrecision")); got != "<nil> <nil>" {
			t.Errorf("cleared titleAsOf = %s, want no date and no precision", got)
		}
	})
}

// TestSeedDates checks the dates of the seed through the API: a year-only title date
// says it is a year, every appearance carries its seminar's or document's date and
// precision, and a person's appearances come in date order.
func TestSeedDates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		srv := seeded(t, db)
		var data map[string]any
		mustPost(t, srv, `{ experts(where: {name: "Jarkko Majava"}) { edges { node {
		  titleAsOf titleAsOfPrecision
		  appearances(orderBy: [{field: DATE}]) { edges { node { date datePrecision
		    session { seminar { date datePrecision } } document { publishedOn publishedOnPrecision } } } } } } }
		  municipalities(where: {code: "535"}) { edges { node { validFrom validFromPrecision validTo validToPrecision
		    periods { validFrom validFromPrecision validTo validToPrecision } } } } }`, nil, &data)
		majava := only(t, data["experts"])
		if got := fmt.Sprint(majava["titleAsOf"], " ", majava["titleAsOfPrecision"]); got != "2021-01-01 YEAR" {
			t.Errorf("Majava's titleAsOf = %s, want 2021-01-01 YEAR (the 2021 item is dated by its year only)", got)
		}
		aps := nodes(majava["appearances"])
		if len(aps) < 3 {
			t.Fatalf("Majava has %d appearances, want at least 3", len(aps))
		}
		last := ""
		for _, a := range aps {
			want := fmt.Sprint(dig(a, "session", "seminar", "date"), " ", dig(a, "session", "seminar", "datePrecision"))
			if a["session"] == nil {
				want = fmt.Sprint(dig(a, "document", "publishedOn"), " ", dig(a, "document", "publishedOnPrecision"))
			}
			got := fmt.Sprint(a["date"], " ", a["datePrecision"])
			if got != want {
				t.Errorf("appearance dated %s, its source %s", got, want)
			}
			if d, ok := a["date"].(string); ok {
				if d < last {
					t.Errorf("appearances out of date order: %s after %s", d, last)
				}
				last = d
			}
		}
		// Reference dates are days; a null date has no precision.
		nivala := only(t, data["municipalities"])
		for _, p := range append([]any{nivala}, anySlice(nivala["periods"])...) {
			p := p.(map[string]any)
			for _, f := range []string{"validFrom", "validTo"} {
				if (p[f] == nil) != (p[f+"Precision"] == nil) || p[f] != nil && p[f+"Precision"] != "DAY" {
					t.Errorf("%s %v with precision %v", f, p[f], p[f+"Precision"])
				}
			}
		}
	})
}

func anySlice(v any) []any {
	s, _ := v.([]any)
	return s
}
