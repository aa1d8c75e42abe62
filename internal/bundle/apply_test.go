package bundle_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/hook"
	"github.com/teemaverkko/teemaverkko/ent/migrate"
	"github.com/teemaverkko/teemaverkko/ent/networkterm"
	"github.com/teemaverkko/teemaverkko/ent/organization"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/refdata"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// env is a test database with the reference data loaded, and a client whose statements
// are counted.
type env struct {
	ctx     context.Context
	db      *database.DB
	client  *ent.Client
	counter *testdb.Counter
}

func newEnv(t *testing.T, db *database.DB) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: db, counter: testdb.NewCounter(db.Driver)}
	e.client = db.Client(ent.Driver(e.counter))
	if _, err := refdata.Load(e.ctx, e.client); err != nil {
		t.Fatalf("refdata.Load: %v", err)
	}
	e.counter.Reset()
	return e
}

// apply applies a bundle and fails the test on error.
func (e *env) apply(t *testing.T, b *bundle.Bundle, opts bundle.Options) *bundle.Report {
	t.Helper()
	r, err := bundle.Apply(e.ctx, e.client, b, opts)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return r
}

// rowCounts counts the rows of every table, edge tables included.
func (e *env) rowCounts(t *testing.T) map[string]int {
	t.Helper()
	counts := map[string]int{}
	for _, tbl := range migrate.Tables {
		var n int
		if err := e.db.SQL.QueryRowContext(e.ctx, "SELECT COUNT(*) FROM "+tbl.Name).Scan(&n); err != nil {
			t.Fatalf("count %s: %v", tbl.Name, err)
		}
		counts[tbl.Name] = n
	}
	return counts
}

// counts is a compact form of a Report's counts: entity → {created, updated, unchanged};
// entity types with no entity are left out.
func counts(r *bundle.Report) map[string][3]int {
	out := map[string][3]int{}
	for e, c := range r.Counts {
		if c.Total() > 0 {
			out[e] = [3]int{c.Created, c.Updated, c.Unchanged}
		}
	}
	return out
}

func checkCounts(t *testing.T, what string, r *bundle.Report, want map[string][3]int) {
	t.Helper()
	if got := counts(r); !maps.Equal(got, want) {
		t.Errorf("%s: counts (created, updated, unchanged) =\n  %v\nwant\n  %v", what, got, want)
	}
}

func TestApplySeeds(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		network, kickoff := decodeSeed(t, seedFiles[0]), decodeSeed(t, seedFiles[1])

		r := e.apply(t, network, bundle.Options{})
		checkCounts(t, "01 on an empty database", r, map[string][3]int{
			bundle.EntityOrganization: {5, 0, 0},
			bundle.EntityDocument:     {11, 0, 0},
			bundle.EntityTheme:        {11, 0, 0},
			bundle.EntityExpert:       {1, 0, 0},
			bundle.EntityNetwork:      {1, 0, 0},
			bundle.EntityNetworkTerm:  {6, 0, 0},
			bundle.EntityMembership:   {29, 0, 0}, // the 4th term's members, per Kommunförbundet's page
			bundle.EntityAppearance:   {1, 0, 0},  // Majava, the author of the 2019 blog post
		})
		t.Logf("01 first apply: %d statements, %d writes", e.counter.Total(), e.counter.Writes())

		e.counter.Reset()
		r = e.apply(t, kickoff, bundle.Options{})
		checkCounts(t, "02 after 01", r, map[string][3]int{
			bundle.EntityOrganization: {5, 0, 3},
			// The kickoff article gains its themes; the 2021 article is the same as in 01.
			bundle.EntityDocument: {3, 1, 1},
			bundle.EntityTheme:    {14, 0, 0},
			bundle.EntityExpert:   {11, 0, 1},
			bundle.EntitySeminar:  {1, 0, 0},
			bundle.EntitySession:  {7, 0, 0},
			bundle.EntityOutcome:  {11, 0, 0},
			// 9 speakers and 1 moderator of the programme, 3 authors of the study.
			bundle.EntityAppearance: {13, 0, 0},
		})
		if !slices.Contains(r.Changes, bundle.Change{Entity: bundle.EntityDocument, Key: "kuntaliitto-2017-uso-kickoff-seminar", Action: bundle.Update}) {
			t.Errorf("changes do not list the update of the kickoff article: %v", r.Changes)
		}
		t.Logf("02 first apply: %d statements, %d writes", e.counter.Total(), e.counter.Writes())

		checkSeededData(t, e)

		t.Run("applying again changes nothing", func(t *testing.T) {
			before := e.rowCounts(t)
			for _, b := range []*bundle.Bundle{network, kickoff} {
				e.counter.Reset()
				r := e.apply(t, b, bundle.Options{})
				if tot := r.Total(); tot.Created != 0 || tot.Updated != 0 || tot.Unchanged == 0 || r.Changed() ||
					!strings.HasPrefix(r.String(), "applied: 0 created, 0 updated, ") {
					t.Errorf("second apply: %s", r)
				}
				if n := e.counter.Writes(); n != 0 {
					t.Errorf("second apply ran %d INSERT/UPDATE/DELETE statements, want 0: %q", n, e.counter.WriteStatements())
				}
				t.Logf("second apply: %d statements (all reads), %d entities unchanged", e.counter.Total(), r.Total().Unchanged)
			}
			if after := e.rowCounts(t); !maps.Equal(before, after) {
				t.Errorf("row counts changed:\n before %v\n after  %v", before, after)
			}
		})
	})
}

