package network_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestStatementCounts proves the queries are bounded: every function sends the same
// number of SQL statements for the fixture alone and for the fixture with 12 more
// themes and 144 more outcomes, sessions and documents; and Build sends the number the
// package documentation promises.
func TestStatementCounts(t *testing.T) {
	type call struct {
		name string
		// want is the exact number of statements, or 0 for "the same at both sizes".
		want int64
		run  func(ctx context.Context, client *ent.Client, f *fixture) error
	}
	calls := []call{
		{"Build, no filter", 2, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.Build(ctx, c, network.Filter{}, network.AllSignals, 0)
			return err
		}},
		{"Build, every filter", 5, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.Build(ctx, c, network.Filter{
				From: ptr(day("2000-01-01")), To: ptr(day("2100-01-01")), TermIDs: []pulid.ID{f.T1.ID, f.T2.ID},
				RegionIDs: []pulid.ID{f.R1.ID, f.R2.ID}, MunicipalityIDs: []pulid.ID{f.M1.ID, f.M2.ID, f.M3.ID},
			}, network.AllSignals, 0)
			return err
		}},
		{"Build, dates and documents", 4, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.Build(ctx, c, network.Filter{From: ptr(day("2000-01-01"))}, network.AllSignals, 0)
			return err
		}},
		{"BuildFullEvidence, no filter", 2, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.BuildFullEvidence(ctx, c, network.Filter{}, nil, 0)
			return err
		}},
		{"Related", 2, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.Related(ctx, c, f.A.ID, network.AllSignals, 5)
			return err
		}},
		{"Paths", 1, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.Paths(ctx, c, f.A.ID, f.M3.ID, 6, 100)
			return err
		}},
		{"ThemeStats", 0, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.ThemeStats(ctx, c, network.Filter{RegionIDs: []pulid.ID{f.R1.ID}})
			return err
		}},
		{"StatsBy TERM", 0, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.StatsBy(ctx, c, network.Filter{}, network.DimensionTerm)
			return err
		}},
		{"StatsBy REGION", 0, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.StatsBy(ctx, c, network.Filter{}, network.DimensionRegion)
			return err
		}},
		{"BuildSeries TERM", 5, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.BuildSeries(ctx, c, network.SeriesRequest{By: network.DimensionTerm, Request: network.Request{Signals: network.AllSignals}})
			return err
		}},
		{"BuildSeries YEAR, every filter", 5, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.BuildSeries(ctx, c, network.SeriesRequest{By: network.DimensionYear, Request: network.Request{Filter: network.Filter{
				From: ptr(day("2000-01-01")), RegionIDs: []pulid.ID{f.R1.ID, f.R2.ID}, MunicipalityIDs: []pulid.ID{f.M1.ID},
			}, Signals: network.AllSignals}})
			return err
		}},
		{"EngagedMunicipalities", 3, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.EngagedMunicipalities(ctx, c, f.A.ID, 10)
			return err
		}},
		{"SimilarMunicipalities", 3, func(ctx context.Context, c *ent.Client, f *fixture) error {
			_, err := network.SimilarMunicipalities(ctx, c, f.M2.ID, 10)
			return err
		}},
	}
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			counts := make([][]int64, 2)
			for size, extra := range []int{0, 12} {
				client, c := countingClient(testdb.Open(t, d))
				f := newFixture(t, client)
				if extra > 0 {
					f.grow(t, client, extra)
				}
				for _, cl := range calls {
					c.Reset()
					if err := cl.run(ctx, client, f); err != nil {
						t.Fatalf("%s: %v", cl.name, err)
					}
					counts[size] = append(counts[size], int64(c.Total()))
				}
			}
			for i, cl := range calls {
				small, large := counts[0][i], counts[1][i]
				t.Logf("%s: %d statements (small), %d (large)", cl.name, small, large)
				if small != large {
					t.Errorf("%s: %d statements on the small fixture, %d on the large one", cl.name, small, large)
				}
				if cl.want != 0 && small != cl.want {
					t.Errorf("%s: %d statements, want %d", cl.name, small, cl.want)
				}
			}
		})
	}
}

// TestBuildOnSeed builds the network of the real seed knowledge.
func TestBuildOnSeed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		if err := seed.Run(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		g, err := network.Build(ctx, client, network.Filter{}, network.AllSignals, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Nodes) == 0 || len(g.Edges) == 0 {
			t.Fatalf("seed network has %d nodes and %d edges", len(g.Nodes), len(g.Edges))
		}
		t.Logf("seed network: %d themes, %d edges", len(g.Nodes), len(g.Edges))
		stats, err := network.ThemeStats(ctx, client, network.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(stats) < len(g.Nodes) {
			t.Errorf("%d theme stats for %d nodes", len(stats), len(g.Nodes))
		}
		// The kickoff's "Group work on seven themes" session ties the seven workshop
		// themes together: each has at least six neighbours.
		bySlug := map[string]network.Node{}
		for _, n := range g.Nodes {
			bySlug[n.Slug] = n
		}
		n, ok := bySlug["konsernijohtaminen"]
		if !ok {
			t.Fatal("konsernijohtaminen is not in the seed network")
		}
		related, err := network.Related(ctx, client, n.ThemeID, []network.Signal{network.SignalSession}, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(related) < 6 {
			t.Errorf("konsernijohtaminen has %d session neighbours, want at least 6", len(related))
		}
	})
}
