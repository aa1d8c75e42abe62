package synth_test

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/search"
	"github.com/teemaverkko/teemaverkko/internal/synth"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

const testScale = 0.02

// seed1Digest is the Digest of Generate at testScale with seed 1, on either database: the
// same seed must keep giving the same content as the generator gets faster, so that
// figures measured on generated data stay comparable.
const seed1Digest = "e1324b6fe1e180632f2287f3c3aef4ca30342bf640a488e7fc8e62711cf0a646"

// TestSizes checks that the counts are those of the issue at scale 1 and linear in the
// scale.
func TestSizes(t *testing.T) {
	one := synth.Sizes(1)
	want := synth.Stats{Organizations: 50, Experts: 500, Themes: 40, Networks: 2, Terms: 14, Seminars: 200, Sessions: 2000, Outcomes: 20000}
	if one != want {
		t.Fatalf("Sizes(1) = %+v, want %+v", one, want)
	}
	ten := synth.Sizes(10)
	for _, c := range []struct {
		name     string
		one, ten int
	}{
		{"organisations", one.Organizations, ten.Organizations}, {"experts", one.Experts, ten.Experts},
		{"themes", one.Themes, ten.Themes}, {"networks", one.Networks, ten.Networks}, {"terms", one.Terms, ten.Terms},
		{"seminars", one.Seminars, ten.Seminars}, {"sessions", one.Sessions, ten.Sessions}, {"outcomes", one.Outcomes, ten.Outcomes},
	} {
		if c.ten != 10*c.one {
			t.Errorf("%s: %d at scale 10, %d at scale 1: not linear", c.name, c.ten, c.one)
		}
	}
	small := synth.Sizes(0.05)
	if small.Seminars != 10 || small.Sessions != 100 || small.Outcomes != 1000 || small.Experts != 25 {
		t.Errorf("Sizes(0.05) = %+v", small)
	}
}

// generate makes a fresh database of the dialect with the search index and a synthetic
// knowledge base.
func generate(t *testing.T, dialect string, scale float64, seed int64) (*database.DB, *ent.Client, *synth.Stats) {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t, dialect)
	if err := search.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	client := db.Client()
	var stages []string
	stats, err := synth.Generate(ctx, client, synth.Options{Scale: scale, Seed: seed, Progress: func(stage string, done, total int) {
		if done > total || done < 0 {
			t.Errorf("progress %s %d/%d", stage, done, total)
		}
		if len(stages) == 0 || stages[len(stages)-1] != stage {
			stages = append(stages, stage)
		}
	}})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	want := "reference data,base,seminars"
	if dialect == "postgres" {
		want += ",analyze"
	}
	if got := strings.Join(stages, ","); got != want {
		t.Errorf("progress stages %s, want %s", got, want)
	}
	return db, client, stats
}

var (
	digestMu sync.Mutex
	digests  = map[string]string{}
)

