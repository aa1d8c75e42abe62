package bundle_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

const person = "Ann Example"

// source is one source about Ann Example: a document dated date, which she wrote, and a
// seminar on that date, where she spoke; it gives her title and organisation as of date.
type source struct {
	key, date, title, org string
}

// bundle builds the bundle of the source: its document, the organisation, Ann's entry
// (dated by asOf, which may differ from the document's date or be empty) and the seminar.
func (s source) bundle(asOf string) *bundle.Bundle {
	b := &bundle.Bundle{
		Documents: []bundle.Document{{Key: s.key, Title: s.key, Kind: "NEWS_ARTICLE", PublishedOn: s.date, Authors: []string{person}}},
		Experts:   []bundle.Expert{{Name: person, Title: s.title, TitleEn: s.title + " (en)", Organization: s.org, AsOf: asOf, Sources: []string{s.key}}},
		Seminars: []bundle.Seminar{{Title: "Seminar " + s.key, Date: s.date, Sources: []string{s.key}, Sessions: []bundle.Session{
			{Position: 1, Kind: "PRESENTATION", Title: "Talk", Speakers: []string{person}},
		}}},
	}
	if s.org != "" {
		b.Organizations = []bundle.Organization{{Name: s.org, Kind: "OTHER"}}
	}
	return b
}

var (
	src2013 = source{"src-2013", "2013-09-12", "kehitysjohtaja", "FCG Konsultointi Oy"}
	src2016 = source{"src-2016", "2016-09", "tutkimus- ja kehityspäällikkö", "Suomen Kuntaliitto"}
	src2017 = source{"src-2017", "2017-03-14", "toimialajohtaja", "FCG"}
	// A source dated to the year only counts as 1.1.2017: older than src2017.
	src2017y = source{"src-2017-y", "2017", "johtaja", "FCG Oyj"}
)

// TestApplyTitlesOverTime applies the sources in different orders: whatever the order,
// the person is one expert with the newest source's title, organisation and titleAsOf,
// and each speaking and authoring appearance keeps the title its own source gave.
// Applying everything again writes nothing.
func TestApplyTitlesOverTime(t *testing.T) {
	orders := []struct {
		name    string
		sources []source
	}{
		{"oldest first", []source{src2013, src2016, src2017y, src2017}},
		{"newest first", []source{src2017, src2017y, src2016, src2013}},
		{"mixed", []source{src2016, src2017, src2013, src2017y}},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *database.DB) {
				e := newEnv(t, db)
				ctx, c := e.ctx, e.client
				for _, s := range o.sources {
					r := e.apply(t, s.bundle(s.date), bundle.Options{})
					if got := r.Counts[bundle.EntityAppearance].Created; got != 2 {
						t.Errorf("%s: %d appearances created, want 2 (speaker and author)", s.key, got)
					}
				}

				people := c.Expert.Query().Where(expert.Name(person)).WithOrganization().AllX(ctx)
				if len(people) != 1 {
					t.Fatalf("%d experts named %s, want one person across sources", len(people), person)
				}
				p := people[0]
				if p.Title == nil || *p.Title != src2017.title || p.Edges.Organization == nil || p.Edges.Organization.Name != src2017.org ||
					p.TitleAsOf == nil || p.TitleAsOf.Format(calendar.Layout) != src2017.date {
					t.Errorf("person = title %v, organisation %v, as of %v; want %q, %q, %s (the newest source)",
						p.Title, p.Edges.Organization, p.TitleAsOf, src2017.title, src2017.org, src2017.date)
				}

				for _, s := range o.sources {
					sem := c.Seminar.Query().Where(seminar.Title("Seminar " + s.key)).OnlyX(ctx)
					spoke := c.Appearance.Query().Where(appearance.RoleEQ(appearance.RoleSPEAKER), appearance.HasSessionWith(session.SeminarID(sem.ID))).
						WithOrganization().OnlyX(ctx)
					wrote := c.Appearance.Query().Where(appearance.RoleEQ(appearance.RoleAUTHOR), appearance.HasDocumentWith(document.Key(s.key))).
						WithOrganization().OnlyX(ctx)
					for _, a := range []*ent.Appearance{spoke, wrote} {
						if a.ExpertID != p.ID || a.Title == nil || *a.Title != s.title || a.TitleEn == nil || *a.TitleEn != s.title+" (en)" ||
							a.Edges.Organization == nil || a.Edges.Organization.Name != s.org {
							t.Errorf("%s: %s appearance = title %v (%v), organisation %v; want %q, %q",
								s.key, a.Role, a.Title, a.TitleEn, a.Edges.Organization, s.title, s.org)
						}
					}
				}

				before := e.rowCounts(t)
				e.counter.Reset()
				for _, s := range o.sources {
					if r := e.apply(t, s.bundle(s.date), bundle.Options{}); r.Changed() {
						t.Errorf("%s again: %s %v", s.key, r, r.Changes)
					}
				}
				if n := e.counter.Writes(); n != 0 {
					t.Errorf("applying again ran %d writes, want 0: %q", n, e.counter.WriteStatements())
				}
				if after := e.rowCounts(t); !maps.Equal(before, after) {
					t.Errorf("row counts changed:\n before %v\n after  %v", before, after)
				}
			})
		})
	}
}

