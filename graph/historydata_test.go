package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// sheetFactTable is the facts of one fact sheet of shared/seeds/more/ (and of the
// network's facts), asked for with one query: each fact names what it checks, reads one
// value out of the answer and says what it must be.
type sheetFactTable struct {
	sheet string
	query string
	facts []fact
}

// fact is one fact of a sheet: got reads it from the answer; want is the value it must
// have (a string, a number, a bool, nil, or a []string of sorted values).
type fact struct {
	what string
	got  func(data map[string]any) any
	want any
}

// at reads a value along a path of object fields; a connection's only node is "0".
func at(path ...string) func(map[string]any) any {
	return func(data map[string]any) any {
		var v any = data
		for _, p := range path {
			if p == "0" {
				ns := nodes(v)
				if len(ns) != 1 {
					return fmt.Sprintf("%d nodes", len(ns))
				}
				v = ns[0]
				continue
			}
			v = dig(v, p)
		}
		return v
	}
}

// contains reports whether the string at path contains every part.
func contains(path []string, parts ...string) func(map[string]any) any {
	return func(data map[string]any) any {
		s, _ := at(path...)(data).(string)
		for _, p := range parts {
			if !strings.Contains(s, p) {
				return fmt.Sprintf("%q lacks %q", s, p)
			}
		}
		return true
	}
}

// rows renders every node of the connection at path with format over the fields, sorted.
func rows(path []string, format string, fields ...[]string) func(map[string]any) any {
	return func(data map[string]any) any {
		out := []string{}
		for _, n := range nodes(at(path...)(data)) {
			args := make([]any, len(fields))
			for i, f := range fields {
				args[i] = dig(n, f...)
			}
			out = append(out, fmt.Sprintf(format, args...))
		}
		slices.Sort(out)
		return out
	}
}

func p(path ...string) []string { return path }

// appearanceRows renders a document's appearances as "ROLE name: title (organisation)".
func appearanceRows(doc string) func(map[string]any) any {
	return rows(p(doc, "0", "appearances"), "%v %v: %v (%v)", p("role"), p("expert", "name"), p("title"), p("organization", "name"))
}

const appearancesSelection = `appearances(first: 50) { edges { node { role title expert { name } organization { name } } } }`