// TestGenerate generates a small knowledge base on both databases and checks its
// counts, links, search index and determinism.
func TestGenerate(t *testing.T) {
	for _, dialect := range testdb.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			db, client, stats := generate(t, dialect, testScale, 1)
			t.Logf("%s", stats)
			size := synth.Sizes(testScale)
			exact := []struct {
				name      string
				got, want int
				count     func(context.Context) (int, error)
			}{
				{"organisations", stats.Organizations, size.Organizations, client.Organization.Query().Count},
				{"experts", stats.Experts, size.Experts, client.Expert.Query().Count},
				{"themes", stats.Themes, size.Themes, client.Theme.Query().Count},
				{"networks", stats.Networks, size.Networks, client.Network.Query().Count},
				{"terms", stats.Terms, size.Terms, client.NetworkTerm.Query().Count},
				{"seminars", stats.Seminars, size.Seminars, client.Seminar.Query().Count},
				{"sessions", stats.Sessions, size.Sessions, client.Session.Query().Count},
				{"outcomes", stats.Outcomes, size.Outcomes, client.Outcome.Query().Count},
				{"documents", stats.Documents, stats.Documents, client.Document.Query().Count},
				{"appearances", stats.Appearances, stats.Appearances, client.Appearance.Query().Count},
			}
			for _, e := range exact {
				n, err := e.count(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if e.got != e.want || n != e.got {
					t.Errorf("%s: stats %d, want %d, database %d", e.name, e.got, e.want, n)
				}
			}
			if stats.Municipalities < 300 {
				t.Errorf("only %d municipalities", stats.Municipalities)
			}
			if d := stats.Documents; d < stats.Seminars+stats.Networks || d > 4*stats.Seminars+stats.Networks {
				t.Errorf("%d documents for %d seminars", d, stats.Seminars)
			}
			checkLinks(t, client, stats)
			checkSkew(t, client)
			checkSearch(t, db, client)

			// The same seed gives the same content; another seed another.
			d1, err := synth.Digest(ctx, client)
			if err != nil {
				t.Fatal(err)
			}
			_, again, _ := generate(t, dialect, testScale, 1)
			d2, err := synth.Digest(ctx, again)
			if err != nil {
				t.Fatal(err)
			}
			if d1 != d2 {
				t.Errorf("seed 1 twice: digests %s and %s differ", d1, d2)
			}
			if d1 != seed1Digest {
				t.Errorf("seed 1 gives digest %s, want %s: the content of a seed changed (if on purpose, say so and update seed1Digest)", d1, seed1Digest)
			}
			_, other, _ := generate(t, dialect, testScale, 2)
			d3, err := synth.Digest(ctx, other)
			if err != nil {
				t.Fatal(err)
			}
			if d3 == d1 {
				t.Errorf("seeds 1 and 2 give the same digest %s", d1)
			}
			digestMu.Lock()
			digests[dialect] = d1
			if len(digests) == 2 && digests["sqlite"] != digests["postgres"] {
				t.Errorf("SQLite and PostgreSQL digests differ for the same seed: %v", digests)
			}
			digestMu.Unlock()

			// A second run into the same database is refused.
			if _, err := synth.Generate(ctx, client, synth.Options{Scale: testScale, Seed: 1}); !errors.Is(err, synth.ErrAlreadyGenerated) {
				t.Errorf("second Generate: %v, want ErrAlreadyGenerated", err)
			}
		})
	}
}

