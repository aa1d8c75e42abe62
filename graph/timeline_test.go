package graph_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/session"
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
		blogAuthor := appear("AUTHOR", "", blog)
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
		mustPost(t, srv, `mutation($a: ID!, $s: ID!) { updateAppearance(id: $a, input: {role: SPEAKER, sessionID: $s, clearDocument: true}) { date datePrecision } }`,
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

		// An appearance moved to a session takes its seminar's date. (From the other
		// side, a document cannot let it go: graph/rules_test.go.)
		apDate := func() string {
			var d map[string]any
			mustPost(t, srv, `query($id: ID!) { node(id: $id) { ... on Appearance { date datePrecision } } }`,
				map[string]any{"id": blogAuthor["id"]}, &d)
			return fmt.Sprint(dig(d, "node", "date"), " ", dig(d, "node", "datePrecision"))
		}
		mustPost(t, srv, `mutation($a: ID!, $s: ID!) { updateAppearance(id: $a, input: {role: SPEAKER, sessionID: $s, clearDocument: true}) { id } }`,
			map[string]any{"s": kickoffTalk, "a": blogAuthor["id"]}, nil)
		if got := apDate(); got != "2017-03-14 DAY" {
			t.Errorf("appearance moved to a session of 2017-03-14: %s", got)
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
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
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

// TestAppearancesByDateStatementCount proves that people's appearances ordered by date,
// with their seminars and documents, cost the same number of SQL statements whatever
// the number of people and appearances: the date is a column, not a join per row.
func TestAppearancesByDateStatementCount(t *testing.T) {
	const query = `{ experts(first: 20, orderBy: [{field: NAME}]) { edges { node { name
	  appearances(first: 10, orderBy: [{field: DATE, direction: DESC}]) { totalCount edges { node {
	    date datePrecision role session { title seminar { date } } document { publishedOn } } } } } } } }`
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			var counts []int64
			for _, n := range []int{2, 9} {
				client, c := countingClient(testdb.Open(t, d))
				ctx := context.Background()
				var sessions []*ent.Session
				for i := 0; i < n; i++ {
					sem := client.Seminar.Create().SetTitle(fmt.Sprintf("Seminaari %d", i)).
						SetDate(mustDate(fmt.Sprintf("20%02d-03-14", 10+i))).SaveX(ctx)
					sessions = append(sessions, client.Session.Create().SetSeminar(sem).SetPosition(1).
						SetKind(session.KindPANEL).SetTitle("Paneeli").SaveX(ctx))
				}
				doc := client.Document.Create().SetKey("raportti").SetTitle("Raportti").SetKind(document.KindMEMO).
					SetPublishedOn(mustDate("2015-01-01")).SetPublishedOnPrecision(calendar.Year).SaveX(ctx)
				for i := 0; i < n; i++ {
					ex := client.Expert.Create().SetName(fmt.Sprintf("Henkilö %02d", i)).SaveX(ctx)
					for _, s := range sessions {
						client.Appearance.Create().SetRole(appearance.RoleSPEAKER).SetExpert(ex).SetSession(s).
							SetDate(s.QuerySeminar().OnlyX(ctx).Date).SetDatePrecision(calendar.Day).SaveX(ctx)
					}
					client.Appearance.Create().SetRole(appearance.RoleAUTHOR).SetExpert(ex).SetDocument(doc).
						SetDate(*doc.PublishedOn).SetDatePrecision(calendar.Year).SaveX(ctx)
				}
				srv := apiServer(t, client)
				c.reset()
				var data map[string]any
				mustPost(t, srv, query, nil, &data)
				counts = append(counts, c.value())
				people := nodes(data["experts"])
				if len(people) != n {
					t.Fatalf("%d people, want %d", len(people), n)
				}
				var dates []string
				for _, a := range nodes(people[0]["appearances"]) {
					dates = append(dates, a["date"].(string))
				}
				if len(dates) != n+1 || !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
					t.Errorf("appearances by date, newest first: got %v", dates)
				}
			}
			if counts[0] != counts[1] {
				t.Errorf("statements: %d for 2 people, %d for 9: grows with rows", counts[0], counts[1])
			}
		})
	}
}