// sheetFactTables holds at least three facts of every sheet, those the model has a
// structured place for first: documents with their dates, summaries and the roles they
// state; memberships with their source and status; seminars and appearances.
var sheetFactTables = []sheetFactTable{
	{
		sheet: "2011-00-00-sitra-uso-hanke",
		query: `{ d: documents(where: {key: "sitra-uuden-sukupolven-organisaatio-ja-johtaminen-uso"}) { edges { node {
		  publishedOn summary publisher { name } citedByOrganizations { edges { node { name } } } } } } }`,
		facts: []fact{
			{"no year: the 2011 is an inference", at("d", "0", "publishedOn"), nil},
			{"publisher", at("d", "0", "publisher", "name"), "Sitra"},
			{"partners", rows(p("d", "0", "citedByOrganizations"), "%v", p("name")), []string{"Oy Audiapro Ab", "Sitra"}},
			{"working formats: surveys and interviews, a plan per municipality, workshops, peer groups, theme seminars",
				contains(p("d", "0", "summary"), "kyselyillä ja haastatteluilla", "kuntakohtainen kehittämissuunnitelma", "kuntakohtaisia", "kuntavertaisryhmien tapaamisia", "yhteisiä teemaseminaareja"), true},
			{"the final evaluation's finding", contains(p("d", "0", "summary"), "Hankkeen loppuarvioinnin mukaan hanke myös uudisti kuntatyötä", "networked way of working"), true},
		},
	},
	{
		sheet: "2013-09-12-fcg-uso2-vauhdissa",
		query: `{ d: documents(where: {key: "fcg-2013-verkostoprojekti-uso2-vauhdissa"}) { edges { node { publishedOn publishedOnPrecision summary ` + appearancesSelection + ` } } }
		  t: networkTerms(where: {number: 2}) { edges { node { municipalityCount } } } }`,
		facts: []fact{
			{"dated to the day", at("d", "0", "publishedOnPrecision"), "DAY"},
			{"USO2's 35 municipalities", at("t", "0", "municipalityCount"), 35.0},
			{"spring 2013's seminars and workshops, and the team meeting every three weeks",
				contains(p("d", "0", "summary"), "Verkostoseminaareja järjestettiin kevään aikana 5 kertaa", "42 of them", "Tiimi kokoontuu noin 3 viikon välein"), true},
			{"the people it names, with the titles it gives, and those in the photo caption (no titles)", appearanceRows("d"), []string{
				"MENTIONED Jarmo Asikainen: kehitysjohtaja (FCG Konsultointi Oy)",
				"MENTIONED Kaija Majoinen: tutkimus- ja kehitysjohtaja (Suomen Kuntaliitto)",
				"MENTIONED Markus Pauni: USO2-projektipäällikkö (Suomen Kuntaliitto)",
				"PICTURED Maria Ojakoski: <nil> (<nil>)",
				"PICTURED Markus Pauni: <nil> (<nil>)",
				"PICTURED Mikko Kenni: <nil> (<nil>)",
				"PICTURED Päivi Kurikka: <nil> (<nil>)",
			}},
		},
	},
	{
		sheet: "2013-00-00-elavan-kuntastrategian-kulmakivet",
		query: `{ d: documents(where: {key: "kuntaliitto-2013-elavan-kuntastrategian-kulmakivet"}) { edges { node { publishedOn publishedOnPrecision summary ` + appearancesSelection + ` } } } }`,
		facts: []fact{
			{"dated to the year", at("d", "0", "publishedOnPrecision"), "YEAR"},
			{"the author and the working group (työryhmä), without titles", appearanceRows("d"), []string{
				"AUTHOR Markus Pauni: <nil> (<nil>)",
				"WORKING_GROUP Elina Laamanen: <nil> (<nil>)",
				"WORKING_GROUP Jarmo Asikainen: <nil> (<nil>)",
				"WORKING_GROUP Kaija Majoinen: <nil> (<nil>)",
				"WORKING_GROUP Maria Ala-Siuru: <nil> (<nil>)",
				"WORKING_GROUP Maria Ojakoski: <nil> (<nil>)",
				"WORKING_GROUP Markus Pauni: <nil> (<nil>)",
				"WORKING_GROUP Sakari Möttönen: <nil> (<nil>)",
				"WORKING_GROUP Torsti Kirvelä: <nil> (<nil>)",
			}},
			{"published in 2013", at("d", "0", "publishedOn"), "2013-01-01"},
			{"its companion guidebook and its claim", contains(p("d", "0", "summary"), "Elävä kuntastrategia -opaskirja", "ovat muuttumassa"), true},
		},
	},
	{
		sheet: "2015-00-00-tulevaisuuden-kuntakuvat",
		query: `{ d: documents(where: {key: "kuntaliitto-2015-tulevaisuuden-kuntakuvat"}) { edges { node { summary ` + appearancesSelection + ` } } }
		  t: networkTerms(where: {number: 3}) { edges { node { municipalityCount sources { totalCount }
		    memberships(first: 50) { totalCount edges { node { status source { key } } } } } } } }`,
		facts: []fact{
			{"the author and the two who led the analysis, with the titles it gives", appearanceRows("d"), []string{
				"ANALYSIS_LEAD Arto Haveri: professori (Tampereen yliopisto)",
				"ANALYSIS_LEAD Jenni Airaksinen: yliopistonlehtori (Tampereen yliopisto)",
				"AUTHOR Anni Vainionpää: <nil> (<nil>)",
			}},
			{"term 3's 30 named members, all stated by the report", at("t", "0", "memberships", "totalCount"), 30.0},
			{"the statuses and sources of term 3's memberships", func(data map[string]any) any {
				return slices.Compact(rows(p("t", "0", "memberships"), "%v %v", p("status"), p("source", "key"))(data).([]string))
			}, []string{"MEMBER kuntaliitto-2015-tulevaisuuden-kuntakuvat"}},
			{"term 3 cites more documents than the one that names its members", at("t", "0", "sources", "totalCount"), 3.0},
			{"and states 31 municipalities", at("t", "0", "municipalityCount"), 31.0},
			{"the drawn videos of June 2015 and the workshop process", contains(p("d", "0", "summary"), "julkaistiin piirrosvideoina kesäkuussa 2015", "seminaari- ja työpajatyöskentelyprosessina"), true},
		},
	},
	{
		sheet: "2016-05-11-uso-teemaseminaari-tulevaisuuden-kunta",
		query: `{ s: seminars(where: {date: "2016-05-11"}) { edges { node { venue remoteParticipation term { number }
		  sessions { edges { node { appearances { edges { node { title expert { name } organization { name } } } } } } } } } } }`,
		facts: []fact{
			{"venue", at("s", "0", "venue"), "Kuntatalo"},
			{"Lidström took part remotely", at("s", "0", "remoteParticipation"), true},
			{"term", at("s", "0", "term", "number"), 3.0},
			{"the speakers' titles then", func(data map[string]any) any {
				var out []string
				for _, ss := range nodes(at("s", "0", "sessions")(data)) {
					for _, a := range nodes(ss["appearances"]) {
						out = append(out, fmt.Sprintf("%v: %v (%v)", dig(a, "expert", "name"), a["title"], dig(a, "organization", "name")))
					}
				}
				slices.Sort(out)
				return out
			}, []string{
				"Anders Lidström: professori (Umeå universitet)",
				"Jarkko Majava: USO-projektipäällikkö (<nil>)",
				"Kirsi Mononen: johtava lakimies (Suomen Kuntaliitto)",
				"Sinikka Salo: muutosjohtaja (<nil>)",
			}},
		},
	},
	{
		sheet: "2016-09-00-uso-vertaisseminaarit-sote-maakunta",
		query: `{ s: seminars(where: {date: "2016-09-01"}) { edges { node { datePrecision municipalities { totalCount } } } }
		  a: appearances(where: {hasExpertWith: {nameIn: ["Arto Koski", "Sini Sallinen", "Soile Paahtama", "Kaija Majoinen"]}, hasSessionWith: {hasSeminarWith: {date: "2016-09-01"}}}) {
		    edges { node { role title expert { name } } } } }`,
		facts: []fact{
			{"dated to the month", at("s", "0", "datePrecision"), "MONTH"},
			{"four municipalities", at("s", "0", "municipalities", "totalCount"), 4.0},
			{"titles as written (Majoinen's 'päällikkö' kept)", rows(p("a"), "%v %v: %v", p("role"), p("expert", "name"), p("title")), []string{
				"SPEAKER Arto Koski: erityisasiantuntija",
				"SPEAKER Kaija Majoinen: tutkimus- ja kehityspäällikkö",
				"SPEAKER Sini Sallinen: erityisasiantuntija",
				"SPEAKER Soile Paahtama: erityisasiantuntija",
			}},
		},
	},
	{
		sheet: "2017-00-00-uso-verkosto-tukee-kuntia",
		query: `{ d: documents(where: {key: "kuntaliitto-2017-uso-verkosto-tukee-kuntia"}) { edges { node { publishedOnPrecision summary } } }
		  t: networkTerms(where: {number: 4}) { edges { node { description } } } }`,
		facts: []fact{
			{"dated to the year", at("d", "0", "publishedOnPrecision"), "YEAR"},
			{"the planned video and change checklist", contains(p("d", "0", "summary"), "muistilista kuntien muutoksen johtamisen avuksi"), true},
			{"the 28 municipalities 'at the moment'", contains(p("t", "0", "description"), "28 municipalities 'at the moment'"), true},
			{"that the item is later than the kickoff is marked as an inference", contains(p("t", "0", "description"), "(that the 28 came after the kickoff is an inference)"), true},
			{"and not stated as fact", func(data map[string]any) any {
				s, _ := at("t", "0", "description")(data).(string)
				return strings.Contains(s, "later 2017")
			}, false},
		},
	},
	{
		sheet: "2017-00-00-elava-kuntastrategia-video",
		query: `{ d: documents(where: {key: "kuntaliitto-2017-elava-kuntastrategia-video-julkaistu"}) { edges { node { publishedOn publishedOnPrecision summary appearances { totalCount } themes { edges { node { slug } } } } } } }`,
		facts: []fact{
			{"published in 2017", at("d", "0", "publishedOn"), "2017-01-01"},
			{"to the year", at("d", "0", "publishedOnPrecision"), "YEAR"},
			{"names no people", at("d", "0", "appearances", "totalCount"), 0.0},
			{"for new elected officials, on YouTube", contains(p("d", "0", "summary"), "kuntien uudet luottamushenkilöt", "YouTube"), true},
			{"discusses the living municipal strategy", func(data map[string]any) any {
				return slices.Contains(names(at("d", "0", "themes")(data), "slug"), "elava-kuntastrategia")
			}, true},
		},
	},
	{
		sheet: "2017-00-00-kommunforbundet-uso4",
		query: `{ d: documents(where: {key: "kommunforbundet-uso-nya-generationens-organisationer"}) { edges { node { language summary ` + appearancesSelection + ` } } }
		  t: networkTerms(where: {number: 4}) { edges { node { municipalities { totalCount }
		    memberships(first: 50) { totalCount edges { node { status source { key } } } } } } } }`,
		facts: []fact{
			{"in Swedish", at("d", "0", "language"), "sv"},
			{"its seminars 4 times a year and change clinics", contains(p("d", "0", "summary"), "4 gånger årligen", "förändringskliniker"), true},
			{"its contact person, with the title and organisation it gives", appearanceRows("d"), []string{"CONTACT Kimmo Haapasalo: projektledare (FCG Konsultointi Oy)"}},
			{"29 municipalities", at("t", "0", "municipalities", "totalCount"), 29.0},
			{"each a membership the page states", func(data map[string]any) any {
				return slices.Compact(rows(p("t", "0", "memberships"), "%v %v", p("status"), p("source", "key"))(data).([]string))
			}, []string{"MEMBER kommunforbundet-uso-nya-generationens-organisationer"}},
		},
	},
	{
		sheet: "2019-02-22-majava-blogi-uso5",
		query: `{ d: documents(where: {key: "kuntaliitto-2019-verkostomaisella-kehittamisella-vaikuttavia-muutoksia"}) { edges { node { publishedOn summary ` + appearancesSelection + ` } } } }`,
		facts: []fact{
			{"dated to the day", at("d", "0", "publishedOn"), "2019-02-22"},
			{"Majava the author, without a title in the part read", appearanceRows("d"), []string{"AUTHOR Jarkko Majava: <nil> (Suomen Kuntaliitto)"}},
			{"USO's leading idea", contains(p("d", "0", "summary"), "leading idea", "tarjota tietoa ja tukea kuntien johtamisen uudistamiseen"), true},
			{"its central aim", contains(p("d", "0", "summary"), "central aim has been to support municipalities' strategic management"), true},
			{"legitimacy from residents; something new, old, borrowed", contains(p("d", "0", "summary"), "legitimacy from their residents", "jotain uutta, jotain vanhaa ja jotain lainattua"), true},
		},
	},
	{
		sheet: "2019-03-25-puumala-kh-uso5",
		query: `{ d: documents(where: {key: "puumala-kunnanhallitus-2019-03-25-47"}) { edges { node { kind summary ` + appearancesSelection + ` } } }
		  t: networkTerms(where: {number: 5}) { edges { node { memberships { edges { node { status municipality { name } source { key } } } } } } } }`,
		facts: []fact{
			{"minutes", at("d", "0", "kind"), "MEMO"},
			{"the offer and Puumala's fee", contains(p("d", "0", "summary"), "Kahdeksan valtakunnallista tapahtumaa", "9 000 euroa + ALV"), true},
			{"the preparer and the contact persons, with the titles the minutes give", appearanceRows("d"), []string{
				"CONTACT Jarkko Majava: kehityspäällikkö (Suomen Kuntaliitto)",
				"CONTACT Sami Miettinen: toimialajohtaja (FCG)",
				"PREPARER Niina Kuuva: vs. kunnanjohtaja (Puumalan kunta)",
			}},
			{"the municipalities registered for term 5, not members (and not Puumala)", rows(p("t", "0", "memberships"), "%v %v %v", p("status"), p("municipality", "name"), p("source", "key")), []string{
				"REGISTERED Inari puumala-kunnanhallitus-2019-03-25-47",
				"REGISTERED Juva puumala-kunnanhallitus-2019-03-25-47",
				"REGISTERED Kangasala puumala-kunnanhallitus-2019-03-25-47",
				"REGISTERED Rovaniemi puumala-kunnanhallitus-2019-03-25-47",
				"REGISTERED Salo puumala-kunnanhallitus-2019-03-25-47",
				"REGISTERED Utajärvi puumala-kunnanhallitus-2019-03-25-47",
			}},
		},
	},
	{
		sheet: "2021-00-00-kestavat-kunnat-2030-ennakointi",
		query: `{ s: seminars(where: {title: "Kestävä kehitys -ennakointiprosessi"}) { edges { node { datePrecision municipalityCount term { number } } } } }`,
		facts: []fact{
			{"dated to the year", at("s", "0", "datePrecision"), "YEAR"},
			{"34 municipalities", at("s", "0", "municipalityCount"), 34.0},
			{"no term: a related process, not a USO event", at("s", "0", "term"), nil},
		},
	},
	{
		sheet: "2021-00-00-uso-verkostoon-paasee-viela-mukaan",
		query: `{ d: documents(where: {key: "kuntaliitto-2021-uso-verkostoon-paasee-viela-mukaan"}) { edges { node { publishedOnPrecision summary ` + appearancesSelection + ` } } }
		  e: experts(where: {name: "Jarkko Majava"}) { edges { node { title titleAsOf } } } }`,
		facts: []fact{
			{"dated to the year", at("d", "0", "publishedOnPrecision"), "YEAR"},
			{"Majava quoted, with the title it gives", appearanceRows("d"), []string{"MENTIONED Jarkko Majava: verkostohankkeen projektipäällikkö (Suomen Kuntaliitto)"}},
			{"his latest title", at("e", "0", "title"), "verkostohankkeen projektipäällikkö"},
			{"the sixth term and autumn 2021's favourite themes", contains(p("d", "0", "summary"), "kuudennen kerran vuosille 2021–2022", "uuden valtuuston perehdytys"), true},
		},
	},
	{
		sheet: "2021-00-00-kuntaliitto-uso-verkkosivu",
		query: `{ v2021: documents(where: {key: "kuntaliitto-uuden-sukupolven-organisaatiot"}) { edges { node { title publishedOn publishedOnPrecision url summary } } }
		  v2023: documents(where: {key: "kuntaliitto-uuden-sukupolven-organisaatiot-2023-2024"}) { edges { node { title publishedOn publishedOnPrecision url summary } } }
		  n: networks(where: {name: "USO"}) { edges { node { description } } }
		  dual: themes(where: {slug: "toimiva-kaksoisjohtaminen"}) { edges { node { related(first: 60, signals: [DOCUMENT]) { theme { slug } } } } } }`,
		facts: []fact{
			{"the 2021–2022 version, titled as the page", at("v2021", "0", "title"), "Uuden sukupolven organisaatiot"},
			{"dated by its period, to the year", func(data map[string]any) any {
				return fmt.Sprint(at("v2021", "0", "publishedOn")(data), " ", at("v2021", "0", "publishedOnPrecision")(data), ", ",
					at("v2023", "0", "publishedOn")(data), " ", at("v2023", "0", "publishedOnPrecision")(data))
			}, "2021-01-01 YEAR, 2023-01-01 YEAR"},
			{"one address, on the 2021–2022 version", at("v2023", "0", "url"), nil},
			{"the 2021–2022 formats", contains(p("v2021", "0", "summary"), "Kuusi vuorovaikutuksellista seminaaria", "kunta voi käyttää viisi kehittämistyöpajaa"), true},
			{"the 2023–2024 programme: 4 interactive seminars, 4 work seminars, contact-person meetings",
				contains(p("v2023", "0", "summary"), "4 yhteisestä vuorovaikutuksellista seminaarista", "4 kuntien kehittäjien ja yhdyshenkilöiden yhteisestä työseminaarista", "säännöllisistä yhdyshenkilötapaamisista"), true},
			{"the forerunner network, in both versions and the network", func(data map[string]any) any {
				for _, path := range [][]string{{"v2021", "0", "summary"}, {"v2023", "0", "summary"}, {"n", "0", "description"}} {
					if s, _ := at(path...)(data).(string); !strings.Contains(s, "edelläkävijäverkosto, joka elää ajan hermolla ja pyrkii olemaan askeleen edellä") {
						return path
					}
				}
				return true
			}, true},
			{"dual leadership (2021–2022) no longer shares a document with cross-sectoral leadership (2023–2024)", func(data map[string]any) any {
				var related []string
				for _, r := range at("dual", "0", "related")(data).([]any) {
					related = append(related, dig(r, "theme", "slug").(string))
				}
				return slices.Contains(related, "poikkihallinnollinen-johtaminen")
			}, false},
		},
	},
}