// checkSeededData spot-checks what the two seed bundles wrote.
func checkSeededData(t *testing.T, e *env) {
	t.Helper()
	ctx, c := e.ctx, e.client
	for _, tc := range []struct {
		name      string
		got, want int
	}{
		{"organizations", c.Organization.Query().CountX(ctx), 10},
		{"documents", c.Document.Query().CountX(ctx), 14},
		{"themes", c.Theme.Query().CountX(ctx), 25},
		{"experts", c.Expert.Query().CountX(ctx), 12},
		{"networks", c.Network.Query().CountX(ctx), 1},
		{"network terms", c.NetworkTerm.Query().CountX(ctx), 6},
		{"seminars", c.Seminar.Query().CountX(ctx), 1},
		{"sessions", c.Session.Query().CountX(ctx), 7},
		{"outcomes", c.Outcome.Query().CountX(ctx), 11},
		{"municipalities of term 4", c.NetworkTerm.Query().Where(networkterm.Number(4)).QueryMunicipalities().CountX(ctx), 29},
		{"themes of the kickoff article", c.Document.Query().Where(document.Key("kuntaliitto-2017-uso-kickoff-seminar")).QueryThemes().CountX(ctx), 19}, // 17 listed on the document, and 2 more themes of bundle 01 cite it as a source
		{"authors of the evaluation study", c.Document.Query().Where(document.Key("stenvall-vakkala-sandberg-2017-reaaliaikainen-arviointi")).QueryAuthors().CountX(ctx), 3},
		{"sessions of the kickoff seminar", c.Seminar.Query().QuerySessions().CountX(ctx), 7},
		{"outcomes of session 3", c.Session.Query().Where(session.Position(3)).QueryOutcomes().CountX(ctx), 6},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}

	s := c.Seminar.Query().WithTerm().WithMunicipalities().OnlyX(ctx)
	if got := s.Date.Format(calendar.Layout); got != "2017-03-14" || s.DatePrecision != calendar.Day {
		t.Errorf("seminar date = %s (%s), want 2017-03-14 (DAY)", got, s.DatePrecision)
	}
	if s.Edges.Term == nil || s.Edges.Term.Number != 4 {
		t.Errorf("seminar term = %v, want term 4", s.Edges.Term)
	}
	if s.RemoteParticipation == nil || !*s.RemoteParticipation || !s.AttendeeCountApproximate || s.AttendeeCount == nil || *s.AttendeeCount != 100 {
		t.Errorf("seminar remote %v, attendees %v (approximate %v), want true, 100 (true)", s.RemoteParticipation, s.AttendeeCount, s.AttendeeCountApproximate)
	}
	if got := len(s.Edges.Municipalities); got != 3 {
		t.Errorf("seminar municipalities = %d, want 3", got)
	}

	d := c.Document.Query().Where(document.Key("kuntaliitto-2019-verkostomaisella-kehittamisella-vaikuttavia-muutoksia")).WithPublisher().OnlyX(ctx)
	if d.PublishedOn == nil || d.PublishedOn.Format(calendar.Layout) != "2019-02-22" || d.PublishedOnPrecision == nil || *d.PublishedOnPrecision != calendar.Day {
		t.Errorf("blog post published %v (%v), want 2019-02-22 (DAY)", d.PublishedOn, d.PublishedOnPrecision)
	}
	if d.Edges.Publisher == nil || d.Edges.Publisher.Name != "Suomen Kuntaliitto" {
		t.Errorf("blog post publisher = %v, want Suomen Kuntaliitto", d.Edges.Publisher)
	}
	d = c.Document.Query().Where(document.Key("kuntaliitto-2017-uso-kickoff-seminar")).OnlyX(ctx)
	if d.PublishedOn == nil || d.PublishedOn.Format(calendar.Layout) != "2017-01-01" || *d.PublishedOnPrecision != calendar.Year {
		t.Errorf("kickoff article published %v (%v), want 2017-01-01 (YEAR)", d.PublishedOn, d.PublishedOnPrecision)
	}

	valitila := c.Theme.Query().Where(theme.Slug("valitila")).QueryParent().QueryParent().OnlyX(ctx)
	if valitila.Slug != "muutosten-johtaminen" {
		t.Errorf("grandparent of valitila = %s, want muutosten-johtaminen (defined in 01)", valitila.Slug)
	}

	p := c.Expert.Query().Where(expert.Name("Päivi Karikumpu")).WithOrganization().WithMunicipality().OnlyX(ctx)
	if p.Edges.Organization == nil || p.Edges.Organization.Name != "Nivalan kaupunki" || p.Edges.Municipality == nil || p.Edges.Municipality.Code != "535" {
		t.Errorf("Päivi Karikumpu: organization %v, municipality %v, want Nivalan kaupunki, 535", p.Edges.Organization, p.Edges.Municipality)
	}
	if n := p.QuerySources().CountX(ctx); n != 3 {
		t.Errorf("Päivi Karikumpu has %d sources, want 3", n)
	}
}

