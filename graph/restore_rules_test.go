package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestRestoreKeepsTheRules: a restore writes an object's past state, which may no
// longer fit what was written since. Each case makes legal writes, then restores a
// version that would break a rule the mutations keep; the restore is refused with
// BAD_USER_INPUT on id naming the rule, and writes nothing. The derived date of a
// restored appearance is its seminar's of now, not the one it had then.
func TestRestoreKeepsTheRules(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		ctx := context.Background()
		srv := apiServer(t, client)
		seminars := client.Seminar.Query().Limit(2).IDsX(ctx)
		term := client.NetworkTerm.Query().FirstX(ctx)
		muni := client.Municipality.Query().Where(municipality.Code("020")).OnlyX(ctx)
		id := func(data map[string]any, field string) string {
			t.Helper()
			m, _ := data[field].(map[string]any)
			s, _ := m["id"].(string)
			if s == "" {
				t.Fatalf("%s: no id in %v", field, data)
			}
			return s
		}
		do := func(query string, vars map[string]any) map[string]any {
			t.Helper()
			var out map[string]any
			mustPost(t, srv, query, vars, &out)
			return out
		}

		cases := []struct {
			name    string
			arrange func() (id string, version int64) // the object and the version to restore
			message string
		}{
			{"a theme below its own child", func() (string, int64) {
				a := id(do(`mutation { createTheme(input: {slug: "ra-a", name: "A"}) { id } }`, nil), "createTheme")
				b := id(do(`mutation($a: ID!) { createTheme(input: {slug: "ra-b", name: "B", parentID: $a}) { id } }`, map[string]any{"a": a}), "createTheme")
				v := versionOf(t, srv)
				do(`mutation($b: ID!) { updateTheme(id: $b, input: {clearParent: true}) { id } }`, map[string]any{"b": b})
				do(`mutation($a: ID!, $b: ID!) { updateTheme(id: $a, input: {parentID: $b}) { id } }`, map[string]any{"a": a, "b": b})
				return b, v
			}, "the theme hierarchy would have a cycle"},
			{"an outcome whose one source is gone", func() (string, int64) {
				d1 := id(do(`mutation { createDocument(input: {key: "ra-d1", title: "D1", kind: NEWS_ARTICLE}) { id } }`, nil), "createDocument")
				d2 := id(do(`mutation { createDocument(input: {key: "ra-d2", title: "D2", kind: NEWS_ARTICLE}) { id } }`, nil), "createDocument")
				o := id(do(`mutation($s: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "ra", seminarID: $s, sourceIDs: [$d]}) { id } }`,
					map[string]any{"s": seminars[0], "d": d1}), "createOutcome")
				v := versionOf(t, srv)
				do(`mutation($o: ID!, $d1: ID!, $d2: ID!) { updateOutcome(id: $o, input: {addSourceIDs: [$d2], removeSourceIDs: [$d1]}) { id } }`,
					map[string]any{"o": o, "d1": d1, "d2": d2})
				do(`mutation($d: ID!) { deleteDocument(id: $d) }`, map[string]any{"d": d1})
				return o, v
			}, "would cite no source"},
			{"an outcome whose session moved to another seminar", func() (string, int64) {
				d := id(do(`mutation { createDocument(input: {key: "ra-d3", title: "D3", kind: NEWS_ARTICLE}) { id } }`, nil), "createDocument")
				ss := id(do(`mutation($s: ID!) { createSession(input: {kind: OPENING, position: 99, title: "ra", seminarID: $s}) { id } }`,
					map[string]any{"s": seminars[0]}), "createSession")
				o := id(do(`mutation($s: ID!, $ss: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "ra3", seminarID: $s, sessionID: $ss, sourceIDs: [$d]}) { id } }`,
					map[string]any{"s": seminars[0], "ss": ss, "d": d}), "createOutcome")
				v := versionOf(t, srv)
				do(`mutation($o: ID!) { updateOutcome(id: $o, input: {clearSession: true}) { id } }`, map[string]any{"o": o})
				do(`mutation($ss: ID!, $s: ID!) { updateSession(id: $ss, input: {seminarID: $s}) { id } }`, map[string]any{"ss": ss, "s": seminars[1]})
				return o, v
			}, "in another seminar than its session"},
			{"a membership of a municipality the term let go", func() (string, int64) {
				d := id(do(`mutation { createDocument(input: {key: "ra-d4", title: "D4", kind: NEWS_ARTICLE}) { id } }`, nil), "createDocument")
				do(`mutation($t: ID!, $m: ID!) { updateNetworkTerm(id: $t, input: {addMunicipalityIDs: [$m]}) { id } }`, map[string]any{"t": term.ID, "m": muni.ID})
				m := id(do(`mutation($t: ID!, $m: ID!, $d: ID!) { createTermMembership(input: {status: MEMBER, termID: $t, municipalityID: $m, sourceID: $d}) { id } }`,
					map[string]any{"t": term.ID, "m": muni.ID, "d": d}), "createTermMembership")
				v := versionOf(t, srv)
				do(`mutation($m: ID!) { deleteTermMembership(id: $m) }`, map[string]any{"m": m})
				do(`mutation($t: ID!, $m: ID!) { updateNetworkTerm(id: $t, input: {removeMunicipalityIDs: [$m]}) { id } }`, map[string]any{"t": term.ID, "m": muni.ID})
				return m, v
			}, "which term"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				obj, v := tc.arrange()
				before := exportJSON(t, client)
				r := postAs(t, srv, adminToken, `mutation($id: ID!, $v: Int!) { restore(id: $id, version: $v) { id } }`, map[string]any{"id": obj, "v": v}, nil)
				if r.code() != "BAD_USER_INPUT" {
					t.Fatalf("restore: code %q, want BAD_USER_INPUT (%+v)", r.code(), r.Errors)
				}
				if f, _ := r.Errors[0].Extensions["field"].(string); f != "id" || !strings.Contains(r.Errors[0].Message, tc.message) {
					t.Errorf("restore: field %q, message %q; want id and %q", f, r.Errors[0].Message, tc.message)
				}
				if exportJSON(t, client) != before {
					t.Error("the refused restore wrote something")
				}
			})
		}

		t.Run("an appearance takes its seminar's date of now", func(t *testing.T) {
			s := id(do(`mutation { createSeminar(input: {title: "ra", date: "2020-01-01"}) { id } }`, nil), "createSeminar")
			ss := id(do(`mutation($s: ID!) { createSession(input: {kind: OPENING, position: 1, title: "ra", seminarID: $s}) { id } }`, map[string]any{"s": s}), "createSession")
			e := id(do(`mutation { createExpert(input: {name: "Ra Expert"}) { id } }`, nil), "createExpert")
			ap := id(do(`mutation($e: ID!, $ss: ID!) { createAppearance(input: {role: SPEAKER, expertID: $e, sessionID: $ss}) { id } }`,
				map[string]any{"e": e, "ss": ss}), "createAppearance")
			v := versionOf(t, srv)
			do(`mutation($a: ID!) { deleteAppearance(id: $a) }`, map[string]any{"a": ap})
			do(`mutation($s: ID!) { updateSeminar(id: $s, input: {date: "2021-06-15"}) { id } }`, map[string]any{"s": s})
			var out struct {
				Restore struct{ Date, DatePrecision string }
			}
			mustPost(t, srv, `mutation($id: ID!, $v: Int!) { restore(id: $id, version: $v) { ... on Appearance { date datePrecision } } }`,
				map[string]any{"id": ap, "v": v}, &out)
			if out.Restore.Date != "2021-06-15" || out.Restore.DatePrecision != "DAY" {
				t.Errorf("restored appearance dated %q %q, want its seminar's 2021-06-15 DAY", out.Restore.Date, out.Restore.DatePrecision)
			}
		})
	})
}
