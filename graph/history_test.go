package graph_test

import (
	"fmt"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
)

// The facts below are counted from shared/seeds/more/INDEX.md and its fact sheets.

// historyPeople are the 12 people of the kickoff and the 25 the other sheets add.
var historyPeople = []string{
	// the kickoff (14.3.2017)
	"Kaija Majoinen", "Jarkko Majava", "Jari Stenvall", "Esa Nieminen", "Päivi Karikumpu", "Timo Halonen",
	"Juha Rostedt", "Lauri Lamminmäki", "Jarmo Asikainen", "Anni Antila", "Hanna Vakkala", "Siv Sandberg",
	// the 25 of INDEX.md
	"Markus Pauni", "Mikko Kenni", "Päivi Kurikka", "Maria Ojakoski", "Maria Ala-Siuru", "Torsti Kirvelä",
	"Elina Laamanen", "Sakari Möttönen", "Anni Vainionpää", "Arto Haveri", "Jenni Airaksinen", "Sinikka Salo",
	"Kirsi Mononen", "Anders Lidström", "Arto Sulonen", "Päivi Rahkonen", "Jukka Alkio", "Vesa Rantala",
	"Silja Ässämäki", "Arto Koski", "Sini Sallinen", "Soile Paahtama", "Kimmo Haapasalo", "Niina Kuuva",
	"Sami Miettinen",
}

// historyMunicipalities are the codes of the 44 distinct municipalities the sheets name:
// the kickoff's 3 and the 41 new ones of INDEX.md.
var historyMunicipalities = []string{
	"535", "491", "398", // Nivala, Mikkeli, Lahti
	"061", "075", "086", "111", "098", "148", "178", "179", "186", "211", "217", "320", "245", "272", "286", "297",
	"305", "400", "408", "433", "434", "543", "564", "609", "615", "623", "636", "684", "687", "694", "698", "734",
	"761", "833", "851", "858", "889", "092", "915", "931", "980",
}

// historyThemes are the 30 new concepts of INDEX.md, one slug each (where a row of the
// index names two concepts, both are themes; one is listed here).
var historyThemes = []string{
	"uuden-sukupolven-johtajien-verkottaminen", "vertaisoppiminen-ja-yhteiskehittaminen", "elava-kuntastrategia",
	"erilaisten-kuntien-rooli-tulevaisuudessa", "eurooppalaisten-kuntien-vertailu", "kuntien-vahva-rooli-uudistusten-jalkeen",
	"henkiloston-ja-asukkaiden-osallistaminen", "kuntien-liikkumavara", "lausuntovalmistelu",
	"maakuntauudistuksen-ennakkovaikutusten-arviointi", "lahipalvelut-ja-turvallisuus", "avoimuus-ja-tiedonkulku",
	"ennaltaehkaisy", "vuorovaikutteinen-ja-osallistava-johtaminen", "tulevaisuuden-mahdollisuudet-ja-riskit",
	"kumppanuudet", "ennakoiva-johtaminen", "tiedolla-johtaminen", "resurssialykkyys", "kukoistava-kunta",
	"kestava-kuntatalous", "kestava-kehitys", "kuntien-vertailutieto", "ennakointi", "kestava-kuntajohtaminen",
	"toimiva-kaksoisjohtaminen", "silta-valtuustokausien-valilla", "poikkihallinnollinen-johtaminen",
	"yhdyspinnoilla-johtaminen", "te-2024-palvelu-uudistus",
}

// kickoffThemes is the number of themes of the kickoff: its 7 workshop themes and the 9
// concepts its fact sheet lists.
const kickoffThemes = 16