// TestApplyTitleWithoutAsOf checks the rule for entries without a date: they set the
// title of a person who has no dated title, and never replace a dated one.
func TestApplyTitleWithoutAsOf(t *testing.T) {
	tests := []struct {
		name string
		// first and then are applied in turn; an empty asOf means none.
		first, then         source
		firstAsOf, thenAsOf string
		want                string
		wantAsOf            string
	}{
		{"undated over undated", src2013, src2017, "", "", src2017.title, ""},
		{"dated over undated", src2013, src2017, "", src2017.date, src2017.title, src2017.date},
		{"undated over dated", src2017, src2013, src2017.date, "", src2017.title, src2017.date},
		{"older dated over newer", src2017, src2013, src2017.date, src2013.date, src2017.title, src2017.date},
		{"newer dated over older", src2013, src2017, src2013.date, src2017.date, src2017.title, src2017.date},
		{"same date", src2017y, src2017, "2017", "2017", src2017.title, "2017-01-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *database.DB) {
				e := newEnv(t, db)
				e.apply(t, tt.first.bundle(tt.firstAsOf), bundle.Options{})
				e.apply(t, tt.then.bundle(tt.thenAsOf), bundle.Options{})
				p := e.client.Expert.Query().Where(expert.Name(person)).OnlyX(e.ctx)
				asOf := ""
				if p.TitleAsOf != nil {
					asOf = p.TitleAsOf.Format(calendar.Layout)
				}
				if p.Title == nil || *p.Title != tt.want || asOf != tt.wantAsOf {
					t.Errorf("title %v as of %q, want %q as of %q", p.Title, asOf, tt.want, tt.wantAsOf)
				}
			})
		})
	}
}

