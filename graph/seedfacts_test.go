package graph_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sort"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

const articleURL = "https://www.kuntaliitto.fi/ajankohtaista/2017/uso-verkoston-kaynnistysseminaari-1432017"

// names returns the "name" of every node of a connection decoded as a map.
func names(conn any, field string) []string {
	m, _ := conn.(map[string]any)
	edges, _ := m["edges"].([]any)
	var out []string
	for _, e := range edges {
		n := e.(map[string]any)["node"].(map[string]any)
		s, _ := n[field].(string)
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestSeedFacts checks the seminar's facts through the API, as a user would ask for them.
func TestSeedFacts(t *testing.T) {
	eachSeeded(t, func(t *testing.T, db *database.DB, client *ent.Client) {
		srv := apiServer(t, client)

		t.Run("the event", func(t *testing.T) {
			var data struct {
				Seminars struct {
					Edges []struct {
						Node struct {
							Title, Date, Venue, DatePrecision string
							MunicipalityCount, AttendeeCount  int
							AttendeeCountApproximate          bool
							RemoteParticipation               *bool
							Term                              struct {
								Number, StartYear, EndYear int
								Network                    struct{ Name string }
							}
							Municipalities map[string]any
							Sources        map[string]any
						}
					}
				}
			}
			mustPost(t, srv, `{ seminars(where: {date: "2017-03-14"}) { edges { node {
			  title date datePrecision venue municipalityCount attendeeCount attendeeCountApproximate remoteParticipation
			  term { number startYear endYear network { name } }
			  municipalities { edges { node { name } } }
			  sources { edges { node { url } } } } } } }`, nil, &data)
			if len(data.Seminars.Edges) != 1 {
				t.Fatalf("want one seminar on 2017-03-14, got %d", len(data.Seminars.Edges))
			}
			s := data.Seminars.Edges[0].Node
			if s.Date != "2017-03-14" || s.DatePrecision != "DAY" || s.Venue != "Kuntatalo" || s.MunicipalityCount != 26 ||
				s.AttendeeCount != 100 || !s.AttendeeCountApproximate || s.RemoteParticipation == nil || !*s.RemoteParticipation {
				t.Errorf("event = %+v", s)
			}
			if s.Term.Number != 4 || s.Term.StartYear != 2017 || s.Term.EndYear != 2018 || s.Term.Network.Name != "USO" {
				t.Errorf("term = %+v", s.Term)
			}
			if got, want := names(s.Municipalities, "name"), []string{"Lahti", "Mikkeli", "Nivala"}; !slices.Equal(got, want) {
				t.Errorf("municipalities = %v, want %v", got, want)
			}
			if got := names(s.Sources, "url"); !slices.Contains(got, articleURL) {
				t.Errorf("sources = %v, want the article", got)
			}
		})

		t.Run("the panel's moderator and speakers", func(t *testing.T) {
			var data struct{ Sessions page }
			mustPost(t, srv, `{ sessions(where: {kind: PANEL}) { edges { node {
			  moderators { edges { node { name title organization { name } } } }
			  speakers { edges { node { name municipality { name } } } } } } } }`, nil, &data)
			if len(data.Sessions.Edges) != 1 {
				t.Fatalf("want one panel, got %d", len(data.Sessions.Edges))
			}
			n := data.Sessions.Edges[0].Node
			if got := names(n["moderators"], "name"); !slices.Equal(got, []string{"Esa Nieminen"}) {
				t.Errorf("moderators = %v, want Esa Nieminen", got)
			}
			if got, want := names(n["speakers"], "name"), []string{"Juha Rostedt", "Päivi Karikumpu", "Timo Halonen"}; !slices.Equal(got, want) {
				t.Errorf("panelists = %v, want %v", got, want)
			}
		})

		t.Run("the research report's authors", func(t *testing.T) {
			var data struct{ Documents page }
			mustPost(t, srv, `{ documents(where: {kind: RESEARCH_REPORT}) { edges { node { title authors { edges { node { name } } } } } } }`, nil, &data)
			if len(data.Documents.Edges) != 1 {
				t.Fatalf("want one research report, got %d", len(data.Documents.Edges))
			}
			if got, want := names(data.Documents.Edges[0].Node["authors"], "name"), []string{"Hanna Vakkala", "Jari Stenvall", "Siv Sandberg"}; !slices.Equal(got, want) {
				t.Errorf("authors = %v, want %v", got, want)
			}
		})

		t.Run("the workshop's themes and questions", func(t *testing.T) {
			var data struct{ Sessions page }
			mustPost(t, srv, `{ sessions(where: {kind: WORKSHOP}) { edges { node { questions themes { totalCount edges { node { name nameEn } } } } } } }`, nil, &data)
			n := data.Sessions.Edges[0].Node
			want := []string{
				"Konsernijohtaminen",
				"Kuntastrategia ja strateginen johtaminen",
				"Luottamushenkilötyön ja -johtamisen kehittäminen",
				"Muutosten johtaminen välitilassa",
				"Organisaatiorakenteet ja johtamisjärjestelmät",
				"Yhdyspinnat kunta – maakunta",
				"Yhteisöllisyys, osallisuus ja verkostojohtaminen",
			}
			if got := names(n["themes"], "name"); !slices.Equal(got, want) {
				t.Errorf("workshop themes = %v, want %v", got, want)
			}
			if qs, _ := n["questions"].([]any); len(qs) != 3 {
				t.Errorf("questions = %v, want 3", n["questions"])
			}
		})

		t.Run("who reviewed the results", func(t *testing.T) {
			var data struct{ Sessions page }
			mustPost(t, srv, `{ sessions(where: {kind: REVIEW}) { edges { node { speakers { edges { node { name } } } } } } }`, nil, &data)
			if got, want := names(data.Sessions.Edges[0].Node["speakers"], "name"), []string{"Anni Antila", "Jarmo Asikainen"}; !slices.Equal(got, want) {
				t.Errorf("reviewers = %v, want %v", got, want)
			}
		})

		t.Run("the organisation each speaker represents", func(t *testing.T) {
			var data struct{ Experts page }
			mustPost(t, srv, `{ experts(first: 100) { edges { node { name title organization { name } } } } }`, nil, &data)
			want := map[string]string{
				"Kaija Majoinen":   "Suomen Kuntaliitto",
				"Jari Stenvall":    "Tampereen yliopisto",
				"Esa Nieminen":     "Suomen Kuntaliitto",
				"Päivi Karikumpu":  "Nivalan kaupunki",
				"Timo Halonen":     "Mikkelin kaupunki",
				"Juha Rostedt":     "Lahden kaupunki",
				"Lauri Lamminmäki": "Suomen Kuntaliitto",
				"Jarmo Asikainen":  "FCG",
				"Anni Antila":      "",
				"Hanna Vakkala":    "",
				"Siv Sandberg":     "",
			}
			got := map[string]string{}
			for _, e := range data.Experts.Edges {
				org, _ := e.Node["organization"].(map[string]any)
				name, _ := org["name"].(string)
				got[e.Node["name"].(string)] = name
			}
			for person, org := range want {
				if o, ok := got[person]; !ok || o != org {
					t.Errorf("%s: organisation %q (present %v), want %q", person, o, ok, org)
				}
			}
		})

		t.Run("every insight of the kickoff cites the article", func(t *testing.T) {
			var data struct{ Outcomes page }
			mustPost(t, srv, `{ outcomes(where: {kind: INSIGHT, hasSeminarWith: {date: "2017-03-14"}}, first: 100) { totalCount edges { node { text quote sources { edges { node { url } } } } } } }`, nil, &data)
			if data.Outcomes.TotalCount < 10 {
				t.Errorf("insights = %d, want at least 10", data.Outcomes.TotalCount)
			}
			for _, e := range data.Outcomes.Edges {
				if !slices.Contains(names(e.Node["sources"], "url"), articleURL) {
					t.Errorf("insight %q does not cite the article", e.Node["text"])
				}
				if q, _ := e.Node["quote"].(string); q == "" {
					t.Errorf("insight %q has no Finnish quote", e.Node["text"])
				}
			}
		})

		t.Run("the network's fourth term", func(t *testing.T) {
			var data struct{ NetworkTerms page }
			mustPost(t, srv, `{ networkTerms(where: {number: 4}) { edges { node { startYear endYear municipalities { totalCount } sources { totalCount } } } } }`, nil, &data)
			n := data.NetworkTerms.Edges[0].Node
			if n["startYear"].(float64) != 2017 || n["endYear"].(float64) != 2018 {
				t.Errorf("term 4 years = %v–%v", n["startYear"], n["endYear"])
			}
			if c := n["municipalities"].(map[string]any)["totalCount"].(float64); c != 29 {
				t.Errorf("term 4 municipalities = %v, want the 29 the Swedish page names", c)
			}
			if c := n["sources"].(map[string]any)["totalCount"].(float64); c < 1 {
				t.Errorf("term 4 cites no source")
			}
		})
	})
}

// TestReseedIsIdempotent checks that loading the seed again neither duplicates nor loses
// anything, and keeps every ID.
func TestReseedIsIdempotent(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := seed.Run(ctx, client, logger); err != nil {
			t.Fatalf("first seed: %v", err)
		}
		before := snapshot(ctx, t, client)
		counted, c := countingClient(db)
		if err := seed.Run(ctx, counted, logger); err != nil {
			t.Fatalf("second seed: %v", err)
		}
		after := snapshot(ctx, t, client)
		if !slices.Equal(before, after) {
			t.Errorf("re-seeding changed the knowledge base:\nbefore %v\nafter  %v", before, after)
		}
		if c.value() == 0 {
			t.Errorf("second seed ran no statements: nothing was checked")
		}
	})
}