// TestHistory checks the network's history (the bundles of shared/seeds/more/) through
// the API: the counts of INDEX.md, a fact from every sheet, the titles a person had over
// the years, and that every outcome and every theme has a source.
func TestHistory(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)

		t.Run("counts against INDEX.md", func(t *testing.T) {
			var data struct {
				People, AllPeople, Places, Linked, Concepts, AllThemes, Seminars page
			}
			mustPost(t, srv, `query($people: [String!], $codes: [String!], $slugs: [String!]) {
			  people: experts(where: {nameIn: $people}) { totalCount }
			  allPeople: experts { totalCount }
			  places: municipalities(where: {codeIn: $codes, or: [{hasTerms: true}, {hasSeminars: true}, {hasOutcomes: true}, {hasExperts: true}, {hasOrganizations: true}]}) { totalCount }
			  linked: municipalities(where: {or: [{hasTerms: true}, {hasSeminars: true}, {hasOutcomes: true}, {hasExperts: true}, {hasOrganizations: true}]}) { totalCount }
			  concepts: themes(where: {slugIn: $slugs}) { totalCount }
			  allThemes: themes { totalCount }
			  seminars(first: 10, orderBy: [{field: DATE}]) { totalCount edges { node { date datePrecision } } }
			}`, map[string]any{"people": historyPeople, "codes": historyMunicipalities, "slugs": historyThemes}, &data)
			for _, c := range []struct {
				what      string
				got, want int
				atLeast   bool
			}{
				{"people of the sheets, one expert each", data.People.TotalCount, 37, false},
				{"experts", data.AllPeople.TotalCount, 37, true},
				{"named municipalities linked to something", data.Places.TotalCount, 44, false},
				{"municipalities linked to something", data.Linked.TotalCount, 44, true},
				{"new concepts of INDEX.md", data.Concepts.TotalCount, 30, false},
				{"themes", data.AllThemes.TotalCount, kickoffThemes + 30, true},
				{"events", data.Seminars.TotalCount, 4, false},
			} {
				if c.got != c.want && (!c.atLeast || c.got < c.want) {
					t.Errorf("%s = %d, want %s%d", c.what, c.got, map[bool]string{true: "at least ", false: ""}[c.atLeast], c.want)
				}
			}
			var totals map[string]page
			mustPost(t, srv, `{ documents { totalCount } organizations { totalCount } experts { totalCount } themes { totalCount }
			  seminars { totalCount } sessions { totalCount } outcomes { totalCount } appearances { totalCount } }`, nil, &totals)
			var summary []string
			for _, f := range []string{"documents", "organizations", "experts", "themes", "seminars", "sessions", "outcomes", "appearances"} {
				summary = append(summary, fmt.Sprintf("%s %d", f, totals[f].TotalCount))
			}
			t.Logf("after the full seed: %s; municipalities linked to something %d", strings.Join(summary, ", "), data.Linked.TotalCount)
			var dates []string
			for _, e := range data.Seminars.Edges {
				dates = append(dates, fmt.Sprint(e.Node["date"], " ", e.Node["datePrecision"]))
			}
			if want := []string{"2016-05-11 DAY", "2016-09-01 MONTH", "2017-03-14 DAY", "2021-01-01 YEAR"}; !slices.Equal(dates, want) {
				t.Errorf("events = %v, want %v", dates, want)
			}
		})

		t.Run("a fact from every sheet", func(t *testing.T) {
			for _, tc := range sheetFacts {
				t.Run(tc.sheet, func(t *testing.T) {
					var data map[string]any
					mustPost(t, srv, tc.query, nil, &data)
					tc.check(t, data)
				})
			}
		})

		t.Run("a person's titles over the years", func(t *testing.T) {
			var data map[string]any
			mustPost(t, srv, `{ experts(where: {name: "Jarkko Majava"}) { edges { node {
			  title titleAsOf organization { name }
			  appearances(first: 10) { totalCount edges { node {
			    role title organization { name }
			    session { seminar { date } } document { publishedOn }
			  } } } } } } }`, nil, &data)
			majava := only(t, data["experts"])
			if got := fmt.Sprint(majava["title"], " | ", majava["titleAsOf"], " | ", dig(majava, "organization", "name")); got != "verkostohankkeen projektipäällikkö | 2021-01-01 | Suomen Kuntaliitto" {
				t.Errorf("person = %s, want the 2021 item's title and organisation", got)
			}
			var got []string
			for _, a := range nodes(majava["appearances"]) {
				when := dig(a, "session", "seminar", "date")
				if when == nil {
					when = dig(a, "document", "publishedOn")
				}
				got = append(got, fmt.Sprintf("%v %v: %v (%v)", when, a["role"], a["title"], dig(a, "organization", "name")))
			}
			sort.Strings(got)
			want := []string{
				"2016-05-11 SPEAKER: USO-projektipäällikkö (<nil>)",
				"2017-03-14 SPEAKER: projektipäällikkö (<nil>)",
				"2019-02-22 AUTHOR: <nil> (Suomen Kuntaliitto)",
				"2019-03-25 CONTACT: kehityspäällikkö (Suomen Kuntaliitto)",
				"2021-01-01 MENTIONED: verkostohankkeen projektipäällikkö (Suomen Kuntaliitto)",
			}
			if !slices.Equal(got, want) {
				t.Errorf("appearances =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
		})

		t.Run("no outcome lacks a source", func(t *testing.T) {
			n := 0
			eachNode(t, srv, "outcomes", "text sources { totalCount }", func(o map[string]any) {
				n++
				if c, _ := dig(o, "sources", "totalCount").(float64); c < 1 {
					t.Errorf("outcome %q cites no source", o["text"])
				}
			})
			if n < 26 {
				t.Errorf("%d outcomes, want at least 26", n)
			}
		})

		t.Run("every theme links to a source that discusses it", func(t *testing.T) {
			eachNode(t, srv, "themes", "slug name nameEn documents { totalCount }", func(th map[string]any) {
				if c, _ := dig(th, "documents", "totalCount").(float64); c < 1 {
					t.Errorf("theme %s has no document", th["slug"])
				}
				if s, _ := th["nameEn"].(string); s == "" {
					t.Errorf("theme %s has no English name", th["slug"])
				}
			})
		})
	})
}

