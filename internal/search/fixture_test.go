package search_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// fixture is a small hand-made knowledge base, created through ent after Migrate (so
// the triggers index it), with Finnish inflected forms, compounds, diacritics and
// Swedish names. keys maps IDs to the fixture's names for them.
type fixture struct {
	db   *database.DB
	ids  map[string]string // key → ID
	keys map[string]string // ID → key
}

func (f *fixture) id(key string) string {
	id, ok := f.ids[key]
	if !ok {
		panic("no fixture node " + key)
	}
	return id
}

func (f *fixture) add(key string, id pulid.ID) {
	f.ids[key] = string(id)
	f.keys[string(id)] = key
}

// eachFixture runs fn on a fresh database of each dialect, migrated and indexed, with
// the fixture.
func eachFixture(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Helper()
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		if err := search.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		fn(t, buildFixture(t, db))
	})
}

func buildFixture(t *testing.T, db *database.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	c := db.Client()
	f := &fixture{db: db, ids: map[string]string{}, keys: map[string]string{}}
	date := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	nw, err := c.Network.Create().SetName("Testiverkosto").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	term, err := c.NetworkTerm.Create().SetNumber(1).SetStartYear(2017).SetNetwork(nw).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.add("term1", term.ID)

	sem := func(key, title, day, venue string, term *ent.NetworkTerm) *ent.Seminar {
		cr := c.Seminar.Create().SetTitle(title).SetDate(date(day)).SetVenue(venue)
		if term != nil {
			cr.SetTerm(term)
		}
		s, err := cr.Save(ctx)
		if err != nil {
			t.Fatalf("create seminar: %v", err)
		}
		f.add(key, s.ID)
		return s
	}
	sem1 := sem("sem1", "Kevätseminaari", "2017-03-14", "Kuntatalo", term)
	sem2 := sem("sem2", "Syysseminaari", "2017-10-02", "Tampere-talo", nil)

	theme := func(key, slug, name, nameEn, desc string) *ent.Theme {
		th, err := c.Theme.Create().SetSlug(slug).SetName(name).SetNameEn(nameEn).SetDescription(desc).Save(ctx)
		if err != nil {
			t.Fatalf("create theme: %v", err)
		}
		f.add(key, th.ID)
		return th
	}
	thStrategia := theme("thStrategia", "kuntastrategia", "Kuntastrategia", "Municipal strategy", "How a council sets its goals.")
	thDigi := theme("thDigi", "digitalisaatio", "Digitalisaatio", "Digitalisation", "Digital services and data.")
	theme("thAanestys", "aanestys", "Äänestys ja osallisuus", "Voting and participation", "Elections and referendums.")

	ses1, err := c.Session.Create().SetSeminar(sem1).SetKind(session.KindOPENING).SetPosition(1).
		SetTitle("Avauspuheenvuoro").SetSummary("Opening words.").
		SetQuestions([]string{"Miten seutu uudistuu?"}).AddThemes(thStrategia).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.add("ses1", ses1.ID)

	out := func(key string, s *ent.Seminar, quote, text string, themes ...*ent.Theme) {
		o, err := c.Outcome.Create().SetSeminar(s).SetKind(outcome.KindINSIGHT).
			SetQuote(quote).SetText(text).AddThemes(themes...).Save(ctx)
		if err != nil {
			t.Fatalf("create outcome: %v", err)
		}
		f.add(key, o.ID)
	}
	out("oKunta", sem1, "Jokainen kunta on erilainen.", "Every council is different.", thStrategia)
	out("oKuntien", sem1, "Kuntien yhteistyö lisääntyy.", "Cooperation grows.")
	out("oKunnat", sem2, "Kunnat ovat välitilassa.", "Councils are in an in-between state.")
	out("oKunnan", sem1, "Kunnan talous on tiukalla.", "The council's economy is tight.")
	out("oDigi", sem1, "Uusi tekniikka muuttaa palveluja: digitalisaatio etenee.", "Technology changes services.", thDigi)
	out("oHTML", sem2, "<script>alert(1)</script> & osallistuminen", "Taking part.")

	for _, m := range [][4]string{
		{"muOulu", "564", "Oulu", "Uleåborg"},
		{"muTurku", "853", "Turku", "Åbo"},
		{"muHelsinki", "091", "Helsinki", "Helsingfors"},
	} {
		mu, err := c.Municipality.Create().SetCode(m[1]).SetName(m[2]).SetNameSv(m[3]).Save(ctx)
		if err != nil {
			t.Fatalf("create municipality: %v", err)
		}
		f.add(m[0], mu.ID)
	}

	ex, err := c.Expert.Create().SetName("Päivi Karikumpu").SetTitle("kehittämispäällikkö").
		SetTitleEn("development manager").AddThemes(thDigi).Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.add("exPaivi", ex.ID)
	doc, err := c.Document.Create().SetKey("kelluvat-kunnat-raportti").SetTitle("Kelluvat kunnat -tutkimus").
		SetKind("RESEARCH_REPORT").SetNote("Arviointitutkimus.").Save(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.add("docKelluvat", doc.ID)
	return f
}

func pulidOf(s string) pulid.ID { return pulid.ID(s) }

// run searches and returns the result, failing the test on an error.
func (f *fixture) run(t *testing.T, q search.Query) *search.Result {
	t.Helper()
	rs, err := search.Search(context.Background(), f.db, q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return rs
}

// hitKeys returns the fixture keys of every hit (IDs of nodes outside the fixture as
// they are), sorted.
func (f *fixture) hitKeys(t *testing.T, q search.Query) []string {
	t.Helper()
	if q.First == 0 {
		q.First = 100
	}
	rs := f.run(t, q)
	out := f.keysOf(rs.Hits)
	sort.Strings(out)
	return out
}

// keysOf maps hits to fixture keys, in order.
func (f *fixture) keysOf(hits []search.Hit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		if k, ok := f.keys[h.ID]; ok {
			out = append(out, k)
		} else {
			out = append(out, h.ID)
		}
	}
	return out
}
