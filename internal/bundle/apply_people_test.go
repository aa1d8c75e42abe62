package bundle_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/appearance"
	"github.com/teemaverkko/teemaverkko/ent/termmembership"
	"github.com/teemaverkko/teemaverkko/internal/bundle"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// peopleAndMemberships is a bundle with a document that names Ann Example in two roles
// other than author, and a term whose municipalities two documents state in different
// statuses, plus one municipality no document states.
func peopleAndMemberships() *bundle.Bundle {
	return &bundle.Bundle{
		Format: bundle.FormatName, Version: bundle.FormatVersion,
		Organizations: []bundle.Organization{{Name: "FCG", Kind: "CONSULTANCY"}},
		Documents: []bundle.Document{
			{Key: "report", Title: "Report", Kind: "OTHER", PublishedOn: "2013", Summary: "What the report states.", People: []bundle.Person{
				{Expert: person, Role: "WORKING_GROUP"},
				{Expert: person, Role: "CONTACT", Title: "kehitysjohtaja", TitleEn: "Development Director", Organization: "FCG"},
			}},
			{Key: "minutes", Title: "Minutes", Kind: "MEMO", PublishedOn: "2019-03-25"},
		},
		Experts: []bundle.Expert{{Name: person}},
		Networks: []bundle.Network{{Name: "N", Terms: []bundle.Term{{
			Number: 1, StartYear: 2013, Municipalities: []string{"398"},
			Memberships: []bundle.Membership{
				{Status: "MEMBER", Source: "report", Municipalities: []string{"535", "491"}},
				{Status: "REGISTERED", Source: "minutes", Municipalities: []string{"535"}},
			},
		}}}},
	}
}

// TestApplyPeopleAndMemberships applies a document's people and a term's memberships on
// both databases: each person's role becomes an appearance with exactly the title given,
// each (municipality, document) a membership with its status and a link of the term;
// applying again writes nothing, a changed status is updated, and the export gives back
// what was applied.
func TestApplyPeopleAndMemberships(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		e := newEnv(t, db)
		r := e.apply(t, peopleAndMemberships(), bundle.Options{})
		checkCounts(t, "first apply", r, map[string][3]int{
			bundle.EntityOrganization: {1, 0, 0},
			bundle.EntityDocument:     {2, 0, 0},
			bundle.EntityExpert:       {1, 0, 0},
			bundle.EntityNetwork:      {1, 0, 0},
			bundle.EntityNetworkTerm:  {1, 0, 0},
			bundle.EntityMembership:   {3, 0, 0},
			bundle.EntityAppearance:   {2, 0, 0},
		})

		ctx, c := e.ctx, e.client
		var got []string
		for _, ap := range c.Appearance.Query().WithOrganization().Order(ent.Asc(appearance.FieldRole)).AllX(ctx) {
			org := ""
			if ap.Edges.Organization != nil {
				org = ap.Edges.Organization.Name
			}
			got = append(got, fmt.Sprintf("%s %v %v %s", ap.Role, deref(ap.Title), deref(ap.TitleEn), org))
		}
		slices.Sort(got)
		if want := []string{"CONTACT kehitysjohtaja Development Director FCG", "WORKING_GROUP   "}; !slices.Equal(got, want) {
			t.Errorf("appearances = %q, want %q", got, want)
		}
		got = nil
		for _, m := range c.TermMembership.Query().WithMunicipality().WithSource().AllX(ctx) {
			got = append(got, fmt.Sprintf("%s %s %s", m.Edges.Municipality.Code, m.Edges.Source.Key, m.Status))
		}
		slices.Sort(got)
		if want := []string{"491 report MEMBER", "535 minutes REGISTERED", "535 report MEMBER"}; !slices.Equal(got, want) {
			t.Errorf("memberships = %q, want %q", got, want)
		}
		var codes []string
		for _, m := range c.NetworkTerm.Query().QueryMunicipalities().AllX(ctx) {
			codes = append(codes, m.Code)
		}
		slices.Sort(codes)
		if want := []string{"398", "491", "535"}; !slices.Equal(codes, want) {
			t.Errorf("term municipalities = %v, want %v (listed and stated)", codes, want)
		}

		e.counter.Reset()
		e.apply(t, peopleAndMemberships(), bundle.Options{})
		if w := e.counter.WriteStatements(); len(w) > 0 {
			t.Errorf("applying again wrote %q", w)
		}

		b := peopleAndMemberships()
		b.Networks[0].Terms[0].Memberships[1].Status = "MEMBER"
		r = e.apply(t, b, bundle.Options{})
		if c := r.Counts[bundle.EntityMembership]; c.Updated != 1 || c.Unchanged != 2 {
			t.Errorf("after a status change: memberships %+v, want 1 updated and 2 unchanged", c)
		}
		if n := c.TermMembership.Query().Where(termmembership.StatusEQ(termmembership.StatusREGISTERED)).CountX(ctx); n != 0 {
			t.Errorf("%d memberships still REGISTERED, want the status updated", n)
		}

		x, err := bundle.Export(ctx, c, bundle.ExportOptions{})
		if err != nil {
			t.Fatalf("Export: %v", err)
		}
		term := x.Networks[0].Terms[0]
		if !slices.Equal(term.Municipalities, []string{"398"}) {
			t.Errorf("exported term municipalities = %v, want only the one no document states", term.Municipalities)
		}
		if got, want := fmt.Sprint(term.Memberships), "[{MEMBER minutes [535]} {MEMBER report [491 535]}]"; got != want {
			t.Errorf("exported memberships = %s, want %s", got, want)
		}
		for _, d := range x.Documents {
			if d.Key != "report" {
				continue
			}
			if d.Summary != "What the report states." || len(d.People) != 2 || d.People[0].Role != "WORKING_GROUP" || d.People[1].Title != "kehitysjohtaja" {
				t.Errorf("exported report = %+v, want its summary and its two people, working group first", d)
			}
		}
	})
}