// TestHistoryFacts checks the facts of every sheet, at least three each, through the API
// on both databases, and that every one of the 37 people has a role a source states.
func TestHistoryFacts(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)
		for _, tc := range sheetFactTables {
			t.Run(tc.sheet, func(t *testing.T) {
				if len(tc.facts) < 3 {
					t.Errorf("%d facts, want at least 3 per sheet", len(tc.facts))
				}
				var data map[string]any
				mustPost(t, srv, tc.query, nil, &data)
				for _, f := range tc.facts {
					if got := f.got(data); fmt.Sprint(got) != fmt.Sprint(f.want) {
						t.Errorf("%s = %v, want %v", f.what, got, f.want)
					}
				}
			})
		}

		t.Run("every person has a role a source states", func(t *testing.T) {
			n := 0
			eachNode(t, srv, "experts", "name appearances { totalCount }", func(e map[string]any) {
				n++
				if c, _ := dig(e, "appearances", "totalCount").(float64); c < 1 {
					t.Errorf("%v has no appearance: only 'cited by'", e["name"])
				}
			})
			if n != 37 {
				t.Errorf("%d people, want 37", n)
			}
		})

		t.Run("search finds a document by what its summary states", func(t *testing.T) {
			var data struct{ Search page }
			mustPost(t, srv, `{ search(query: "kuntavertaisryhmien tapaamisia", types: [DOCUMENT]) { totalCount edges { node { node { ... on Document { key } } } } } }`, nil, &data)
			var keys []string
			for _, e := range data.Search.Edges {
				keys = append(keys, fmt.Sprint(dig(e.Node, "node", "key")))
			}
			if !slices.Contains(keys, "sitra-uuden-sukupolven-organisaatio-ja-johtaminen-uso") {
				t.Errorf("search for the Sitra page's peer-group meetings found %v, want the Sitra page", keys)
			}
		})

		t.Run("a membership written through the API links its term and municipality", func(t *testing.T) {
			var refs struct{ NetworkTerms, Municipalities, Documents page }
			mustPost(t, srv, `{ networkTerms(where: {number: 1}) { edges { node { id } } }
			  municipalities(where: {code: "535"}) { edges { node { id } } }
			  documents(where: {key: "sitra-uuden-sukupolven-organisaatio-ja-johtaminen-uso"}) { edges { node { id } } } }`, nil, &refs)
			vars := map[string]any{"term": refs.NetworkTerms.Edges[0].Node["id"], "municipality": refs.Municipalities.Edges[0].Node["id"], "doc": refs.Documents.Edges[0].Node["id"]}
			var created map[string]map[string]any
			mustPost(t, srv, `mutation($term: ID!, $municipality: ID!, $doc: ID!) {
			  createTermMembership(input: {status: PILOT, termID: $term, municipalityID: $municipality, sourceID: $doc}) { id } }`, vars, &created)
			var data map[string]any
			mustPost(t, srv, `{ networkTerms(where: {number: 1}) { edges { node { municipalities { edges { node { code } } } memberships { edges { node { status } } } } } } }`, nil, &data)
			term := only(t, data["networkTerms"])
			if got := names(term["municipalities"], "code"); !slices.Equal(got, []string{"535"}) {
				t.Errorf("term 1 municipalities = %v, want the membership's", got)
			}
			mustPost(t, srv, `mutation($id: ID!) { deleteTermMembership(id: $id) }`, map[string]any{"id": created["createTermMembership"]["id"]}, nil)
		})

		t.Run("counts", func(t *testing.T) {
			var data map[string]page
			mustPost(t, srv, `{ documents { totalCount } appearances { totalCount } termMemberships { totalCount }
			  registered: termMemberships(where: {status: REGISTERED}) { totalCount } }`, nil, &data)
			for _, c := range []struct {
				what      string
				got, want int
			}{
				// one per sheet of the seeds, their supplements, and the programme page's second version
				{"documents", data["documents"].TotalCount, 24},
				{"appearances", data["appearances"].TotalCount, 51},
				{"term memberships (term 3: 30, term 4: 29, term 5: 6)", data["termMemberships"].TotalCount, 65},
				{"registered, not members", data["registered"].TotalCount, 6},
			} {
				if c.got != c.want {
					t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
				}
			}
		})
	})
}
