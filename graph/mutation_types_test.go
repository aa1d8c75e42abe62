package graph_test

import (
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// TestEveryTypeCreateUpdateDelete runs the happy path of create, update and delete for
// every type on both databases: each object is created, found by node(id:), changed,
// and deleted, after which node(id:) is null.
func TestEveryTypeCreateUpdateDelete(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		var refs struct{ Regions, Municipalities, Ended, Seminars, Networks, NetworkTerms, Experts, Documents, Sessions page }
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
		}`, nil, &refs)
		id := func(p page) string { return p.Edges[0].Node["id"].(string) }
		vars := map[string]any{
			"region": id(refs.Regions), "municipality": id(refs.Municipalities), "ended": id(refs.Ended), "seminar": id(refs.Seminars),
			"network": id(refs.Networks), "term": id(refs.NetworkTerms), "expert": id(refs.Experts), "document": id(refs.Documents), "session": id(refs.Sessions),
		}
		for _, tc := range []struct {
			typ, create, update, check string
		}{
			{"Region", `{code: "99", name: "Testimaakunta", nameSv: "Testlandskap"}`, `{name: "Toinen"}`, `... on Region { name }`},
			{"Municipality", `{code: "998", name: "Testikunta", nameSv: "Testkommun", regionID: $region}`, `{name: "Toinen"}`, `... on Municipality { name }`},
			{"MunicipalityPeriod", `{name: "Testikunta", nameSv: "Testkommun", municipalityID: $ended, regionID: $region, validFrom: "2030-01-01"}`, `{name: "Toinen"}`, `... on MunicipalityPeriod { name }`},
			{"Organization", `{name: "Testiyhdistys", kind: ASSOCIATION}`, `{name: "Toinen"}`, `... on Organization { name }`},
			{"Expert", `{name: "Testi Henkilö", title: "tutkija"}`, `{name: "Toinen"}`, `... on Expert { name }`},
			{"Network", `{name: "Testiverkosto"}`, `{name: "Toinen"}`, `... on Network { name }`},
			{"NetworkTerm", `{number: 9, startYear: 2027, networkID: $network}`, `{endYear: 2028}`, `... on NetworkTerm { endYear }`},
			{"Seminar", `{title: "Testiseminaari", date: "2027-05-01", venue: "Kuntatalo"}`, `{venue: "Toinen"}`, `... on Seminar { venue }`},
			{"Session", `{kind: CLOSING, position: 99, title: "Päätös", seminarID: $seminar}`, `{title: "Toinen"}`, `... on Session { title }`},
			{"Theme", `{slug: "testiteema", name: "Testiteema"}`, `{name: "Toinen"}`, `... on Theme { name }`},
			{"Outcome", `{kind: RECOMMENDATION, text: "Test outcome.", seminarID: $seminar, sourceIDs: [$document]}`, `{text: "Toinen"}`, `... on Outcome { text }`},
			{"Document", `{key: "testi-dokumentti", title: "Testi", kind: MEMO}`, `{title: "Toinen"}`, `... on Document { title }`},
			{"Appearance", `{role: SPEAKER, title: "puhuja", expertID: $expert, sessionID: $session}`, `{title: "Toinen"}`, `... on Appearance { title }`},
			{"TermMembership", `{status: MEMBER, termID: $term, municipalityID: $municipality, sourceID: $document}`, `{status: REGISTERED}`, `... on TermMembership { status }`},
		} {
			t.Run(tc.typ, func(t *testing.T) {
				var decl []string
				used := map[string]any{}
				for name, v := range vars {
					if strings.Contains(tc.create, "$"+name) {
						decl = append(decl, "$"+name+": ID!")
						used[name] = v
					}
				}
				op := "mutation"
				if len(decl) > 0 {
					op += "(" + strings.Join(decl, ", ") + ")"
				}
				var created map[string]struct{ ID string }
				mustPost(t, srv, op+` { create`+tc.typ+`(input: `+tc.create+`) { id } }`, used, &created)
				newID := created["create"+tc.typ].ID
				if newID == "" {
					t.Fatalf("create%s returned no id", tc.typ)
				}
				var updated map[string]map[string]any
				mustPost(t, srv, `mutation($id: ID!) { update`+tc.typ+`(id: $id, input: `+tc.update+`) { id } }`, map[string]any{"id": newID}, &updated)
				var got struct{ Node map[string]any }
				mustPost(t, srv, `query($id: ID!) { node(id: $id) { __typename `+tc.check+` } }`, map[string]any{"id": newID}, &got)
				if got.Node["__typename"] != tc.typ {
					t.Fatalf("node = %v", got.Node)
				}
				changed := false
				for k, v := range got.Node {
					if k != "__typename" && (v == "Toinen" || v == float64(2028) || v == "REGISTERED") {
						changed = true
					}
				}
				if !changed {
					t.Errorf("update%s did not change the field: %v", tc.typ, got.Node)
				}
				mustPost(t, srv, `mutation($id: ID!) { delete`+tc.typ+`(id: $id) }`, map[string]any{"id": newID}, nil)
				got.Node = nil
				mustPost(t, srv, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": newID}, &got)
				if got.Node != nil {
					t.Errorf("%s still there after delete", tc.typ)
				}
			})
		}
	})
}
