package network_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/organization"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// fixture is a small hand-made knowledge base whose network is worked out by hand in
// the tests' comments. Entities of a kind are created in order, so their IDs sort in
// that order (A < B < … , O1 < O2 < …).
//
//	Regions:        R1 Pohjois-Pohjanmaa (17), R2 Lappi (19)
//	Municipalities: M1 Oulu (R1 always)
//	                M2 Kemi (R1 until 2017-12-31, R2 from 2018-01-01; today R2)
//	                M3 Rovaniemi (R2 always)
//	Network USO:    T1 term 4 (2017–2018): municipalities M1, M2; themes A
//	                T2 term 5 (2019–2020): municipalities M3; themes C
//	Seminars:       S1 2017-03-14, T1, themes A B, municipalities M1
//	                S2 2019-05-01, T2, themes C D, municipalities M2
//	Sessions:       SS1 (S1) themes A B, speaker X
//	                SS2 (S2) themes C D, speaker Y, moderator X
//	Outcomes:       O1 (S1, SS1) themes A B, municipalities M1, expert X
//	                O2 (S1)      themes A B, municipalities M2
//	                O3 (S1)      themes B C
//	                O4 (S2, SS2) themes C D, municipalities M2
//	                O5 (S2)      themes C D, municipalities M3
//	                O6 (S2)      themes E,   municipalities M3
//	Experts:        X Päivi Karikumpu (organisation Org, expertise A)
//	                Y Jari Stenvall (organisation Org, expertise C)
//	                Z Siv Sandberg (author of Doc), W Anni Antila (nothing)
//	Documents:      Doc (published 2016-05-01) themes A D, author Z
//	Themes:         A, B, C, D, E (E is a child of A)
type fixture struct {
	A, B, C, D, E          *ent.Theme
	R1, R2                 *ent.Region
	M1, M2, M3             *ent.Municipality
	USO                    *ent.Network
	T1, T2                 *ent.NetworkTerm
	S1, S2                 *ent.Seminar
	SS1, SS2               *ent.Session
	O1, O2, O3, O4, O5, O6 *ent.Outcome
	X, Y, Z, W             *ent.Expert
	Org                    *ent.Organization
	Doc                    *ent.Document
	// slugs maps theme IDs to slugs; labels maps every ID to its name in the comments.
	slugs, labels map[pulid.ID]string
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// newFixture creates the fixture.
func newFixture(t testing.TB, client *ent.Client) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{slugs: map[pulid.ID]string{}, labels: map[pulid.ID]string{}}
	theme := func(slug, name, label string, parent *ent.Theme) *ent.Theme {
		c := client.Theme.Create().SetSlug(slug).SetName(name)
		if parent != nil {
			c.SetParent(parent)
		}
		th := c.SaveX(ctx)
		f.slugs[th.ID] = slug
		f.labels[th.ID] = label
		return th
	}
	f.A = theme("a-strategia", "Strategia", "A", nil)
	f.B = theme("b-johtaminen", "Johtaminen", "B", nil)
	f.C = theme("c-digitalisaatio", "Digitalisaatio", "C", nil)
	f.D = theme("d-hyvinvointi", "Hyvinvointi", "D", nil)
	f.E = theme("e-strategiatyo", "Strategiatyö", "E", f.A)

	f.R1 = client.Region.Create().SetCode("17").SetName("Pohjois-Pohjanmaa").SetNameSv("Norra Österbotten").SaveX(ctx)
	f.R2 = client.Region.Create().SetCode("19").SetName("Lappi").SetNameSv("Lappland").SaveX(ctx)
	muni := func(code, name, label string, r *ent.Region) *ent.Municipality {
		m := client.Municipality.Create().SetCode(code).SetName(name).SetNameSv(name).SetRegion(r).SaveX(ctx)
		f.labels[m.ID] = label
		return m
	}
	f.M1 = muni("564", "Oulu", "M1", f.R1)
	f.M2 = muni("240", "Kemi", "M2", f.R2)
	f.M3 = muni("698", "Rovaniemi", "M3", f.R2)
	period := func(m *ent.Municipality, r *ent.Region, from, to *time.Time) {
		client.MunicipalityPeriod.Create().SetMunicipality(m).SetRegion(r).SetName(m.Name).SetNameSv(m.NameSv).
			SetNillableValidFrom(from).SetNillableValidTo(to).SaveX(ctx)
	}
	period(f.M1, f.R1, nil, nil)
	period(f.M2, f.R1, nil, ptr(day("2017-12-31")))
	period(f.M2, f.R2, ptr(day("2018-01-01")), nil)
	period(f.M3, f.R2, nil, nil)

	f.Org = client.Organization.Create().SetName("Suomen Kuntaliitto & <kumppanit>").SetKind(organization.KindASSOCIATION).SaveX(ctx)
	f.labels[f.Org.ID] = "Org"
	f.labels[f.R1.ID], f.labels[f.R2.ID] = "R1", "R2"
	f.USO = client.Network.Create().SetName("USO").SaveX(ctx)
	f.T1 = client.NetworkTerm.Create().SetNetwork(f.USO).SetNumber(4).SetStartYear(2017).SetEndYear(2018).
		AddMunicipalities(f.M1, f.M2).AddThemes(f.A).SaveX(ctx)
	f.T2 = client.NetworkTerm.Create().SetNetwork(f.USO).SetNumber(5).SetStartYear(2019).SetEndYear(2020).
		AddMunicipalities(f.M3).AddThemes(f.C).SaveX(ctx)
	f.labels[f.USO.ID], f.labels[f.T1.ID], f.labels[f.T2.ID] = "USO", "T1", "T2"

	expert := func(name, label string, org *ent.Organization, themes ...*ent.Theme) *ent.Expert {
		c := client.Expert.Create().SetName(name).AddThemes(themes...)
		if org != nil {
			c.SetOrganization(org)
		}
		e := c.SaveX(ctx)
		f.labels[e.ID] = label
		return e
	}
	f.X = expert("Päivi Karikumpu", "X", f.Org, f.A)
	f.Y = expert("Jari Stenvall", "Y", f.Org, f.C)
	f.Z = expert("Siv Sandberg", "Z", nil)
	f.W = expert("Anni Antila", "W", nil)

	f.S1 = client.Seminar.Create().SetTitle("Aloitusseminaari").SetDate(day("2017-03-14")).SetTerm(f.T1).
		AddThemes(f.A, f.B).AddMunicipalities(f.M1).SaveX(ctx)
	f.S2 = client.Seminar.Create().SetTitle("Syysseminaari").SetDate(day("2019-05-01")).SetTerm(f.T2).
		AddThemes(f.C, f.D).AddMunicipalities(f.M2).SaveX(ctx)
	f.labels[f.S1.ID], f.labels[f.S2.ID] = "S1", "S2"
	f.SS1 = client.Session.Create().SetSeminar(f.S1).SetPosition(1).SetKind(session.KindPRESENTATION).SetTitle("Avaus").
		AddThemes(f.A, f.B).AddSpeakers(f.X).SaveX(ctx)
	f.SS2 = client.Session.Create().SetSeminar(f.S2).SetPosition(1).SetKind(session.KindWORKSHOP).SetTitle("Työpaja").
		AddThemes(f.C, f.D).AddSpeakers(f.Y).AddModerators(f.X).SaveX(ctx)
	f.labels[f.SS1.ID], f.labels[f.SS2.ID] = "SS1", "SS2"

	oc := func(label string, sem *ent.Seminar, ses *ent.Session, themes []*ent.Theme, ms []*ent.Municipality, experts ...*ent.Expert) *ent.Outcome {
		c := client.Outcome.Create().SetKind(outcome.KindINSIGHT).SetText("Outcome " + label).SetSeminar(sem).
			AddThemes(themes...).AddMunicipalities(ms...).AddExperts(experts...)
		if ses != nil {
			c.SetSession(ses)
		}
		o := c.SaveX(ctx)
		f.labels[o.ID] = label
		return o
	}
	type ts = []*ent.Theme
	type ms = []*ent.Municipality
	f.O1 = oc("O1", f.S1, f.SS1, ts{f.A, f.B}, ms{f.M1}, f.X)
	f.O2 = oc("O2", f.S1, nil, ts{f.A, f.B}, ms{f.M2})
	f.O3 = oc("O3", f.S1, nil, ts{f.B, f.C}, nil)
	f.O4 = oc("O4", f.S2, f.SS2, ts{f.C, f.D}, ms{f.M2})
	f.O5 = oc("O5", f.S2, nil, ts{f.C, f.D}, ms{f.M3})
	f.O6 = oc("O6", f.S2, nil, ts{f.E}, ms{f.M3})

	f.Doc = client.Document.Create().SetKey("uso-raportti").SetTitle("USO-raportti").SetKind(document.KindRESEARCH_REPORT).
		SetPublishedOn(day("2016-05-01")).AddThemes(f.A, f.D).AddAuthors(f.Z).SaveX(ctx)
	f.labels[f.Doc.ID] = "Doc"
	return f
}

