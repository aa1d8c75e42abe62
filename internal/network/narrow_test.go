package network_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// TestBuildReadsOnlyWhatItNeeds checks that Build, which reads only the kinds of link its
// signals and filter use, builds the network it builds from every evidence link: for
// each signal alone, the defaults and all six, under each kind of filter.
func TestBuildReadsOnlyWhatItNeeds(t *testing.T) {
	if read, all := network.LinkKindsRead(network.Filter{}, network.DefaultSignals); read >= all {
		t.Fatalf("the default network reads %d of %d link kinds", read, all)
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		filters := []struct {
			name   string
			filter network.Filter
		}{
			{"none", network.Filter{}},
			{"from 2018", network.Filter{From: ptr(day("2018-01-01"))}},
			{"term T1", network.Filter{TermIDs: []pulid.ID{f.T1.ID}}},
			{"seminar S2", network.Filter{SeminarIDs: []pulid.ID{f.S2.ID}}},
			{"region R1", network.Filter{RegionIDs: []pulid.ID{f.R1.ID}}},
			{"municipality M2 to 2018", network.Filter{MunicipalityIDs: []pulid.ID{f.M2.ID}, To: ptr(day("2018-12-31"))}},
		}
		signalSets := [][]network.Signal{nil, network.AllSignals}
		for _, s := range network.AllSignals {
			signalSets = append(signalSets, []network.Signal{s})
		}
		for _, fl := range filters {
			for _, signals := range signalSets {
				got, err := network.Build(ctx, client, fl.filter, signals, 0)
				if err != nil {
					t.Fatal(err)
				}
				want, err := network.BuildReadingAllLinks(ctx, client, fl.filter, signals, 0)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Nodes, want.Nodes) || !reflect.DeepEqual(got.Edges, want.Edges) {
					t.Errorf("filter %s, signals %v: %d nodes and %d edges, from every link %d and %d\n got %+v\nwant %+v",
						fl.name, signals, len(got.Nodes), len(got.Edges), len(want.Nodes), len(want.Edges), got.Edges, want.Edges)
				}
				if len(signals) == 0 && fl.name == "none" && len(got.Edges) == 0 {
					t.Error("the fixture's default network has no edges")
				}
			}
		}
	})
}
