package network_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// pathString renders a path with the fixture's labels: "A -Theme.outcomes-> O1 -…-> B".
func pathString(f *fixture, p network.Path) string {
	if len(p.Steps) == 0 {
		return "(empty)"
	}
	var b strings.Builder
	b.WriteString(f.labels[p.Steps[0].From])
	for i, s := range p.Steps {
		if i > 0 && s.From != p.Steps[i-1].To {
			return "(broken path)"
		}
		b.WriteString(" -" + s.Edge + "-> " + f.labels[s.To])
	}
	return b.String()
}

// TestPaths checks shortest paths through the knowledge graph of the fixture.
//
//   - A to B: A's neighbours are O1, O2 (outcomes), SS1 (session), S1 (seminar), X
//     (expert), Doc, T1 (term), E (child); B's are O1, O2, O3, SS1, S1. Common: O1, O2,
//     S1, SS1, which sort by ID (prefixes oc < se < ss): four paths of two steps.
//   - A to M1: through O1 (Outcome.municipalities), S1 (Seminar.municipalities) and T1
//     (NetworkTerm.municipalities); nt < oc < se.
//   - X to Y: both work for Org; X also moderates SS2, where Y speaks. or < ss.
//   - A to M3: M3's neighbours are O5, O6 and T2; of their neighbours only E is next to
//     A, so the one shortest path is A → E → O6 → M3, three steps: none within two.
//   - X to W: W has no links.
func TestPaths(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		f := newFixture(t, client)
		tests := []struct {
			name             string
			from, to         pulid.ID
			maxHops, maxPath int
			want             []string
		}{
			{"theme to theme", f.A.ID, f.B.ID, 0, 0, []string{
				"A -Theme.outcomes-> O1 -Outcome.themes-> B",
				"A -Theme.outcomes-> O2 -Outcome.themes-> B",
				"A -Theme.seminars-> S1 -Seminar.themes-> B",
				"A -Theme.sessions-> SS1 -Session.themes-> B",
			}},
			{"theme to theme, two paths", f.A.ID, f.B.ID, 4, 2, []string{
				"A -Theme.outcomes-> O1 -Outcome.themes-> B",
				"A -Theme.outcomes-> O2 -Outcome.themes-> B",
			}},
			{"theme to theme, reversed", f.B.ID, f.A.ID, 4, 1, []string{
				"B -Theme.outcomes-> O1 -Outcome.themes-> A",
			}},
			{"theme to municipality", f.A.ID, f.M1.ID, 0, 0, []string{
				"A -Theme.terms-> T1 -NetworkTerm.municipalities-> M1",
				"A -Theme.outcomes-> O1 -Outcome.municipalities-> M1",
				"A -Theme.seminars-> S1 -Seminar.municipalities-> M1",
			}},
			{"expert to expert", f.X.ID, f.Y.ID, 0, 0, []string{
				"X -Expert.organization-> Org -Organization.experts-> Y",
				"X -Expert.moderatedSessions-> SS2 -Session.speakers-> Y",
			}},
			{"three steps", f.A.ID, f.M3.ID, 3, 0, []string{
				"A -Theme.children-> E -Theme.outcomes-> O6 -Outcome.municipalities-> M3",
			}},
			{"beyond maxHops", f.A.ID, f.M3.ID, 2, 0, nil},
			{"unreachable", f.X.ID, f.W.ID, 6, 0, nil},
			{"unknown ID", f.X.ID, pulid.MustNew("ex"), 0, 0, nil},
			{"same node", f.X.ID, f.X.ID, 0, 0, []string{"(empty)"}},
			{"author to theme", f.Z.ID, f.D.ID, 0, 0, []string{
				"Z -Expert.documents-> Doc -Document.themes-> D",
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				paths, err := network.Paths(ctx, client, tc.from, tc.to, tc.maxHops, tc.maxPath)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, p := range paths {
					got = append(got, pathString(f, p))
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("paths =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
				}
			})
		}
	})
}

// TestPathsHopCap checks that maxHops above the cap is capped at MaxHops (6): M1 to W is
// unreachable at any length, and a chain of seven parent links is longer than the cap.
func TestPathsHopCap(t *testing.T) {
	ctx := context.Background()
	client := testdb.Client(t, "sqlite")
	var ids []pulid.ID
	var prev pulid.ID
	for i := 0; i < 8; i++ {
		c := client.Theme.Create().SetSlug("ketju-" + string(rune('a'+i))).SetName("Ketju")
		if prev != "" {
			c.SetParentID(prev)
		}
		th := c.SaveX(ctx)
		ids = append(ids, th.ID)
		prev = th.ID
	}
	// ids[0] to ids[6] is 6 steps; ids[0] to ids[7] is 7.
	for _, tc := range []struct {
		to      pulid.ID
		maxHops int
		want    int
	}{{ids[6], 100, 1}, {ids[7], 100, 0}, {ids[4], 0, 1}, {ids[5], 0, 0}} {
		paths, err := network.Paths(ctx, client, ids[0], tc.to, tc.maxHops, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(paths) != tc.want {
			t.Errorf("maxHops %d: %d paths, want %d", tc.maxHops, len(paths), tc.want)
		}
		for _, p := range paths {
			for _, s := range p.Steps {
				if s.Edge != "Theme.children" {
					t.Errorf("edge %q, want Theme.children", s.Edge)
				}
			}
		}
	}
}
