package export_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/export"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/search"
)

func TestTextCell(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`=HYPERLINK("http://evil","x")`, `'=HYPERLINK("http://evil","x")`},
		{"+cmd|calc!A0", "'+cmd|calc!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"", ""},
		{"Strategia", "Strategia"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
		{" =1", " =1"},
	} {
		if got := export.TextCell(tc.in); got != tc.want {
			t.Errorf("TextCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// hostile is the network of an editor who named themes, outcomes and documents as
// spreadsheet formulas; its measures include negative numbers, which must stay numbers.
func hostile() (*network.Graph, *export.Citations) {
	a, b := pulid.ID("th01AAAAAAAAAAAAAAAAAAAAAAAA"), pulid.ID("th01BBBBBBBBBBBBBBBBBBBBBBBB")
	g := &network.Graph{
		Nodes: []network.Node{
			{ThemeID: a, Slug: "-slug", Name: `=HYPERLINK("http://evil","x")`, NameEn: "+cmd|calc!A0",
				Counts: map[network.Signal]int{network.SignalOutcome: 2}, WeightedDegree: -1.5, Betweenness: -0.25, Community: -1},
			{ThemeID: b, Slug: "b", Name: "@SUM(1+1)", NameEn: "\t=1",
				Counts: map[network.Signal]int{network.SignalOutcome: 2}, WeightedDegree: 2, Betweenness: 0, Community: 0},
		},
		Edges: []network.Edge{{Source: a, Target: b, Weight: -3, Strength: -0.5, Evidence: []network.Evidence{
			{Signal: network.SignalOutcome, Count: 2, IDs: []pulid.ID{"o1"}},
		}}},
	}
	c := &export.Citations{
		Items:     map[pulid.ID]export.Item{"o1": {Type: "Outcome", Label: "-1+1", Sources: []pulid.ID{"d1"}}},
		Documents: map[pulid.ID]export.Doc{"d1": {Title: "=1+1", URL: "\rhttp://evil", Date: "2017", Precision: "YEAR"}},
	}
	return g, c
}

// TestCSVInjection writes every CSV export of hostile data and reads it back as a CSV
// reader (and so a spreadsheet) would: every text cell that would start a formula starts
// with an apostrophe, and the numbers, negative ones too, are unchanged.
func TestCSVInjection(t *testing.T) {
	g, c := hostile()
	res := &search.Result{Hits: []search.Hit{{ID: "th01AAAAAAAAAAAAAAAAAAAAAAAA", Type: search.Type("THEME"), Score: -2.5, Snippet: "=<mark>evil</mark>()"},
		{ID: "o1", Type: search.Type("OUTCOME"), Score: 3, Snippet: "@x"}}}
	sc := &export.Citations{
		Items: map[pulid.ID]export.Item{
			"th01AAAAAAAAAAAAAAAAAAAAAAAA": {Type: "Theme", Label: `=HYPERLINK("http://evil","x")`},
			"o1":                           c.Items["o1"],
		},
		Documents: c.Documents,
	}
	en := map[pulid.ID]string{"th01AAAAAAAAAAAAAAAAAAAAAAAA": "+cmd|calc!A0"}
	for _, tc := range []struct {
		name  string
		write func(io.Writer) error
		// want: row (1-based after the header) → column → cell as read back.
		want map[int]map[string]string
	}{
		{"nodes-csv", func(w io.Writer) error { return export.NodesCSV(w, g) }, map[int]map[string]string{
			1: {"id": "th01AAAAAAAAAAAAAAAAAAAAAAAA", "label": `'=HYPERLINK("http://evil","x")`, "label_en": "'+cmd|calc!A0", "slug": "'-slug",
				"outcomes": "2", "weighted_degree": "-1.5", "betweenness": "-0.25", "community": "-1"},
			2: {"label": "'@SUM(1+1)", "label_en": "'\t=1", "weighted_degree": "2", "community": "0"},
		}},
		{"edges-csv", func(w io.Writer) error { return export.EdgesCSV(w, g, c) }, map[int]map[string]string{
			1: {"source": "th01AAAAAAAAAAAAAAAAAAAAAAAA", "weight": "-3", "strength": "-0.5", "shared_outcomes": "2",
				"source_label": `'=HYPERLINK("http://evil","x")`, "target_label": "'@SUM(1+1)",
				"source_label_en": "'+cmd|calc!A0", "target_label_en": "'\t=1", "outcome_ids": "o1",
				"source_document_ids": "d1", "source_document_titles": "'=1+1", "source_document_urls": "'\rhttp://evil"},
		}},
		{"evidence-csv", func(w io.Writer) error { return export.EvidenceCSV(w, g, c) }, map[int]map[string]string{
			1: {"source_label": `'=HYPERLINK("http://evil","x")`, "target_label_en": "'\t=1", "item_id": "o1", "item_label": "'-1+1",
				"document_id": "d1", "document_title": "'=1+1", "document_url": "'\rhttp://evil", "document_date": "2017"},
		}},
		{"search-csv", func(w io.Writer) error { return export.SearchCSV(w, res, sc, en) }, map[int]map[string]string{
			1: {"rank": "1", "id": "th01AAAAAAAAAAAAAAAAAAAAAAAA", "label": `'=HYPERLINK("http://evil","x")`, "label_en": "'+cmd|calc!A0",
				"score": "-2.5", "snippet": "'=evil()"},
			2: {"rank": "2", "score": "3", "snippet": "'@x", "label": "'-1+1", "document_title": "'=1+1", "document_url": "'\rhttp://evil"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.write(&buf); err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			for r, cells := range tc.want {
				if r >= len(rows) {
					t.Fatalf("no row %d in %d rows", r, len(rows))
				}
				for name, want := range cells {
					i, ok := col[name]
					if !ok {
						t.Fatalf("no column %q in %v", name, rows[0])
					}
					if got := rows[r][i]; got != want {
						t.Errorf("row %d, %s = %q, want %q", r, name, got, want)
					}
				}
			}
			// No text cell anywhere may start a formula.
			for r, row := range rows[1:] {
				for i, cell := range row {
					if cell != "" && (cell[0] == '=' || cell[0] == '+' || cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r') {
						t.Errorf("row %d, %s = %q starts a formula", r+1, rows[0][i], cell)
					}
				}
			}
		})
	}
}
