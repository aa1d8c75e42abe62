package graph_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/migrate"
	entschema "github.com/teemaverkko/teemaverkko/ent/schema"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// randomText returns n characters drawn at random (seeded, so repeatable): a third of
// them Latin-1 letters such as ä and ö (two bytes in UTF-8), a third from the emoji block
// (four bytes), the rest ASCII; it starts with ä and ends with ö.
func randomText(n int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 3))
	out := make([]rune, n)
	for i := range out {
		switch r.IntN(3) {
		case 0:
			out[i] = rune(0x1F300 + r.IntN(0x300))
		case 1:
			out[i] = rune(0xC0 + r.IntN(0x40))
		default:
			out[i] = rune("abcdefghijklmnopqrstuvwxyz "[r.IntN(27)])
		}
	}
	out[0], out[n-1] = 'ä', 'ö'
	return string(out)
}

// refs are IDs of seed objects of every type the mutations below refer to.
type refs map[string]string

func seedRefs(t *testing.T, srv *httptest.Server) refs {
	t.Helper()
	var r struct {
		Regions, Municipalities, Ended, Seminars, Networks, NetworkTerms, Experts, Documents, Sessions, Themes, Outcomes, Organizations page
	}
	mustPost(t, srv, `{
	  regions(where: {code: "17"}) { edges { node { id } } }
	  municipalities(where: {code: "535"}) { edges { node { id } } }
	  ended: municipalities(where: {code: "099"}) { edges { node { id } } }
	  seminars(where: {date: "2017-03-14"}) { edges { node { id } } }
	  networks(where: {name: "USO"}) { edges { node { id } } }
	  networkTerms(where: {number: 1}) { edges { node { id } } }
	  experts(where: {name: "Esa Nieminen"}) { edges { node { id } } }
	  documents(where: {key: "kuntaliitto-2017-uso-kickoff-seminar"}) { edges { node { id } } }
	  sessions(where: {position: 1, hasSeminarWith: {date: "2017-03-14"}}) { edges { node { id } } }
	  themes(where: {slug: "valitila"}) { edges { node { id } } }
	  outcomes(first: 1, orderBy: [{field: TEXT}]) { edges { node { id } } }
	  organizations(first: 1, orderBy: [{field: NAME}]) { edges { node { id } } }
	}`, nil, &r)
	id := func(p page) string { return p.Edges[0].Node["id"].(string) }
	return refs{
		"Region": id(r.Regions), "Municipality": id(r.Municipalities), "EndedMunicipality": id(r.Ended), "Seminar": id(r.Seminars), "Network": id(r.Networks),
		"NetworkTerm": id(r.NetworkTerms), "Expert": id(r.Experts), "Document": id(r.Documents), "Session": id(r.Sessions),
		"Theme": id(r.Themes), "Outcome": id(r.Outcomes), "Organization": id(r.Organizations),
	}
}

// baseInputs are valid create inputs of every type, over seed objects.
func baseInputs(r refs) map[string]map[string]any {
	return map[string]map[string]any{
		"Region":             {"code": "98", "name": "Rajamaakunta", "nameSv": "Gränslandskap"},
		"Municipality":       {"code": "997", "name": "Rajakunta", "nameSv": "Gränskommun", "regionID": r["Region"]},
		"MunicipalityPeriod": {"name": "Rajakunta", "nameSv": "Gränskommun", "municipalityID": r["EndedMunicipality"], "regionID": r["Region"], "validFrom": "2030-01-01"},
		"Organization":       {"name": "Rajajärjestö", "kind": "ASSOCIATION"},
		"Expert":             {"name": "Raja Henkilö"},
		"Network":            {"name": "Rajaverkosto"},
		"NetworkTerm":        {"number": 9, "startYear": 2027, "networkID": r["Network"]},
		"Seminar":            {"title": "Rajaseminaari", "date": "2027-05-01"},
		"Session":            {"kind": "CLOSING", "position": 99, "title": "Päätös", "seminarID": r["Seminar"]},
		"Theme":              {"slug": "raja-teema", "name": "Rajateema"},
		"Outcome":            {"kind": "RECOMMENDATION", "text": "A test outcome.", "seminarID": r["Seminar"], "sourceIDs": []string{r["Document"]}},
		"Document":           {"key": "raja-dokumentti", "title": "Raja", "kind": "MEMO"},
		"Appearance":         {"role": "SPEAKER", "expertID": r["Expert"], "sessionID": r["Session"]},
		"TermMembership":     {"status": "MEMBER", "termID": r["NetworkTerm"], "municipalityID": r["Municipality"], "sourceID": r["Document"]},
	}
}