// TestStatisticsOverTime checks themeStatisticsBy on the seed through the API: keys are
// what the schema says (term numbers, years, region codes) with the IDs beside them,
// documents count by their date (so 2019, known only from documents, appears), and a
// document of 2023 falls in the named period after the last term instead of a
// "(no term)" bucket.
func TestStatisticsOverTime(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		// The 2023–2024 programme is a document of its own in the seed, dated to its first
		// year; its themes count in 2023.
		var docs struct{ Documents page }
		mustPost(t, srv, `{ documents(where: {publishedOnGTE: "2023-01-01", publishedOnLT: "2024-01-01"}) { edges { node { key themes { totalCount } } } } }`, nil, &docs)
		if len(docs.Documents.Edges) != 1 {
			t.Fatalf("documents of 2023 in the seed: %+v, want the 2023–2024 programme", docs)
		}
		themes2023 := int(docs.Documents.Edges[0].Node["themes"].(map[string]any)["totalCount"].(float64))

		type bucket struct {
			Key, Kind, Label   string
			GroupID            *string
			StartYear, EndYear *int
			Theme              struct{ Slug string }
			Seminars           int
			Documents          int
		}
		var data struct{ Term, Year, Region []bucket }
		mustPost(t, srv, `{
		  term: themeStatisticsBy(by: TERM) { key kind groupID label startYear endYear theme { slug } seminars documents }
		  year: themeStatisticsBy(by: YEAR) { key kind groupID label startYear endYear theme { slug } seminars documents }
		  region: themeStatisticsBy(by: REGION) { key kind groupID label startYear endYear theme { slug } seminars documents } }`, nil, &data)

		var terms []string
		seenPeriod := false
		for _, b := range data.Term {
			switch b.Kind {
			case "TERM":
				if b.GroupID == nil || b.StartYear == nil || !strings.HasPrefix(b.Label, "USO "+b.Key+" (") {
					t.Errorf("term bucket %+v: want key = term number, its ID and years", b)
				}
				if !slices.Contains(terms, b.Key) {
					terms = append(terms, b.Key)
				}
			case "PERIOD":
				if b.GroupID != nil {
					t.Errorf("period bucket %+v has a groupID", b)
				}
				if b.Key == "2023-" && b.Theme.Slug == "poikkihallinnollinen-johtaminen" {
					seenPeriod = b.Label == "2023– (after USO 6)" && b.Documents == 1 && *b.StartYear == 2023 && b.EndYear == nil
					if !seenPeriod {
						t.Errorf("2023 bucket = %+v", b)
					}
				}
			case "NONE":
				if b.Key != "" || b.Label != "(undated)" || b.Seminars != 0 {
					t.Errorf("no-term bucket %+v: want only undated documents, key empty", b)
				}
			default:
				t.Errorf("bucket kind %q by TERM", b.Kind)
			}
		}
		if !seenPeriod {
			t.Error("no 2023– period bucket for the 2023–2024 document")
		}
		// The terms with seed evidence, in order (term 3: the 2016 seminars; 4: the kickoff;
		// 5: the 2019 documents; 6: the 2021 items).
		for _, want := range []string{"3", "4", "5", "6"} {
			if !slices.Contains(terms, want) {
				t.Errorf("TERM buckets %v lack term %s", terms, want)
			}
		}
		if !slices.IsSorted(terms) {
			t.Errorf("terms out of order: %v", terms)
		}

		years := map[string]int{}
		for _, b := range data.Year {
			if b.Kind == "YEAR" {
				if b.Label != b.Key || b.StartYear == nil || fmt.Sprint(*b.StartYear) != b.Key {
					t.Errorf("year bucket %+v", b)
				}
				years[b.Key] += b.Documents
			}
		}
		// 2019 is known only from documents (the blog and the Puumala decision).
		if years["2019"] == 0 || years["2023"] != themes2023 {
			t.Errorf("documents by year = %v, want some in 2019 and the 2023 programme's %d themes in 2023", years, themes2023)
		}

		for _, b := range data.Region {
			switch {
			case b.Kind == "REGION" && len(b.Key) == 2 && b.GroupID != nil && strings.HasPrefix(*b.GroupID, "rg"):
			case b.Kind == "NONE" && b.Key == "" && b.Label == "(no region)":
			default:
				t.Errorf("region bucket %+v: want the two-digit code with the region's ID", b)
			}
			if b.Documents != 0 {
				t.Errorf("documents counted by region: %+v", b)
			}
		}
	})
}
