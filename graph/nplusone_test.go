package graph_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// fillNested creates themes, each with outcomes, each with municipalities.
func fillNested(t *testing.T, client *ent.Client, themes, outcomesPer, municipalitiesPer int) {
	t.Helper()
	ctx := context.Background()
	rg := client.Region.Create().SetCode("17").SetName("Pohjois-Pohjanmaa").SetNameSv("Norra Österbotten").SaveX(ctx)
	var ms []*ent.Municipality
	for i := 0; i < municipalitiesPer+2; i++ {
		ms = append(ms, client.Municipality.Create().SetCode(fmt.Sprintf("%03d", 100+i)).
			SetName(fmt.Sprintf("Kunta %d", i)).SetNameSv(fmt.Sprintf("Kommun %d", i)).SetRegion(rg).SaveX(ctx))
	}
	nw := client.Network.Create().SetName("USO").SaveX(ctx)
	term := client.NetworkTerm.Create().SetNetwork(nw).SetNumber(4).SetStartYear(2017).SaveX(ctx)
	sem := client.Seminar.Create().SetTitle("Seminaari").SetDate(mustDate("2017-03-14")).SetTerm(term).SaveX(ctx)
	for i := 0; i < themes; i++ {
		th := client.Theme.Create().SetSlug(fmt.Sprintf("theme-%d", i)).SetName(fmt.Sprintf("Teema %d", i)).SaveX(ctx)
		bulk := make([]*ent.OutcomeCreate, outcomesPer)
		for j := range bulk {
			bulk[j] = client.Outcome.Create().SetKind(outcome.KindINSIGHT).
				SetText(fmt.Sprintf("Outcome %d of theme %d", j, i)).SetSeminar(sem).
				AddThemes(th).AddMunicipalities(ms[:municipalitiesPer]...)
		}
		client.Outcome.CreateBulk(bulk...).SaveX(ctx)
	}
}

const nestedQuery = `{
  themes(first: 10, orderBy: [{field: SLUG}]) {
    totalCount
    edges { node {
      name
      outcomes(first: 5) {
        totalCount
        edges { node {
          text
          municipalities(first: 3) { totalCount edges { node { name region { name } } } }
        } }
      }
    } }
  }
}`

// TestNestedQueryStatementCount proves there is no N+1: a three-level nested query with
// totalCount on every connection sends the same number of SQL statements whatever the
// number of rows.
func TestNestedQueryStatementCount(t *testing.T) {
	sizes := []struct {
		name                  string
		themes, outcomes, mun int
	}{{"small", 3, 2, 2}, {"large", 12, 9, 4}}
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			counts := make([]int64, len(sizes))
			for i, size := range sizes {
				client, c := countingClient(testdb.Open(t, d))
				fillNested(t, client, size.themes, size.outcomes, size.mun)
				srv := apiServer(t, client)
				var data struct {
					Themes struct {
						TotalCount int
						Edges      []struct {
							Node struct {
								Outcomes struct {
									TotalCount int
									Edges      []struct {
										Node struct {
											Municipalities struct {
												TotalCount int
												Edges      []struct{ Node struct{ Name string } }
											}
										}
									}
								}
							}
						}
					}
				}
				c.reset()
				mustPost(t, srv, nestedQuery, nil, &data)
				counts[i] = c.value()
				if got, want := data.Themes.TotalCount, size.themes; got != want {
					t.Fatalf("%s: themes totalCount = %d, want %d", size.name, got, want)
				}
				first := data.Themes.Edges[0].Node.Outcomes
				if got, want := first.TotalCount, size.outcomes; got != want {
					t.Fatalf("%s: outcomes totalCount = %d, want %d", size.name, got, want)
				}
				if got, want := len(first.Edges), min(5, size.outcomes); got != want {
					t.Fatalf("%s: outcomes returned = %d, want %d", size.name, got, want)
				}
				m := first.Edges[0].Node.Municipalities
				if got, want := m.TotalCount, size.mun; got != want {
					t.Fatalf("%s: municipalities totalCount = %d, want %d", size.name, got, want)
				}
				if got, want := len(m.Edges), min(3, size.mun); got != want {
					t.Fatalf("%s: municipalities returned = %d, want %d", size.name, got, want)
				}
				t.Logf("%s: %d statements", size.name, counts[i])
			}
			if counts[0] != counts[1] {
				t.Fatalf("statements grow with rows: %d for %s data, %d for %s data", counts[0], sizes[0].name, counts[1], sizes[1].name)
			}
		})
	}
}