// snapshot lists the IDs of every row of every type, and the edges of a few, sorted.
func snapshot(ctx context.Context, t *testing.T, client *ent.Client) []string {
	t.Helper()
	var out []string
	add := func(prefix string, ids []string) {
		for _, id := range ids {
			out = append(out, prefix+":"+id)
		}
	}
	add("region", idStrings(client.Region.Query().IDsX(ctx)))
	add("municipality", idStrings(client.Municipality.Query().IDsX(ctx)))
	add("period", idStrings(client.MunicipalityPeriod.Query().IDsX(ctx)))
	add("organization", idStrings(client.Organization.Query().IDsX(ctx)))
	add("expert", idStrings(client.Expert.Query().IDsX(ctx)))
	add("network", idStrings(client.Network.Query().IDsX(ctx)))
	add("term", idStrings(client.NetworkTerm.Query().IDsX(ctx)))
	add("seminar", idStrings(client.Seminar.Query().IDsX(ctx)))
	add("session", idStrings(client.Session.Query().IDsX(ctx)))
	add("theme", idStrings(client.Theme.Query().IDsX(ctx)))
	add("outcome", idStrings(client.Outcome.Query().IDsX(ctx)))
	add("document", idStrings(client.Document.Query().IDsX(ctx)))
	for _, o := range client.Outcome.Query().WithSources().WithThemes().WithExperts().AllX(ctx) {
		out = append(out, "outcome-edges:"+string(o.ID)+":"+itoa(len(o.Edges.Sources))+":"+itoa(len(o.Edges.Themes))+":"+itoa(len(o.Edges.Experts)))
	}
	sort.Strings(out)
	return out
}