// grow adds unrelated data to the fixture: n extra themes, each with n outcomes on it
// and the previous extra theme at seminar S1, naming M1 and M3, attributed to X; one
// session per theme with speaker Y; and a document per theme. It leaves the fixture's
// own figures alone only for the statement-count tests, which compare counts.
func (f *fixture) grow(t testing.TB, client *ent.Client, n int) {
	t.Helper()
	ctx := context.Background()
	var prev *ent.Theme
	for i := 0; i < n; i++ {
		th := client.Theme.Create().SetSlug(fmt.Sprintf("x-extra-%03d", i)).SetName(fmt.Sprintf("Lisäteema %d", i)).SaveX(ctx)
		themes := []*ent.Theme{th}
		if prev != nil {
			themes = append(themes, prev)
		}
		ses := client.Session.Create().SetSeminar(f.S1).SetPosition(10 + i).SetKind(session.KindPANEL).
			SetTitle(fmt.Sprintf("Paneeli %d", i)).AddThemes(themes...).AddSpeakers(f.Y).SaveX(ctx)
		bulk := make([]*ent.OutcomeCreate, n)
		for j := range bulk {
			bulk[j] = client.Outcome.Create().SetKind(outcome.KindRECOMMENDATION).SetText(fmt.Sprintf("Extra %d/%d", i, j)).
				SetSeminar(f.S1).SetSession(ses).AddThemes(themes...).AddMunicipalities(f.M1, f.M3).AddExperts(f.X)
		}
		client.Outcome.CreateBulk(bulk...).SaveX(ctx)
		client.Document.Create().SetKey(fmt.Sprintf("extra-%03d", i)).SetTitle("Extra").SetKind(document.KindMEMO).
			SetPublishedOn(day("2017-01-01")).AddThemes(themes...).SaveX(ctx)
		prev = th
	}
}

// countingClient returns an ent client over db whose statements are counted.
func countingClient(db *database.DB) (*ent.Client, *testdb.Counter) { return testdb.Counting(db) }

// near reports whether two floats agree to 1e-9.
func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