// TestValidatePeopleAndMemberships checks that bad people and memberships are refused,
// each problem at its path.
func TestValidatePeopleAndMemberships(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(b *bundle.Bundle)
		path   string
		msg    string
	}{
		{"unknown role", func(b *bundle.Bundle) { b.Documents[0].People[0].Role = "AUTHOR" }, "documents[0].people[0].role", "is not one of"},
		{"person twice in a role", func(b *bundle.Bundle) { b.Documents[0].People[1].Role = "WORKING_GROUP" }, "documents[0].people[1].expert", "named twice"},
		{"person without a name", func(b *bundle.Bundle) { b.Documents[0].People[0].Expert = "" }, "documents[0].people[0].expert", "is required"},
		{"unknown status", func(b *bundle.Bundle) { b.Networks[0].Terms[0].Memberships[0].Status = "OBSERVER" }, "networks[0].terms[0].memberships[0].status", "is not one of"},
		{"no source", func(b *bundle.Bundle) { b.Networks[0].Terms[0].Memberships[0].Source = "" }, "networks[0].terms[0].memberships[0].source", "is required"},
		{"no municipalities", func(b *bundle.Bundle) { b.Networks[0].Terms[0].Memberships[1].Municipalities = nil }, "networks[0].terms[0].memberships[1].municipalities", "at least one"},
		{"bad code", func(b *bundle.Bundle) { b.Networks[0].Terms[0].Memberships[0].Municipalities[1] = "49" }, "networks[0].terms[0].memberships[0].municipalities[1]", ""},
		{"same document and municipality twice", func(b *bundle.Bundle) {
			b.Networks[0].Terms[0].Memberships[1].Source = "report"
		}, "networks[0].terms[0].memberships[1].municipalities[0]", "already stated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := peopleAndMemberships()
			if err := b.Validate(); err != nil {
				t.Fatalf("the valid bundle: %v", err)
			}
			tc.change(b)
			var verrs bundle.ValidationErrors
			if err := b.Validate(); !errors.As(err, &verrs) {
				t.Fatalf("Validate = %v, want ValidationErrors", err)
			}
			for _, v := range verrs {
				if v.Path == tc.path && strings.Contains(v.Message, tc.msg) {
					return
				}
			}
			t.Errorf("problems = %v, want one at %s saying …%s…", verrs, tc.path, tc.msg)
		})
	}
}