func with(base map[string]any, k string, v any) map[string]any {
	in := maps.Clone(base)
	in[k] = v
	return in
}

func createOp(typ string) string {
	return fmt.Sprintf(`mutation($in: Create%sInput!) { create%s(input: $in) { id } }`, typ, typ)
}

func updateOp(typ string) string {
	return fmt.Sprintf(`mutation($id: ID!, $in: Update%sInput!) { update%s(id: $id, input: $in) { id } }`, typ, typ)
}

// wantError checks that a response is one error with the code and field, a message that
// names the field and contains want, and no database text.
func wantError(t *testing.T, r gqlResponse, code, field, want string) {
	t.Helper()
	if len(r.Errors) != 1 || r.code() != code || r.Errors[0].Extensions["field"] != field {
		t.Errorf("errors = %+v, want one %s on %s", r.Errors, code, field)
		return
	}
	msg := r.Errors[0].Message
	if !strings.HasPrefix(msg, field) || !strings.Contains(msg, want) {
		t.Errorf("message %q, want %q…%q…", msg, field, want)
	}
	for _, leak := range []string{"sql", "SQL", "pq:", "constraint", "ent:", "duplicate key", "violates"} {
		if strings.Contains(msg, leak) {
			t.Errorf("message leaks %q: %s", leak, msg)
		}
	}
}

// rowCounts counts the rows of every table, join tables included.
func rowCounts(t *testing.T, db *database.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tbl := range migrate.Tables {
		var n int
		if err := db.SQL.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+tbl.Name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tbl.Name] = n
	}
	return out
}