// count runs a query that returns one integer.
func count(t *testing.T, client *ent.Client, query string) int {
	t.Helper()
	rows, err := client.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var n int
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// checkLinks checks that every outcome has 1–3 themes, 1–5 municipalities and a
// source, and that the links Generate reports are in the database.
func checkLinks(t *testing.T, client *ent.Client, stats *synth.Stats) {
	t.Helper()
	for _, c := range []struct {
		table, col string
		lo, hi     int
	}{
		{"outcome_themes", "theme_id", 1, 3},
		{"outcome_municipalities", "municipality_id", 1, 5},
		{"outcome_sources", "document_id", 1, 2},
	} {
		q := `SELECT COUNT(*) FROM outcomes o WHERE (SELECT COUNT(*) FROM ` + c.table + ` l WHERE l.outcome_id = o.id) NOT BETWEEN ` +
			itoa(c.lo) + ` AND ` + itoa(c.hi)
		if n := count(t, client, q); n != 0 {
			t.Errorf("%d outcomes have a number of %s outside %d–%d", n, c.table, c.lo, c.hi)
		}
	}
	// One theme is the most common number, then two, then three.
	var per []int
	for k := 1; k <= 3; k++ {
		per = append(per, count(t, client, `SELECT COUNT(*) FROM (SELECT outcome_id FROM outcome_themes GROUP BY outcome_id HAVING COUNT(*) = `+itoa(k)+`) x`))
	}
	if per[0] <= per[1] || per[1] <= per[2] {
		t.Errorf("outcomes with 1, 2, 3 themes: %v; want decreasing", per)
	}
	links := 0
	for _, table := range []string{
		"document_authors", "document_themes", "expert_themes", "expert_sources", "network_organizers", "network_sources",
		"network_term_municipalities", "network_term_themes", "network_term_sources", "organization_sources",
		"outcome_themes", "outcome_municipalities", "outcome_experts", "outcome_sources", "seminar_organizers",
		"seminar_themes", "seminar_municipalities", "seminar_sources", "session_speakers", "session_moderators",
		"session_themes", "session_sources",
	} {
		links += count(t, client, `SELECT COUNT(*) FROM `+table)
	}
	if links != stats.Links {
		t.Errorf("links: stats %d, database %d", stats.Links, links)
	}
	// The hierarchy has three levels.
	if n := count(t, client, `SELECT COUNT(*) FROM themes c JOIN themes p ON c.parent_id = p.id WHERE p.parent_id IS NOT NULL`); n == 0 {
		t.Errorf("no theme on the third level")
	}
	// Seminars only name municipalities that existed on their date.
	if n := count(t, client, `SELECT COUNT(*) FROM seminar_municipalities sm JOIN seminars s ON s.id = sm.seminar_id
		JOIN municipalities m ON m.id = sm.municipality_id WHERE m.valid_to < s.date OR m.valid_from > s.date`); n != 0 {
		t.Errorf("%d seminar municipalities did not exist on the seminar's date", n)
	}
}

// checkSkew checks that municipality choices are skewed: the most named tenth of the
// municipalities has most of the links, and Helsinki is among the most named.
func checkSkew(t *testing.T, client *ent.Client) {
	t.Helper()
	rows, err := client.QueryContext(context.Background(),
		`SELECT m.code, COUNT(*) FROM outcome_municipalities om JOIN municipalities m ON m.id = om.municipality_id GROUP BY m.code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type kv struct {
		code string
		n    int
	}
	var all []kv
	total := 0
	for rows.Next() {
		var x kv
		if err := rows.Scan(&x.code, &x.n); err != nil {
			t.Fatal(err)
		}
		all = append(all, x)
		total += x.n
	}
	sort.Slice(all, func(i, j int) bool { return all[i].n > all[j].n || all[i].n == all[j].n && all[i].code < all[j].code })
	top := 0
	for _, x := range all[:32] {
		top += x.n
	}
	if float64(top) < 0.4*float64(total) {
		t.Errorf("the 32 most named municipalities have %d of %d links: not skewed", top, total)
	}
	found := false
	for _, x := range all[:5] {
		found = found || x.code == "091"
	}
	if !found {
		t.Errorf("Helsinki is not among the 5 most named: %v", all[:5])
	}
}

// checkSearch checks that the search index has the synthetic themes and outcomes.
func checkSearch(t *testing.T, db *database.DB, client *ent.Client) {
	t.Helper()
	ctx := context.Background()
	th, err := client.Theme.Query().Where(theme.ParentIDIsNil()).Order(theme.ByID()).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	word := strings.Fields(th.Name)[0]
	res, err := search.Search(ctx, db, search.Query{Text: word, Types: []search.Type{search.Theme, search.Outcome}, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	types := map[search.Type]int{}
	for _, h := range res.Hits {
		types[h.Type]++
	}
	if types[search.Theme] == 0 || types[search.Outcome] == 0 {
		t.Errorf("search %q: %d hits, by type %v; want themes and outcomes", word, res.TotalCount, types)
	}
	// Rebuilding the index gives the same hits.
	if err := search.Rebuild(ctx, db); err != nil {
		t.Fatal(err)
	}
	again, err := search.Search(ctx, db, search.Query{Text: word, Types: []search.Type{search.Theme, search.Outcome}, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	if again.TotalCount != res.TotalCount {
		t.Errorf("search %q: %d hits from the triggers, %d after Rebuild", word, res.TotalCount, again.TotalCount)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