// sheetFact is one fact of one fact sheet, asked for through the API.
type sheetFact struct {
	sheet string
	query string
	check func(t *testing.T, data map[string]any)
}

// sheetFacts holds one case per fact sheet of shared/seeds/more/.
var sheetFacts = []sheetFact{
	{
		sheet: "2011-00-00-sitra-uso-hanke",
		query: `{ documents(where: {key: "sitra-uuden-sukupolven-organisaatio-ja-johtaminen-uso"}) { edges { node {
		  publishedOn publisher { name } citedByTerms { totalCount } citedByOrganizations { edges { node { name } } }
		  themes(first: 20) { edges { node { slug } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			d := only(t, data["documents"])
			if d["publishedOn"] != nil || dig(d, "publisher", "name") != "Sitra" || dig(d, "citedByTerms", "totalCount") != 0.0 {
				t.Errorf("Sitra page: published %v by %v, cited by %v terms; want no date, Sitra, no term (the 2011 is an inference)",
					d["publishedOn"], dig(d, "publisher", "name"), dig(d, "citedByTerms", "totalCount"))
			}
			wantContains(t, "organisations it is a source of", names(d["citedByOrganizations"], "name"), "Oy Audiapro Ab")
			wantContains(t, "themes", names(d["themes"], "slug"), "vertaisoppiminen-ja-yhteiskehittaminen")
		},
	},
	{
		sheet: "2013-09-12-fcg-uso2-vauhdissa",
		query: `{ documents(where: {key: "fcg-2013-verkostoprojekti-uso2-vauhdissa"}) { edges { node {
		  publishedOn publishedOnPrecision citedByExperts(first: 20) { edges { node { name } } } } } }
		  networkTerms(where: {number: 2}) { edges { node { municipalityCount themes { edges { node { slug } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			d := only(t, data["documents"])
			if d["publishedOn"] != "2013-09-12" || d["publishedOnPrecision"] != "DAY" {
				t.Errorf("published %v (%v), want 2013-09-12 (DAY)", d["publishedOn"], d["publishedOnPrecision"])
			}
			wantContains(t, "people it names", names(d["citedByExperts"], "name"),
				"Jarmo Asikainen", "Kaija Majoinen", "Maria Ojakoski", "Markus Pauni", "Mikko Kenni", "Päivi Kurikka")
			term := only(t, data["networkTerms"])
			if term["municipalityCount"] != 35.0 {
				t.Errorf("USO2 municipalities = %v, want 35", term["municipalityCount"])
			}
			wantContains(t, "USO2 themes", names(term["themes"], "slug"), "uuden-sukupolven-johtajien-verkottaminen")
		},
	},
	{
		sheet: "2013-00-00-elavan-kuntastrategian-kulmakivet",
		query: `{ documents(where: {key: "kuntaliitto-2013-elavan-kuntastrategian-kulmakivet"}) { edges { node {
		  publishedOn publishedOnPrecision publisher { name }
		  appearances(where: {role: AUTHOR}) { edges { node { role title expert { name } } } }
		  citedByExperts(first: 20) { totalCount } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			d := only(t, data["documents"])
			if d["publishedOn"] != "2013-01-01" || d["publishedOnPrecision"] != "YEAR" || dig(d, "publisher", "name") != "Suomen Kuntaliitto" {
				t.Errorf("published %v (%v) by %v, want 2013 (YEAR) by Suomen Kuntaliitto", d["publishedOn"], d["publishedOnPrecision"], dig(d, "publisher", "name"))
			}
			ap := only(t, d["appearances"])
			if ap["role"] != "AUTHOR" || dig(ap, "expert", "name") != "Markus Pauni" || ap["title"] != nil {
				t.Errorf("authorship = %v, want Markus Pauni as AUTHOR, with no title (the report gives none)", ap)
			}
			if n := dig(d, "citedByExperts", "totalCount"); n != 8.0 {
				t.Errorf("people it names = %v, want 8 (the author and the working group)", n)
			}
		},
	},
	{
		sheet: "2015-00-00-tulevaisuuden-kuntakuvat",
		query: `{ networkTerms(where: {number: 3}) { edges { node {
		  municipalityCount municipalities(first: 50) { totalCount edges { node { name } } }
		  sources { edges { node { key } } } } } }
		  experts(where: {name: "Arto Haveri"}) { edges { node { title organization { name } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			term := only(t, data["networkTerms"])
			if n := dig(term, "municipalities", "totalCount"); n != 30.0 || term["municipalityCount"] != 31.0 {
				t.Errorf("term 3: %v municipalities named, count %v; want the report's 30 and the stated 31", n, term["municipalityCount"])
			}
			wantContains(t, "term 3 municipalities", names(term["municipalities"], "name"), "Hollola", "Kuusamo", "Ylöjärvi")
			wantContains(t, "term 3 sources", names(term["sources"], "key"), "kuntaliitto-2015-tulevaisuuden-kuntakuvat")
			h := only(t, data["experts"])
			if h["title"] != "professori" || dig(h, "organization", "name") != "Tampereen yliopisto" {
				t.Errorf("Arto Haveri = %v, want professori at Tampereen yliopisto", h)
			}
		},
	},
	{
		sheet: "2016-05-11-uso-teemaseminaari-tulevaisuuden-kunta",
		query: `{ seminars(where: {date: "2016-05-11"}) { edges { node {
		  venue datePrecision remoteParticipation term { number }
		  sessions(orderBy: [{field: POSITION}]) { edges { node { position speakers { edges { node { name } } } } } }
		  outcomes(first: 20) { totalCount } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			s := only(t, data["seminars"])
			if s["venue"] != "Kuntatalo" || s["datePrecision"] != "DAY" || s["remoteParticipation"] != true || dig(s, "term", "number") != 3.0 {
				t.Errorf("theme seminar = %v, want Kuntatalo, DAY, remote, term 3", s)
			}
			var speakers []string
			for _, ss := range nodes(s["sessions"]) {
				speakers = append(speakers, names(ss["speakers"], "name")...)
			}
			if want := []string{"Jarkko Majava", "Sinikka Salo", "Kirsi Mononen", "Anders Lidström"}; !slices.Equal(speakers, want) {
				t.Errorf("speakers in programme order = %v, want %v", speakers, want)
			}
			if n := dig(s, "outcomes", "totalCount"); n != 6.0 {
				t.Errorf("outcomes = %v, want 6", n)
			}
		},
	},
	{
		sheet: "2016-09-00-uso-vertaisseminaarit-sote-maakunta",
		query: `{ seminars(where: {date: "2016-09-01"}) { edges { node {
		  datePrecision venue municipalities { edges { node { name } } }
		  sessions(where: {position: 1}) { edges { node { appearances { edges { node { title expert { title } } } } } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			s := only(t, data["seminars"])
			if s["datePrecision"] != "MONTH" || s["venue"] != nil {
				t.Errorf("peer seminars: precision %v, venue %v; want MONTH and no venue", s["datePrecision"], s["venue"])
			}
			if got, want := names(s["municipalities"], "name"), []string{"Hollola", "Jyväskylä", "Laitila", "Taivassalo"}; !slices.Equal(got, want) {
				t.Errorf("municipalities = %v, want %v", got, want)
			}
			ap := only(t, only(t, s["sessions"])["appearances"])
			if ap["title"] != "tutkimus- ja kehityspäällikkö" || dig(ap, "expert", "title") != "kehitys- ja tutkimusjohtaja" {
				t.Errorf("Majoinen opening: %v, want the 2016 title on the appearance and the 2017 one on the person", ap)
			}
		},
	},
	{
		sheet: "2017-00-00-uso-verkosto-tukee-kuntia",
		query: `{ documents(where: {key: "kuntaliitto-2017-uso-verkosto-tukee-kuntia"}) { edges { node {
		  publishedOnPrecision citedByTerms { edges { node { number } } } themes(first: 20) { edges { node { slug } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			d := only(t, data["documents"])
			if d["publishedOnPrecision"] != "YEAR" {
				t.Errorf("precision = %v, want YEAR", d["publishedOnPrecision"])
			}
			if terms := nodes(d["citedByTerms"]); len(terms) != 1 || terms[0]["number"] != 4.0 {
				t.Errorf("terms it is a source of = %v, want term 4", terms)
			}
			wantContains(t, "themes", names(d["themes"], "slug"), "muutosten-johtaminen", "kuntastrategia-ja-strateginen-johtaminen")
		},
	},
	{
		sheet: "2017-00-00-elava-kuntastrategia-video",
		query: `{ themes(where: {slug: "elava-kuntastrategia"}) { edges { node {
		  parent { slug } documents { edges { node { key publishedOn } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			th := only(t, data["themes"])
			if dig(th, "parent", "slug") != "kuntastrategia-ja-strateginen-johtaminen" {
				t.Errorf("parent = %v, want the kickoff's municipal-strategy theme", th["parent"])
			}
			if got, want := names(th["documents"], "key"), []string{"kuntaliitto-2013-elavan-kuntastrategian-kulmakivet", "kuntaliitto-2017-elava-kuntastrategia-video-julkaistu"}; !slices.Equal(got, want) {
				t.Errorf("documents = %v, want %v", got, want)
			}
		},
	},
	{
		sheet: "2017-00-00-kommunforbundet-uso4",
		query: `{ experts(where: {name: "Kimmo Haapasalo"}) { edges { node { title titleAsOf organization { name } } } }
		  networkTerms(where: {number: 4}) { edges { node { municipalities { totalCount } themes(first: 20) { edges { node { slug } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			k := only(t, data["experts"])
			if k["title"] != "projektledare" || k["titleAsOf"] != nil || dig(k, "organization", "name") != "FCG Konsultointi Oy" {
				t.Errorf("Kimmo Haapasalo = %v, want projektledare (undated) at FCG Konsultointi Oy", k)
			}
			term := only(t, data["networkTerms"])
			if n := dig(term, "municipalities", "totalCount"); n != 29.0 {
				t.Errorf("term 4 municipalities = %v, want 29", n)
			}
			wantContains(t, "term 4 themes", names(term["themes"], "slug"), "kumppanuudet", "tulevaisuuden-mahdollisuudet-ja-riskit")
		},
	},
	{
		sheet: "2019-02-22-majava-blogi-uso5",
		query: `{ documents(where: {key: "kuntaliitto-2019-verkostomaisella-kehittamisella-vaikuttavia-muutoksia"}) { edges { node {
		  publishedOn appearances { edges { node { role title organization { name } expert { name } } } }
		  themes(first: 20) { edges { node { slug } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			d := only(t, data["documents"])
			ap := only(t, d["appearances"])
			if d["publishedOn"] != "2019-02-22" || dig(ap, "expert", "name") != "Jarkko Majava" || ap["title"] != nil || dig(ap, "organization", "name") != "Suomen Kuntaliitto" {
				t.Errorf("blog %v, authorship %v; want 2019-02-22, Majava with no title, for Suomen Kuntaliitto", d["publishedOn"], ap)
			}
			wantContains(t, "themes", names(d["themes"], "slug"), "kestava-kuntatalous", "resurssialykkyys", "kukoistava-kunta")
		},
	},
	{
		sheet: "2019-03-25-puumala-kh-uso5",
		query: `{ networkTerms(where: {number: 5}) { edges { node { municipalities { edges { node { name } } } } } }
		  experts(where: {name: "Niina Kuuva"}) { edges { node { title titleAsOf municipality { name } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			got := names(only(t, data["networkTerms"])["municipalities"], "name")
			if want := []string{"Inari", "Juva", "Kangasala", "Rovaniemi", "Salo", "Utajärvi"}; !slices.Equal(got, want) {
				t.Errorf("term 5 municipalities = %v, want %v (not Puumala: its decision was not seen)", got, want)
			}
			k := only(t, data["experts"])
			if k["title"] != "vs. kunnanjohtaja" || k["titleAsOf"] != "2019-03-25" || dig(k, "municipality", "name") != "Puumala" {
				t.Errorf("Niina Kuuva = %v", k)
			}
		},
	},
	{
		sheet: "2021-00-00-kestavat-kunnat-2030-ennakointi",
		query: `{ seminars(where: {title: "Kestävä kehitys -ennakointiprosessi"}) { edges { node {
		  date datePrecision municipalityCount term { number } organizers { edges { node { name } } }
		  outcomes { edges { node { text sources { edges { node { key } } } } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			s := only(t, data["seminars"])
			if s["date"] != "2021-01-01" || s["datePrecision"] != "YEAR" || s["municipalityCount"] != 34.0 || s["term"] != nil {
				t.Errorf("foresight = %v, want 2021 (YEAR), 34 municipalities, no term", s)
			}
			wantContains(t, "organisers", names(s["organizers"], "name"), "Suomen Kuntaliitto")
			for _, o := range nodes(s["outcomes"]) {
				keys := names(o["sources"], "key")
				text, _ := o["text"].(string)
				supplement := strings.HasPrefix(text, "Supplement")
				if supplement == slices.Contains(keys, "kuntaliitto-2021-ennakoinnin-avulla-kohti-tulevaisuuden-kestavia-kuntia") {
					t.Errorf("outcome %q cites %v: a supplement must cite only its own source, a fact the item", text, keys)
				}
			}
		},
	},
	{
		sheet: "2021-00-00-uso-verkostoon-paasee-viela-mukaan",
		query: `{ documents(where: {key: "kuntaliitto-2021-uso-verkostoon-paasee-viela-mukaan"}) { edges { node {
		  citedByExperts { edges { node { name title } } } themes(first: 20) { edges { node { slug } } } } } } }`,
		check: func(t *testing.T, data map[string]any) {
			d := only(t, data["documents"])
			var majava map[string]any
			for _, e := range nodes(d["citedByExperts"]) {
				if e["name"] == "Jarkko Majava" {
					majava = e
				}
			}
			if majava == nil || majava["title"] != "verkostohankkeen projektipäällikkö" {
				t.Errorf("Majava as the item names him = %v", majava)
			}
			wantContains(t, "themes", names(d["themes"], "slug"), "kestava-kuntajohtaminen", "silta-valtuustokausien-valilla")
		},
	},
	{
		sheet: "2021-00-00-kuntaliitto-uso-verkkosivu",
		query: `{ v2021: documents(where: {key: "kuntaliitto-uuden-sukupolven-organisaatiot"}) { edges { node { themes(first: 30) { edges { node { slug } } } } } }
		  v2023: documents(where: {key: "kuntaliitto-uuden-sukupolven-organisaatiot-2023-2024"}) { edges { node { themes(first: 30) { edges { node { slug } } } } } }
		  networkTerms(where: {hasNetworkWith: {name: "USO"}}) { totalCount edges { node { number } } } }`,
		check: func(t *testing.T, data map[string]any) {
			v2021, v2023 := names(only(t, data["v2021"])["themes"], "slug"), names(only(t, data["v2023"])["themes"], "slug")
			wantContains(t, "2021–2022 version's themes", v2021, "toimiva-kaksoisjohtaminen", "kestava-kuntajohtaminen")
			wantContains(t, "2023–2024 version's themes", v2023, "poikkihallinnollinen-johtaminen", "yhdyspinnoilla-johtaminen", "te-2024-palvelu-uudistus")
			for _, slug := range []string{"poikkihallinnollinen-johtaminen", "yhdyspinnoilla-johtaminen", "te-2024-palvelu-uudistus", "uudistuvien-kuntien-johtaminen"} {
				if slices.Contains(v2021, slug) {
					t.Errorf("the 2021–2022 version discusses %s, a theme of the 2023–2024 version only", slug)
				}
			}
			if slices.Contains(v2023, "toimiva-kaksoisjohtaminen") {
				t.Errorf("the 2023–2024 version discusses dual leadership, a theme of the 2021–2022 version only")
			}
			var numbers []float64
			for _, n := range nodes(data["networkTerms"]) {
				numbers = append(numbers, n["number"].(float64))
			}
			slices.Sort(numbers)
			if !slices.Equal(numbers, []float64{1, 2, 3, 4, 5, 6}) {
				t.Errorf("USO terms = %v, want 1–6 (a 7th term is an inference)", numbers)
			}
		},
	},
}

// eachNode pages through a top-level connection, 100 at a time, and calls fn on each node.
func eachNode(t *testing.T, srv *httptest.Server, field, selection string, fn func(map[string]any)) {
	t.Helper()
	var after any
	for {
		var data map[string]page
		mustPost(t, srv, `query($after: Cursor) { `+field+`(first: 100, after: $after) {
		  pageInfo { hasNextPage endCursor } edges { node { `+selection+` } } } }`, map[string]any{"after": after}, &data)
		p := data[field]
		for _, e := range p.Edges {
			fn(e.Node)
		}
		if !p.PageInfo.HasNextPage {
			return
		}
		after = p.PageInfo.EndCursor
	}
}

// nodes returns the nodes of a connection decoded as a map.
func nodes(conn any) []map[string]any {
	m, _ := conn.(map[string]any)
	edges, _ := m["edges"].([]any)
	out := make([]map[string]any, 0, len(edges))
	for _, e := range edges {
		n, _ := e.(map[string]any)["node"].(map[string]any)
		out = append(out, n)
	}
	return out
}

// only returns the single node of a connection, failing the test otherwise.
func only(t *testing.T, conn any) map[string]any {
	t.Helper()
	ns := nodes(conn)
	if len(ns) != 1 {
		t.Fatalf("want exactly one node, got %d: %v", len(ns), conn)
	}
	return ns[0]
}

// dig follows object fields; it returns nil where one is missing.
func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// wantContains reports every wanted value missing from got.
func wantContains(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s = %v, want it to contain %q", what, got, w)
		}
	}
}