// TestStringLimitsThroughTheAPI checks every string field of every type (the class, from
// the schemas' declarations) through create and update on both databases: a value at
// the limit, of letters of two and four bytes, is stored as sent; one character more is
// VALIDATION naming the field, in create and in update, and writes nothing.
func TestStringLimitsThroughTheAPI(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		bases := baseInputs(seedRefs(t, srv))
		types := entschema.Types()
		slices.Sort(types)
		seed := uint64(0)
		for _, typ := range types {
			base := bases[typ]
			if typ == "MunicipalityPeriod" {
				// A municipality's periods share no day: each field's period gets a
				// municipality of its own and a day of its own.
				var m struct{ CreateMunicipality struct{ ID string } }
				mustPost(t, srv, `mutation($r: ID!) { createMunicipality(input: {code: "996", name: "Jaksoton", nameSv: "Utan period", regionID: $r}) { id } }`,
					map[string]any{"r": base["regionID"]}, &m)
				base = with(base, "municipalityID", m.CreateMunicipality.ID)
			}
			// Every object created at a limit is deleted again, so any change is a
			// refused mutation's.
			before := rowCounts(t, db)
			for _, f := range entschema.StringFields(typ) {
				if strings.HasSuffix(f.Name, "_id") || f.Name == "id" {
					continue // IDs: set through edges, checked by TestReferencesNameTheField
				}
				seed++
				field := apierr.FieldName(f.Name)
				base := base
				if typ == "MunicipalityPeriod" {
					day := fmt.Sprintf("2030-01-%02d", seed%28+1)
					base = with(with(base, "validFrom", day), "validTo", day)
				}
				t.Run(typ+"."+field, func(t *testing.T) {
					value := func(n int) any {
						var s string
						switch typ + "." + f.Name {
						case "Theme.slug", "Document.key":
							s = strings.Repeat("a", n)
						case "Document.url":
							s = "https://example.org/" + strings.Repeat("a", n-len("https://example.org/"))
						case "Region.code", "Municipality.code", "Document.language":
							s = strings.Repeat("1", n) // only one too long: the format is shorter
						default:
							s = randomText(n, seed)
						}
						if f.List {
							return []string{s}
						}
						return s
					}
					r := post(t, srv, createOp(typ), map[string]any{"in": with(base, field, value(f.Max+1))}, nil)
					wantError(t, r, "VALIDATION", field, fmt.Sprintf("more than the %d allowed (characters are Unicode code points", f.Max))
					if strings.HasSuffix(f.Name, "code") || f.Name == "language" {
						return
					}
					var created map[string]struct{ ID string }
					at := value(f.Max)
					mustPost(t, srv, createOp(typ), map[string]any{"in": with(base, field, at)}, &created)
					id := created["create"+typ].ID
					var got struct{ Node map[string]any }
					mustPost(t, srv, fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on %s { %s } } }`, typ, field), map[string]any{"id": id}, &got)
					if fmt.Sprint(got.Node[field]) != fmt.Sprint(at) {
						t.Errorf("stored %s differs from the %d characters sent", field, f.Max)
					}
					r = post(t, srv, updateOp(typ), map[string]any{"id": id, "in": map[string]any{field: value(f.Max + 1)}}, nil)
					wantError(t, r, "VALIDATION", field, "characters")
					mustPost(t, srv, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, typ), map[string]any{"id": id}, nil)
				})
			}
			if after := rowCounts(t, db); !maps.Equal(before, after) {
				t.Errorf("%s: refused mutations wrote:\n before %v\n after  %v", typ, before, after)
			}
		}
	})
}

// TestReferencesNameTheField checks every edge of every type's create and update input
// (the class, from ent.EdgeRefs): an ID of another type is VALIDATION and an ID that
// names nothing NOT_FOUND, each naming the input field; neither writes anything.
func TestReferencesNameTheField(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		r := seedRefs(t, srv)
		bases := baseInputs(r)
		inputFields := func(input string) []string {
			var out struct {
				Type struct{ InputFields []struct{ Name string } } `json:"__type"`
			}
			mustPost(t, srv, `query($n: String!) { __type(name: $n) { inputFields { name } } }`, map[string]any{"n": input}, &out)
			var names []string
			for _, f := range out.Type.InputFields {
				names = append(names, f.Name)
			}
			return names
		}
		for _, typ := range slices.Sorted(maps.Keys(ent.EdgeRefs)) {
			t.Run(typ, func(t *testing.T) {
				createFields, updateFields := inputFields("Create"+typ+"Input"), inputFields("Update"+typ+"Input")
				base := bases[typ]
				var created map[string]struct{ ID string }
				mustPost(t, srv, createOp(typ), map[string]any{"in": base}, &created)
				id := created["create"+typ].ID
				before := rowCounts(t, db)
				names := slices.Sorted(maps.Keys(ent.EdgeRefs[typ]))
				for _, name := range names {
					ref := ent.EdgeRefs[typ][name]
					for _, f := range []string{ref.CreateField} {
						if !slices.Contains(createFields, f) {
							t.Errorf("Create%sInput has no field %s (edge %s)", typ, f, name)
						}
					}
					for _, f := range []string{ref.AddField, ref.RemoveField, ref.ClearField} {
						if f != "" && !slices.Contains(updateFields, f) {
							t.Errorf("Update%sInput has no field %s (edge %s)", typ, f, name)
						}
					}
					other, otherType := r["Theme"], "Theme"
					if ref.Type == "Theme" {
						other, otherType = r["Region"], "Region"
					}
					missing := ref.Prefix + "01ARZ3NDEKTSV4RRFFQ69G5FAV"
					arg := func(id string) any {
						if ref.Unique {
							return id
						}
						return []string{id}
					}
					wrongType := fmt.Sprintf("must be the ID of %s %s, got %s %s ID", article(ref.Type), ref.Type, article(otherType), otherType)
					notFound := fmt.Sprintf("no %s has the ID %s", ref.Type, missing)
					t.Run(name, func(t *testing.T) {
						res := post(t, srv, createOp(typ), map[string]any{"in": with(base, ref.CreateField, arg(other))}, nil)
						wantError(t, res, "VALIDATION", ref.CreateField, wrongType)
						res = post(t, srv, createOp(typ), map[string]any{"in": with(base, ref.CreateField, arg(missing))}, nil)
						wantError(t, res, "NOT_FOUND", ref.CreateField, notFound)
						res = post(t, srv, updateOp(typ), map[string]any{"id": id, "in": map[string]any{ref.AddField: arg(other)}}, nil)
						wantError(t, res, "VALIDATION", ref.AddField, wrongType)
						res = post(t, srv, updateOp(typ), map[string]any{"id": id, "in": map[string]any{ref.AddField: arg(missing)}}, nil)
						wantError(t, res, "NOT_FOUND", ref.AddField, notFound)
						if ref.RemoveField != "" {
							res = post(t, srv, updateOp(typ), map[string]any{"id": id, "in": map[string]any{ref.RemoveField: arg(other)}}, nil)
							wantError(t, res, "VALIDATION", ref.RemoveField, wrongType)
						}
					})
				}
				if after := rowCounts(t, db); !maps.Equal(before, after) {
					t.Errorf("refused mutations wrote:\n before %v\n after  %v", before, after)
				}
				mustPost(t, srv, fmt.Sprintf(`mutation($id: ID!) { delete%s(id: $id) }`, typ), map[string]any{"id": id}, nil)
			})
		}

		t.Run("the review's examples", func(t *testing.T) {
			for _, tc := range []struct {
				name, query string
				vars        map[string]any
				code, field string
				message     string
			}{
				{"a Theme ID as seminarID", `mutation($t: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "X", seminarID: $t, sourceIDs: [$d]}) { id } }`,
					map[string]any{"t": r["Theme"], "d": r["Document"]}, "VALIDATION", "seminarID", "seminarID: must be the ID of a Seminar, got a Theme ID"},
				{"an Expert ID in themeIDs", `mutation($s: ID!, $e: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "X", seminarID: $s, themeIDs: [$e], sourceIDs: [$d]}) { id } }`,
					map[string]any{"s": r["Seminar"], "e": r["Expert"], "d": r["Document"]}, "VALIDATION", "themeIDs", "themeIDs: must be the ID of a Theme, got an Expert ID"},
				{"a seminar that does not exist", `mutation($d: ID!) { createOutcome(input: {kind: INSIGHT, text: "X", seminarID: "se01ARZ3NDEKTSV4RRFFQ69G5FAV", sourceIDs: [$d]}) { id } }`,
					map[string]any{"d": r["Document"]}, "NOT_FOUND", "seminarID", "seminarID: no Seminar has the ID se01ARZ3NDEKTSV4RRFFQ69G5FAV"},
				{"an ID of no type", `mutation($o: ID!) { updateOutcome(id: $o, input: {addThemeIDs: ["zz01ARZ3NDEKTSV4RRFFQ69G5FAV"]}) { id } }`,
					map[string]any{"o": r["Outcome"]}, "VALIDATION", "addThemeIDs", "addThemeIDs: must be the ID of a Theme, got an ID of no known type"},
				{"one of several missing", `mutation($o: ID!, $t: ID!) { updateOutcome(id: $o, input: {addThemeIDs: [$t, "th01ARZ3NDEKTSV4RRFFQ69G5FAV"]}) { id } }`,
					map[string]any{"o": r["Outcome"], "t": r["Theme"]}, "NOT_FOUND", "addThemeIDs", "addThemeIDs: no Theme has the ID th01ARZ3NDEKTSV4RRFFQ69G5FAV"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					before := rowCounts(t, db)
					res := post(t, srv, tc.query, tc.vars, nil)
					wantError(t, res, tc.code, tc.field, tc.message)
					if res.Errors[0].Message != tc.message {
						t.Errorf("message %q, want %q", res.Errors[0].Message, tc.message)
					}
					if after := rowCounts(t, db); !maps.Equal(before, after) {
						t.Errorf("a refused mutation wrote")
					}
				})
			}
		})
	})
}

func article(typ string) string {
	if strings.ContainsRune("AEIOU", rune(typ[0])) {
		return "an"
	}
	return "a"
}

// TestOutcomeNeedsASource checks the rule both ways in: the API refuses an outcome
// without a source (on create, and an update that would leave none), and so does
// importBundle, at the outcome's place.
func TestOutcomeNeedsASource(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		r := seedRefs(t, srv)
		var docs struct{ Documents page }
		mustPost(t, srv, `{ documents(first: 2, orderBy: [{field: KEY}]) { edges { node { id } } } }`, nil, &docs)
		d1, d2 := docs.Documents.Edges[0].Node["id"].(string), docs.Documents.Edges[1].Node["id"].(string)
		before := rowCounts(t, db)
		for _, tc := range []struct{ name, sources string }{{"no sourceIDs", ""}, {"empty sourceIDs", ", sourceIDs: []"}} {
			res := post(t, srv, `mutation($s: ID!) { createOutcome(input: {kind: INSIGHT, text: "Unsourced."`+tc.sources+`, seminarID: $s}) { id } }`, map[string]any{"s": r["Seminar"]}, nil)
			wantError(t, res, "VALIDATION", "sourceIDs", "an outcome must cite at least one source")
		}
		if after := rowCounts(t, db); !maps.Equal(before, after) {
			t.Errorf("a refused create wrote")
		}

		var created struct{ CreateOutcome struct{ ID string } }
		mustPost(t, srv, `mutation($s: ID!, $d: ID!) { createOutcome(input: {kind: INSIGHT, text: "Sourced.", seminarID: $s, sourceIDs: [$d]}) { id } }`,
			map[string]any{"s": r["Seminar"], "d": d1}, &created)
		id := created.CreateOutcome.ID
		sources := func() []string {
			var out struct{ Node struct{ Sources page } }
			mustPost(t, srv, `query($id: ID!) { node(id: $id) { ... on Outcome { sources { edges { node { id } } } } } }`, map[string]any{"id": id}, &out)
			return out.Node.Sources.strings("id")
		}
		for _, tc := range []struct{ name, input, field string }{
			{"clearSources", `{clearSources: true}`, "clearSources"},
			{"removing the only source", `{removeSourceIDs: ["` + d1 + `"]}`, "removeSourceIDs"},
			{"clearing and adding nothing", `{clearSources: true, addSourceIDs: []}`, "clearSources"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := post(t, srv, `mutation($id: ID!) { updateOutcome(id: $id, input: `+tc.input+`) { id } }`, map[string]any{"id": id}, nil)
				wantError(t, res, "VALIDATION", tc.field, "an outcome must cite at least one source")
				if got := sources(); !slices.Equal(got, []string{d1}) {
					t.Errorf("sources after a refused update = %v", got)
				}
			})
		}
		// Replacing the only source is fine, in either form.
		mustPost(t, srv, `mutation($id: ID!, $a: ID!, $b: ID!) { updateOutcome(id: $id, input: {removeSourceIDs: [$a], addSourceIDs: [$b]}) { id } }`,
			map[string]any{"id": id, "a": d1, "b": d2}, nil)
		mustPost(t, srv, `mutation($id: ID!, $a: ID!) { updateOutcome(id: $id, input: {clearSources: true, addSourceIDs: [$a]}) { id } }`,
			map[string]any{"id": id, "a": d1}, nil)
		if got := sources(); !slices.Equal(got, []string{d1}) {
			t.Errorf("sources = %v, want the one put back", got)
		}

		bad := map[string]any{
			"format": "teemaverkko-bundle", "version": 1,
			"seminars": []any{map[string]any{"title": "Lähteetön", "date": "2018-05",
				"outcomes": []any{map[string]any{"kind": "INSIGHT", "text": "No source.", "sources": []any{}}}}},
		}
		res := post(t, srv, importMutation, map[string]any{"b": bundleJSON(t, bad)}, nil)
		if len(res.Errors) != 1 || res.code() != "VALIDATION" || res.Errors[0].Extensions["path"] != "seminars[0].outcomes[0].sources" ||
			!strings.Contains(res.Errors[0].Message, "an outcome must cite at least one source") {
			t.Errorf("importing an outcome without sources: %+v", res.Errors)
		}
	})
}

// TestImportBundleClientErrors checks that importBundle answers a bundle that is not JSON,
// of several shapes, with BAD_USER_INPUT on the argument and where the problem is; and a
// string past its limit (the review's 3,000-character name) and a URL another document
// has with an error at its place, not INTERNAL.
func TestImportBundleClientErrors(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		for _, tc := range []struct {
			name, bundle string
			line, column int
		}{
			{"empty", "", 1, 1},
			{"cut short", `{"format": "teemaverkko-bundle", "version": 1, "themes": [{"slug": "a"`, 1, 71},
			{"not JSON", "{\n  format: teemaverkko\n}", 2, 3},
			{"trailing comma", `{"format": "teemaverkko-bundle", "version": 1,}`, 1, 47},
			{"two values", `{"format": "teemaverkko-bundle", "version": 1} []`, 1, 48},
			{"byte order mark", "\ufeff{}", 1, 1},
			{"too deep", strings.Repeat("[", 20000), 1, 10001},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := post(t, srv, importMutation, map[string]any{"b": tc.bundle}, nil)
				if len(res.Errors) != 1 || res.code() != "BAD_USER_INPUT" || res.Errors[0].Extensions["field"] != "bundle" {
					t.Fatalf("errors = %+v, want one BAD_USER_INPUT on bundle", res.Errors)
				}
				e := res.Errors[0]
				want := fmt.Sprintf("bundle is not valid JSON: line %d, column %d", tc.line, tc.column)
				if !strings.HasPrefix(e.Message, want) || e.Extensions["line"] != float64(tc.line) || e.Extensions["column"] != float64(tc.column) {
					t.Errorf("error = %q %v, want %q… with line and column", e.Message, e.Extensions, want)
				}
			})
		}
		for _, tc := range []struct{ name, bundle, path string }{
			{"not an object", `[1, 2]`, ""},
			{"null", `null`, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := post(t, srv, importMutation, map[string]any{"b": tc.bundle}, nil)
				if len(res.Errors) != 1 || res.code() != "VALIDATION" || res.Errors[0].Extensions["field"] != "bundle" || res.Errors[0].Extensions["path"] != tc.path {
					t.Errorf("errors = %+v, want one VALIDATION on bundle", res.Errors)
				}
			})
		}

		for _, tc := range []struct {
			name       string
			bundle     map[string]any
			code, path string
			message    string
		}{
			{"a 3,000-character name", map[string]any{"organizations": []any{map[string]any{"name": randomText(3000, 1), "kind": "OTHER"}}},
				"VALIDATION", "organizations[0].name", "is 3000 characters long, more than the 300 allowed"},
			{"a title one past its limit", map[string]any{"documents": []any{map[string]any{"key": "pitka", "title": randomText(entschema.MaxTitleLength+1, 2), "kind": "MEMO"}}},
				"VALIDATION", "documents[0].title", "is 501 characters long"},
			{"a URL another document has", map[string]any{"documents": []any{map[string]any{"key": "toinen", "title": "Toinen", "kind": "MEMO",
				"url": "https://www.fcg.fi/lehti/arkisto/?id=39"}}},
				"CONFLICT", "documents[0].url", `is already the URL of document "fcg-2013-verkostoprojekti-uso2-vauhdissa"`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.bundle["format"], tc.bundle["version"] = "teemaverkko-bundle", 1
				before := rowCounts(t, db)
				res := post(t, srv, importMutation, map[string]any{"b": bundleJSON(t, tc.bundle)}, nil)
				if len(res.Errors) != 1 || res.code() != tc.code || res.Errors[0].Extensions["path"] != tc.path ||
					!strings.Contains(res.Errors[0].Message, tc.message) {
					t.Errorf("errors = %+v, want one %s at %s: …%s…", res.Errors, tc.code, tc.path, tc.message)
				}
				if after := rowCounts(t, db); !maps.Equal(before, after) {
					t.Errorf("a refused import wrote")
				}
			})
		}
	})
}
