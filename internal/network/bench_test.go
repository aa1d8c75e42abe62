package network_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/events"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// synthetic fills a database with a synthetic knowledge base: 40 themes, 20
// municipalities in 2 regions, 30 experts, 10 seminars with 4 sessions each, and 2 000
// outcomes, each on 1–3 themes, naming 0–2 municipalities and 0–1 experts.
func synthetic(b *testing.B, client *ent.Client) {
	b.Helper()
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	themes := make([]*ent.Theme, 40)
	for i := range themes {
		themes[i] = client.Theme.Create().SetSlug(fmt.Sprintf("teema-%02d", i)).SetName(fmt.Sprintf("Teema %d", i)).SaveX(ctx)
	}
	pick := func(n int) []*ent.Theme {
		out := make([]*ent.Theme, 0, n)
		seen := map[int]bool{}
		for len(out) < n {
			i := rnd.IntN(len(themes))
			if !seen[i] {
				seen[i] = true
				out = append(out, themes[i])
			}
		}
		return out
	}
	regions := []*ent.Region{
		client.Region.Create().SetCode("17").SetName("Pohjois-Pohjanmaa").SetNameSv("Norra Österbotten").SaveX(ctx),
		client.Region.Create().SetCode("19").SetName("Lappi").SetNameSv("Lappland").SaveX(ctx),
	}
	ms := make([]*ent.Municipality, 20)
	for i := range ms {
		r := regions[i%2]
		ms[i] = client.Municipality.Create().SetCode(fmt.Sprintf("%03d", 100+i)).SetName(fmt.Sprintf("Kunta %d", i)).
			SetNameSv(fmt.Sprintf("Kommun %d", i)).SetRegion(r).SaveX(ctx)
		client.MunicipalityPeriod.Create().SetMunicipality(ms[i]).SetRegion(r).SetName(ms[i].Name).SetNameSv(ms[i].NameSv).SaveX(ctx)
	}
	experts := make([]*ent.Expert, 30)
	for i := range experts {
		experts[i] = client.Expert.Create().SetName(fmt.Sprintf("Asiantuntija %d", i)).AddThemes(pick(2)...).SaveX(ctx)
	}
	var sessions []*ent.Session
	for i := 0; i < 10; i++ {
		s := client.Seminar.Create().SetTitle(fmt.Sprintf("Seminaari %d", i)).
			SetDate(time.Date(2015+i, 3, 14, 0, 0, 0, 0, time.UTC)).AddThemes(pick(3)...).AddMunicipalities(ms[i], ms[i+10]).SaveX(ctx)
		for j := 1; j <= 4; j++ {
			sessions = append(sessions, client.Session.Create().SetSeminar(s).SetPosition(j).SetKind(session.KindPRESENTATION).
				SetTitle(fmt.Sprintf("Esitys %d", j)).AddThemes(pick(2)...).AddSpeakers(experts[rnd.IntN(len(experts))]).SaveX(ctx))
		}
	}
	const outcomes, batch = 2000, 200
	for done := 0; done < outcomes; done += batch {
		bulk := make([]*ent.OutcomeCreate, batch)
		for j := range bulk {
			ses := sessions[rnd.IntN(len(sessions))]
			c := client.Outcome.Create().SetKind(outcome.KindINSIGHT).SetText(fmt.Sprintf("Tulos %d", done+j)).
				SetSeminarID(ses.SeminarID).SetSession(ses).AddThemes(pick(1 + rnd.IntN(3))...)
			for k := rnd.IntN(3); k > 0; k-- {
				c.AddMunicipalities(ms[rnd.IntN(len(ms))])
			}
			if rnd.IntN(2) == 0 {
				c.AddExperts(experts[rnd.IntN(len(experts))])
			}
			bulk[j] = c
		}
		client.Outcome.CreateBulk(bulk...).SaveX(ctx)
	}
}

// BenchmarkBuild builds the network of the synthetic knowledge base on SQLite, with no
// filter and with a region-and-date filter.
func BenchmarkBuild(b *testing.B) {
	client := testdb.Client(b, "sqlite")
	synthetic(b, client)
	ctx := context.Background()
	region := client.Region.Query().FirstX(ctx)
	from := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, bc := range []struct {
		name   string
		filter network.Filter
	}{
		{"all", network.Filter{}},
		{"region-since-2018", network.Filter{RegionIDs: []pulid.ID{region.ID}, From: &from}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := network.Build(ctx, client, bc.filter, network.AllSignals, 0)
				if err != nil {
					b.Fatal(err)
				}
				if len(g.Nodes) == 0 {
					b.Fatal("empty network")
				}
			}
		})
	}
}

// BenchmarkServiceCached asks a network.Service for a network it keeps: what a request
// costs between writes (the key, the lookup), beside BenchmarkBuild's cost after one.
func BenchmarkServiceCached(b *testing.B) {
	client := testdb.Client(b, "sqlite")
	synthetic(b, client)
	ctx := context.Background()
	s := network.NewService(client, network.Options{Events: events.NewLocal()})
	defer s.Close()
	from := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	req := network.Request{Filter: network.Filter{RegionIDs: []pulid.ID{client.Region.Query().FirstIDX(ctx)}, From: &from}}
	if _, err := s.Network(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Network(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	if st := s.Stats(); st.Builds != 1 {
		b.Fatalf("%d builds, want 1", st.Builds)
	}
}

// BenchmarkStatsBy breaks the synthetic knowledge base's statistics down by term, year
// and region on SQLite.
func BenchmarkStatsBy(b *testing.B) {
	client := testdb.Client(b, "sqlite")
	synthetic(b, client)
	ctx := context.Background()
	for _, by := range []network.Dimension{network.DimensionTerm, network.DimensionYear, network.DimensionRegion} {
		b.Run(string(by), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bs, err := network.StatsBy(ctx, client, network.Filter{}, by)
				if err != nil {
					b.Fatal(err)
				}
				if len(bs) == 0 {
					b.Fatal("no buckets")
				}
			}
		})
	}
}