func TestApplyFailureLeavesDatabaseUnchanged(t *testing.T) {
	const taken = "https://www.fcg.fi/lehti/arkisto/?id=39" // the URL of a document of 01
	tests := []struct {
		name string
		// breakIt changes the kickoff bundle so that applying it fails.
		breakIt func(b *bundle.Bundle)
		// meanwhile, when set, is a hook on the client that writes something while the
		// bundle is being applied, as another writer could between resolve and write.
		meanwhile ent.Hook
		// wantPath is the path of the expected problem, and wantCode its code ("" for
		// VALIDATION); writes tells whether it is found after writes began.
		wantPath, wantCode string
		writes             bool
	}{
		{
			name: "unknown municipality deep inside",
			breakIt: func(b *bundle.Bundle) {
				o := &b.Seminars[0].Sessions[2].Outcomes[1]
				o.Municipalities = append(o.Municipalities, "535", "999")
			},
			wantPath: "seminars[0].sessions[2].outcomes[1].municipalities[1]",
		},
		{
			name: "a URL another document has",
			breakIt: func(b *bundle.Bundle) {
				b.Documents = append(b.Documents, bundle.Document{Key: "duplicate-url", Title: "Duplicate", Kind: "OTHER", URL: taken})
			},
			wantPath: "documents[5].url", wantCode: "CONFLICT",
		},
		{
			name: "constraint violation after writes began",
			breakIt: func(b *bundle.Bundle) {
				b.Documents = append(b.Documents, bundle.Document{Key: "taken-meanwhile", Title: "Taken", Kind: "OTHER", URL: "https://example.org/taken-meanwhile"})
			},
			// The organisations are written, then, before the documents, another
			// document takes the URL: the database refuses the documents.
			meanwhile: func(next ent.Mutator) ent.Mutator {
				return hook.DocumentFunc(func(ctx context.Context, m *ent.DocumentMutation) (ent.Value, error) {
					if u, _ := m.URL(); u == "https://example.org/taken-meanwhile" {
						if key, _ := m.Key(); key == "meanwhile" {
							return next.Mutate(ctx, m)
						}
						if err := m.Client().Document.Create().SetKey("meanwhile").SetTitle("Meanwhile").
							SetKind(document.KindOTHER).SetURL(u).Exec(ctx); err != nil {
							return nil, err
						}
					}
					return next.Mutate(ctx, m)
				})
			},
			wantPath: "documents", wantCode: "CONFLICT", writes: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *database.DB) {
				e := newEnv(t, db)
				e.apply(t, decodeSeed(t, seedFiles[0]), bundle.Options{})
				kickoff := decodeSeed(t, seedFiles[1])
				tt.breakIt(kickoff)
				if tt.meanwhile != nil {
					e.client.Document.Use(tt.meanwhile)
				}
				before := e.rowCounts(t)
				e.counter.Reset()

				_, err := bundle.Apply(e.ctx, e.client, kickoff, bundle.Options{})
				if err == nil {
					t.Fatal("Apply succeeded, want an error")
				}
				t.Logf("Apply error: %v", err)
				var verrs bundle.ValidationErrors
				if !errors.As(err, &verrs) || len(verrs) != 1 || verrs[0].Path != tt.wantPath || verrs[0].Code != tt.wantCode {
					t.Errorf("Apply error = %v, want one problem at %s (code %q)", err, tt.wantPath, tt.wantCode)
				}
				for _, leak := range []string{"pq:", "duplicate key", "UNIQUE constraint", "SQL"} {
					if strings.Contains(err.Error(), leak) {
						t.Errorf("the error shows the database's text (%q): %v", leak, err)
					}
				}
				switch n := e.counter.Writes(); {
				case tt.writes && n == 0:
					t.Errorf("the failure came before any write; the test does not test a rollback")
				case !tt.writes && n != 0:
					t.Errorf("Apply ran %d writes before failing on a check, want 0", n)
				}
				if after := e.rowCounts(t); !maps.Equal(before, after) {
					t.Errorf("row counts changed:\n before %v\n after  %v", before, after)
				}
			})
		})
	}
}