// TestApplyRoles checks that a role overrides what an appearance records, that an
// appearance the bundle gives differently is updated, and that one it leaves empty is
// kept.
func TestApplyRoles(t *testing.T) {
	build := func(chairTitle, authorOrg string) *bundle.Bundle {
		return &bundle.Bundle{
			Organizations: []bundle.Organization{{Name: "Org A", Kind: "OTHER"}, {Name: "Org B", Kind: "OTHER"}},
			Documents: []bundle.Document{{Key: "doc", Title: "Doc", Kind: "OTHER", Authors: []string{person, "Bo Example"},
				Roles: []bundle.Role{{Expert: person, Organization: authorOrg}}}},
			Experts: []bundle.Expert{
				{Name: person, Title: "tutkija", Organization: "Org A", AsOf: "2020"},
				{Name: "Bo Example", Title: "johtaja", AsOf: "2020"},
			},
			Seminars: []bundle.Seminar{{Title: "Seminar", Date: "2020-05", Sessions: []bundle.Session{{
				Position: 1, Kind: "PANEL", Title: "Panel",
				Speakers: []string{person, "Bo Example", person}, Moderators: []string{"Bo Example"},
				Roles: []bundle.Role{{Expert: "Bo Example", Title: chairTitle, TitleEn: "Chair"}},
			}}}},
		}
	}
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		r := e.apply(t, build("puheenjohtaja", "Org B"), bundle.Options{})
		if got := r.Counts[bundle.EntityAppearance].Created; got != 5 {
			t.Errorf("%d appearances created, want 5 (2 speakers, 1 moderator, 2 authors; the repeated speaker once)", got)
		}
		check := func(want map[string]string) {
			t.Helper()
			got := map[string]string{}
			for _, a := range e.client.Appearance.Query().WithExpert().WithOrganization().AllX(e.ctx) {
				org := ""
				if a.Edges.Organization != nil {
					org = a.Edges.Organization.Name
				}
				got[fmt.Sprintf("%s %s", a.Role, a.Edges.Expert.Name)] = fmt.Sprintf("%s|%s|%s", deref(a.Title), deref(a.TitleEn), org)
			}
			if !maps.Equal(got, want) {
				t.Errorf("appearances =\n  %v\nwant\n  %v", got, want)
			}
		}
		check(map[string]string{
			"SPEAKER Ann Example":  "tutkija||Org A", // the entry's
			"SPEAKER Bo Example":   "puheenjohtaja|Chair|",
			"MODERATOR Bo Example": "puheenjohtaja|Chair|",
			"AUTHOR Ann Example":   "||Org B", // the role's: no title
			"AUTHOR Bo Example":    "johtaja||",
		})
		for _, p := range e.client.Expert.Query().AllX(e.ctx) {
			if p.Name == "Bo Example" && deref(p.Title) != "johtaja" {
				t.Errorf("a role changed the person's title: %v", p.Title)
			}
		}

		e.counter.Reset()
		r = e.apply(t, build("varapuheenjohtaja", ""), bundle.Options{})
		if got := r.Counts[bundle.EntityAppearance]; got.Updated != 2 || got.Created != 0 {
			t.Errorf("appearances after the correction: %+v, want 2 updated", got)
		}
		check(map[string]string{
			"SPEAKER Ann Example":  "tutkija||Org A",
			"SPEAKER Bo Example":   "varapuheenjohtaja|Chair|",
			"MODERATOR Bo Example": "varapuheenjohtaja|Chair|",
			"AUTHOR Ann Example":   "||Org B", // a role without an organisation keeps the one recorded
			"AUTHOR Bo Example":    "johtaja||",
		})
		if !slices.ContainsFunc(r.Changes, func(c bundle.Change) bool {
			return c.Entity == bundle.EntityAppearance && c.Action == bundle.Update && c.Key == "MODERATOR Bo Example: Seminar (2020-05-01) #1"
		}) {
			t.Errorf("changes do not list the moderator's appearance: %v", r.Changes)
		}
	})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestApplyRoleOrganizationMustResolve checks that a role's organisation is resolved
// like any reference, before anything is written.
func TestApplyRoleOrganizationMustResolve(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		b := src2017.bundle(src2017.date)
		b.Seminars[0].Sessions[0].Roles = []bundle.Role{{Expert: person, Organization: "Nowhere Oy"}}
		_, err := bundle.Apply(e.ctx, e.client, b, bundle.Options{})
		var verrs bundle.ValidationErrors
		if !errors.As(err, &verrs) || len(verrs) != 1 || verrs[0].Path != "seminars[0].sessions[0].roles[0].organization" {
			t.Errorf("Apply error = %v, want one problem at seminars[0].sessions[0].roles[0].organization", err)
		}
		if n := e.counter.Writes(); n != 0 {
			t.Errorf("Apply ran %d writes, want 0", n)
		}
	})
}