func TestApplyUnresolvedReferences(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		before := e.rowCounts(t)
		// 02 needs the network, its terms and some themes from 01.
		_, err := bundle.Apply(e.ctx, e.client, decodeSeed(t, seedFiles[1]), bundle.Options{})
		var verrs bundle.ValidationErrors
		if !errors.As(err, &verrs) {
			t.Fatalf("Apply error = %v, want ValidationErrors", err)
		}
		got := map[string]string{}
		for _, v := range verrs {
			got[v.Path] = v.Message
		}
		for path, msg := range map[string]string{
			"themes[0].parent":                  `unknown theme "strateginen-johtaminen"`,
			"documents[0].themes[0]":            `unknown theme "muutosten-johtaminen"`,
			"seminars[0].network":               `unknown network "USO"`,
			"seminars[0].sessions[0].themes[0]": `unknown theme "muutosten-johtaminen"`,
		} {
			if !strings.Contains(got[path], msg) {
				t.Errorf("problem at %s = %q, want …%s…", path, got[path], msg)
			}
		}
		if n := e.counter.Writes(); n != 0 {
			t.Errorf("Apply ran %d writes, want 0", n)
		}
		if after := e.rowCounts(t); !maps.Equal(before, after) {
			t.Errorf("row counts changed:\n before %v\n after  %v", before, after)
		}
	})
}

func TestApplyDryRun(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		network := decodeSeed(t, seedFiles[0])
		before := e.rowCounts(t)

		dry := e.apply(t, network, bundle.Options{DryRun: true})
		if !dry.DryRun {
			t.Error("report of a dry run has DryRun false")
		}
		if after := e.rowCounts(t); !maps.Equal(before, after) {
			t.Errorf("dry run changed row counts:\n before %v\n after  %v", before, after)
		}
		if got, want := dry.Total().Created, 65; got != want { // 35 entities, 1 appearance and 29 memberships
			t.Errorf("dry run would create %d entities, want %d", got, want)
		}
		for _, c := range []bundle.Change{
			{Entity: bundle.EntityTheme, Key: "tulevaisuuden-kunta", Action: bundle.Create},
			{Entity: bundle.EntityNetworkTerm, Key: "USO term 4", Action: bundle.Create},
			{Entity: bundle.EntityOrganization, Key: "Tuusulan kunta", Action: bundle.Create},
		} {
			if !slices.Contains(dry.Changes, c) {
				t.Errorf("dry-run changes lack %+v", c)
			}
		}

		applied := e.apply(t, network, bundle.Options{})
		if !maps.Equal(counts(dry), counts(applied)) || !slices.Equal(dry.Changes, applied.Changes) {
			t.Errorf("dry run and real apply differ:\n dry  %v\n real %v", dry, applied)
		}

		// A dry run of the next bundle reports the update without writing it.
		kickoff := decodeSeed(t, seedFiles[1])
		before = e.rowCounts(t)
		dry = e.apply(t, kickoff, bundle.Options{DryRun: true})
		if !slices.Contains(dry.Changes, bundle.Change{Entity: bundle.EntityDocument, Key: "kuntaliitto-2017-uso-kickoff-seminar", Action: bundle.Update}) {
			t.Errorf("dry run does not report the update of the kickoff article: %v", dry.Changes)
		}
		if after := e.rowCounts(t); !maps.Equal(before, after) {
			t.Errorf("dry run changed row counts:\n before %v\n after  %v", before, after)
		}
	})
}

func TestApplyUpdates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		e.apply(t, decodeSeed(t, seedFiles[0]), bundle.Options{})

		b := decodeSeed(t, seedFiles[0])
		b.Themes[0].NameEn = "The future municipality"                                               // changed: updated
		b.Organizations[0].NameEn = ""                                                               // omitted: left alone
		b.Organizations[0].Abbreviation = ""                                                         // omitted: left alone
		b.Networks[0].Terms[4].Themes = append(b.Networks[0].Terms[4].Themes, "tulevaisuuden-kunta") // edge added
		b.Networks[0].Terms[3].Themes = b.Networks[0].Terms[3].Themes[:1]                            // edges never removed
		b.Documents[0].PublishedOn = "2017-03"                                                       // more precise: updated

		e.counter.Reset()
		r := e.apply(t, b, bundle.Options{})
		checkCounts(t, "changed 01", r, map[string][3]int{
			bundle.EntityOrganization: {0, 0, 5},
			bundle.EntityDocument:     {0, 1, 10},
			bundle.EntityTheme:        {0, 1, 10},
			bundle.EntityExpert:       {0, 0, 1},
			bundle.EntityNetwork:      {0, 0, 1},
			bundle.EntityNetworkTerm:  {0, 1, 5},
			bundle.EntityMembership:   {0, 0, 29},
			bundle.EntityAppearance:   {0, 0, 1},
		})
		t.Logf("3 updates: %d statements, writes %q", e.counter.Total(), e.counter.WriteStatements())

		ctx, c := e.ctx, e.client
		if got := c.Theme.Query().Where(theme.Slug("tulevaisuuden-kunta")).OnlyX(ctx).NameEn; got == nil || *got != "The future municipality" {
			t.Errorf("theme nameEn = %v, want the new name", got)
		}
		o := c.Organization.Query().Where(organization.Name("Suomen Kuntaliitto")).OnlyX(ctx)
		if o.NameEn == nil || *o.NameEn != "Association of Finnish Municipalities" || o.Abbreviation == nil || *o.Abbreviation != "Kuntaliitto" {
			t.Errorf("omitted fields were cleared: nameEn %v, abbreviation %v", o.NameEn, o.Abbreviation)
		}
		if n := c.NetworkTerm.Query().Where(networkterm.Number(5)).QueryThemes().CountX(ctx); n != 5 {
			t.Errorf("term 5 has %d themes, want 5", n)
		}
		if n := c.NetworkTerm.Query().Where(networkterm.Number(4)).QueryThemes().CountX(ctx); n != 5 {
			t.Errorf("term 4 has %d themes, want 5 (edges are never removed)", n)
		}
		d := c.Document.Query().Where(document.Key(b.Documents[0].Key)).OnlyX(ctx)
		if d.PublishedOn.Format(calendar.Layout) != "2017-03-01" || *d.PublishedOnPrecision != calendar.Month {
			t.Errorf("document published %v (%v), want 2017-03-01 (MONTH)", d.PublishedOn, *d.PublishedOnPrecision)
		}
	})
}

func TestApplyExpertResolution(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		ctx, c := e.ctx, e.client
		org := c.Organization.Create().SetName("Org").SetKind(organization.KindOTHER).SaveX(ctx)
		c.Expert.Create().SetName("Twin").SaveX(ctx)
		c.Expert.Create().SetName("Twin").SetOrganizationID(org.ID).SaveX(ctx)
		c.Expert.Create().SetName("Solo").SaveX(ctx)
		c.Document.Create().SetKey("doc").SetTitle("Doc").SetKind(document.KindOTHER).SaveX(ctx)

		t.Run("ambiguous and unknown names", func(t *testing.T) {
			b := &bundle.Bundle{Documents: []bundle.Document{{Key: "doc", Title: "Doc", Kind: "OTHER", Authors: []string{"Twin", "Nobody", "Solo"}}}}
			_, err := bundle.Apply(ctx, c, b, bundle.Options{})
			var verrs bundle.ValidationErrors
			if !errors.As(err, &verrs) || len(verrs) != 2 ||
				verrs[0].Path != "documents[0].authors[0]" || !strings.Contains(verrs[0].Message, "ambiguous") ||
				verrs[1].Path != "documents[0].authors[1]" || !strings.Contains(verrs[1].Message, "unknown expert") {
				t.Errorf("Apply error = %v, want authors[0] ambiguous and authors[1] unknown", err)
			}
		})
		t.Run("the bundle's expert with an organization disambiguates", func(t *testing.T) {
			b := &bundle.Bundle{
				Experts:   []bundle.Expert{{Name: "Twin", Organization: "Org", Title: "tutkija"}},
				Documents: []bundle.Document{{Key: "doc", Title: "Doc", Kind: "OTHER", Authors: []string{"Twin", "Solo"}}},
			}
			r := e.apply(t, b, bundle.Options{})
			checkCounts(t, "experts", r, map[string][3]int{
				bundle.EntityExpert:     {0, 1, 0},
				bundle.EntityDocument:   {0, 1, 0},
				bundle.EntityAppearance: {2, 0, 0},
			})
			authors := c.Document.Query().Where(document.Key("doc")).QueryAuthors().AllX(ctx)
			if len(authors) != 2 {
				t.Fatalf("doc has %d authors, want 2", len(authors))
			}
			for _, a := range authors {
				if a.Name == "Twin" && (a.OrganizationID == nil || *a.OrganizationID != org.ID || a.Title == nil) {
					t.Errorf("author Twin = %v, want the one in Org, with the new title", a)
				}
			}
		})
	})
}

// TestApplySeminarLookup checks that a seminar is found by title and date whatever the
// date's precision, and that omitted fields leave it alone.
func TestApplySeminarLookup(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		e.apply(t, decodeSeed(t, seedFiles[0]), bundle.Options{})
		e.apply(t, decodeSeed(t, seedFiles[1]), bundle.Options{})
		no := false
		b := &bundle.Bundle{Seminars: []bundle.Seminar{{
			Title: "USO-verkoston käynnistysseminaari", Date: "2017-03-14",
			RemoteParticipation: &no,
		}}}
		r := e.apply(t, b, bundle.Options{})
		checkCounts(t, "seminar", r, map[string][3]int{bundle.EntitySeminar: {0, 1, 0}})
		s := e.client.Seminar.Query().Where(seminar.Title(b.Seminars[0].Title)).OnlyX(e.ctx)
		if s.RemoteParticipation == nil || *s.RemoteParticipation || s.Venue == nil || *s.Venue != "Kuntatalo" {
			t.Errorf("seminar remote %v venue %v, want false and Kuntatalo kept", s.RemoteParticipation, s.Venue)
		}
	})
}
