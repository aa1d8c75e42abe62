package export_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/database"
	"github.com/teemaverkko/teemaverkko/internal/export"
	"github.com/teemaverkko/teemaverkko/internal/network"
	"github.com/teemaverkko/teemaverkko/internal/seed"
	"github.com/teemaverkko/teemaverkko/internal/testdb"
)

// citedSample is sample with evidence IDs on its edges, and the citations of those
// items: outcome o1 from documents d1 and d2, o2 from d2, session s1 from none.
func citedSample() (*network.Graph, *export.Citations) {
	g := sample()
	g.Edges[0].Evidence[0].IDs = []pulid.ID{"o1", "o2"}
	g.Edges[0].Evidence[1].IDs = []pulid.ID{"s1"}
	c := &export.Citations{
		Items: map[pulid.ID]export.Item{
			"o1": {Type: "Outcome", Label: "Strategy needs leadership", Sources: []pulid.ID{"d1", "d2"}},
			"o2": {Type: "Outcome", Label: "Second", Sources: []pulid.ID{"d2"}},
			"s1": {Type: "Session", Label: "Avaus"},
		},
		Documents: map[pulid.ID]export.Doc{
			"d1": {Title: "Kuntatalolla | seminaari", URL: "https://example.org/a", Date: "2017-03", Precision: "MONTH"},
			"d2": {Title: "Raportti", Date: "2018", Precision: "YEAR"},
		},
	}
	return g, c
}

func sampleSeries(g *network.Graph) *network.Series {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	comms := []network.SliceCommunity{{Community: 0, Lineage: 0}, {Community: 1, Lineage: 1}}
	return &network.Series{By: network.DimensionYear, Slices: []network.Slice{
		{Key: "2017", Start: day("2017-01-01"), End: day("2017-12-31"), Graph: g, Communities: comms},
		{Key: "2018", Start: day("2018-01-01"), End: day("2018-12-31"), Graph: &network.Graph{Nodes: g.Nodes[:2], Edges: g.Edges[:1]}, Communities: comms[:1]},
	}}
}

func sampleInput(g *network.Graph) export.Input {
	_, c := citedSample()
	return export.Input{Graph: g, Citations: c, Series: sampleSeries(g), Mixed: &export.Mixed{
		Nodes: []export.MixedNode{{ID: "t1", Type: "Theme", Label: "Strategia", LabelEn: "Strategy"}, {ID: "m1", Type: "Municipality", Label: "Oulu", LabelEn: "Oulu"}},
		Edges: []export.MixedEdge{{Source: "t1", Target: "m1", Relation: "Seminar.themes"}},
	}}
}

// TestEdgesCite checks the citation columns of the edge table and the evidence table.
func TestEdgesCite(t *testing.T) {
	g, c := citedSample()
	var buf bytes.Buffer
	if err := export.EdgesCSV(&buf, g, c); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	col := func(name string) int { return slices.Index(rows[0], name) }
	r := rows[1]
	for name, want := range map[string]string{
		"outcome_ids": "o1 o2", "session_ids": "s1", "municipality_ids": "",
		"source_document_ids": "d1 d2", "source_document_titles": `Kuntatalolla \| seminaari | Raportti`,
		"source_document_urls": "https://example.org/a | ",
	} {
		if i := col(name); i < 0 || r[i] != want {
			t.Errorf("%s = %q, want %q (header %v)", name, r[max(i, 0)], want, rows[0])
		}
	}

	// With the full evidence, every shared item is listed.
	full := &network.Graph{Edges: slices.Clone(g.Edges)}
	full.Edges[0].Evidence = slices.Clone(full.Edges[0].Evidence)
	full.Edges[0].Evidence[0].IDs = []pulid.ID{"o1", "o2", "o3"}
	var fb bytes.Buffer
	_, fc := citedSample()
	if err := export.EdgesCSV(&fb, g, fc.WithFullEvidence(full)); err != nil {
		t.Fatal(err)
	}
	if fr := readCSV(t, fb.Bytes()); fr[1][col("outcome_ids")] != "o1 o2 o3" {
		t.Errorf("full evidence: outcome_ids = %q", fr[1][col("outcome_ids")])
	}

	buf.Reset()
	if err := export.EvidenceCSV(&buf, g, c); err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, buf.Bytes())
	var got []string
	for _, r := range rows[1:] {
		got = append(got, strings.Join([]string{r[6], r[7], r[8], r[10], r[13], r[14]}, ","))
	}
	want := []string{
		"OUTCOME,o1,Outcome,d1,2017-03,MONTH", "OUTCOME,o1,Outcome,d2,2018,YEAR",
		"OUTCOME,o2,Outcome,d2,2018,YEAR", "SESSION,s1,Session,,,",
	}
	if !slices.Equal(got, want) {
		t.Errorf("evidence rows = %q, want %q", got, want)
	}
	if rows[1][4] != g.Nodes[0].Name || rows[1][5] != g.Nodes[1].Name {
		t.Errorf("labels = %q", rows[1][:6])
	}
	if err := export.EvidenceCSV(&buf, g, nil); err == nil {
		t.Error("EvidenceCSV wrote without citations")
	}
}

// dynDoc is what the tests read of a dynamic GEXF.
type dynDoc struct {
	Graph struct {
		Mode       string `xml:"mode,attr"`
		TimeFormat string `xml:"timeformat,attr"`
		Attributes []struct {
			Class string `xml:"class,attr"`
			Mode  string `xml:"mode,attr"`
		} `xml:"attributes"`
		Nodes struct {
			Nodes []struct {
				ID        string `xml:"id,attr"`
				Label     string `xml:"label,attr"`
				AttValues []struct {
					For   string `xml:"for,attr"`
					Value string `xml:"value,attr"`
					Start string `xml:"start,attr"`
					End   string `xml:"end,attr"`
				} `xml:"attvalues>attvalue"`
				Spells []struct {
					Start string `xml:"start,attr"`
					End   string `xml:"end,attr"`
				} `xml:"spells>spell"`
			} `xml:"node"`
		} `xml:"nodes"`
		Edges struct {
			Edges []struct {
				Source    string `xml:"source,attr"`
				Target    string `xml:"target,attr"`
				AttValues []struct {
					For   string `xml:"for,attr"`
					Value string `xml:"value,attr"`
					Start string `xml:"start,attr"`
				} `xml:"attvalues>attvalue"`
				Spells []struct {
					Start string `xml:"start,attr"`
				} `xml:"spells>spell"`
			} `xml:"edge"`
		} `xml:"edges"`
	} `xml:"graph"`
}

// TestDynamicGEXF writes a two-year series: the third theme and the second edge exist
// in 2017 only.
func TestDynamicGEXF(t *testing.T) {
	g := sample()
	var buf bytes.Buffer
	if err := export.DynamicGEXF(&buf, sampleSeries(g)); err != nil {
		t.Fatal(err)
	}
	var d dynDoc
	if err := xml.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if d.Graph.Mode != "dynamic" || d.Graph.TimeFormat != "date" || len(d.Graph.Attributes) != 3 || d.Graph.Attributes[1].Mode != "dynamic" {
		t.Fatalf("graph = %+v", d.Graph)
	}
	nodes := d.Graph.Nodes.Nodes
	if len(nodes) != 3 {
		t.Fatalf("%d nodes", len(nodes))
	}
	spells := map[string]int{}
	for _, n := range nodes {
		spells[n.ID] = len(n.Spells)
		if n.Spells[0].Start != "2017-01-01" || n.Spells[0].End != "2017-12-31" {
			t.Errorf("%s: spells %+v", n.ID, n.Spells)
		}
		wd := 0
		for _, a := range n.AttValues {
			if a.For == "weighted_degree" {
				wd++
				if a.Start == "" || a.End == "" {
					t.Errorf("%s: weighted_degree %+v without interval", n.ID, a)
				}
			}
		}
		if wd != len(n.Spells) {
			t.Errorf("%s: %d weighted_degree values for %d spells", n.ID, wd, len(n.Spells))
		}
	}
	if spells[string(g.Nodes[0].ThemeID)] != 2 || spells[string(g.Nodes[2].ThemeID)] != 1 {
		t.Errorf("spells per node = %v", spells)
	}
	edges := d.Graph.Edges.Edges
	if len(edges) != 2 || len(edges[0].Spells) != 2 || len(edges[1].Spells) != 1 {
		t.Fatalf("edges = %+v", edges)
	}
	if a := edges[0].AttValues[0]; a.For != "weight" || a.Value != "7" || a.Start != "2017-01-01" {
		t.Errorf("first weight = %+v", a)
	}
}

// TestCitationsOnSeed exports the seed network with its citations and checks every
// edge's documents against a recomputation from the entities (ent's edges, not the
// join tables the export reads): the sources of the listed outcomes, sessions, seminars
// and experts, and the listed documents themselves.
func TestCitationsOnSeed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		if err := seed.Run(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		g, err := network.Build(ctx, client, network.Filter{}, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		c, err := export.LoadCitations(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		full, err := network.BuildFullEvidence(ctx, client, network.Filter{}, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		c.WithFullEvidence(full)
		sources := independentSources(ctx, client)
		var buf bytes.Buffer
		if err := export.EdgesCSV(&buf, g, c); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, buf.Bytes())
		col := func(name string) int { return slices.Index(rows[0], name) }
		if len(rows) != len(g.Edges)+1 {
			t.Fatalf("%d rows for %d edges", len(rows), len(g.Edges))
		}
		cited := 0
		for i, e := range g.Edges {
			var want []string
			listed := 0
			for _, ev := range full.Edges[i].Evidence {
				for _, id := range ev.IDs {
					want = append(want, sources[id]...)
				}
				listed += len(ev.IDs)
				got := strings.Fields(rows[i+1][col(strings.ToLower(string(ev.Signal))+"_ids")])
				if len(got) != ev.Count {
					t.Errorf("edge %d: %d %s IDs exported, %d shared", i, len(got), ev.Signal, ev.Count)
				}
			}
			if float64(listed) != e.Weight {
				t.Errorf("edge %d: %d items listed, weight %v", i, listed, e.Weight)
			}
			slices.Sort(want)
			want = slices.Compact(want)
			got := strings.Fields(rows[i+1][col("source_document_ids")])
			if !slices.Equal(got, want) {
				t.Errorf("edge %s–%s: sources %v, recomputed %v", e.Source, e.Target, got, want)
			}
			if len(got) > 0 {
				cited++
			}
			if rows[i+1][col("source_label_en")] == "" {
				t.Errorf("edge %d has no English label", i)
			}
		}
		if cited == 0 {
			t.Error("no edge cites a document")
		}
		buf.Reset()
		if err := export.EvidenceCSV(&buf, g, c); err != nil {
			t.Fatal(err)
		}
		ev := readCSV(t, buf.Bytes())
		urls := 0
		for _, r := range ev[1:] {
			if r[9] == "" || r[8] == "" {
				t.Fatalf("evidence row without item: %q", r)
			}
			if r[12] != "" {
				urls++
			}
		}
		t.Logf("%d edges, %d cite documents; %d evidence rows, %d with a URL", len(g.Edges), cited, len(ev)-1, urls)
		if urls == 0 {
			t.Error("no evidence row has a document URL")
		}
	})
}

// independentSources maps every item to the IDs of the documents it is taken from.
func independentSources(ctx context.Context, client *ent.Client) map[pulid.ID][]string {
	out := map[pulid.ID][]string{}
	add := func(id pulid.ID, docs []*ent.Document) {
		for _, d := range docs {
			out[id] = append(out[id], string(d.ID))
		}
	}
	for _, o := range client.Outcome.Query().WithSources().AllX(ctx) {
		add(o.ID, o.Edges.Sources)
	}
	for _, s := range client.Session.Query().WithSources().AllX(ctx) {
		add(s.ID, s.Edges.Sources)
	}
	for _, s := range client.Seminar.Query().WithSources().AllX(ctx) {
		add(s.ID, s.Edges.Sources)
	}
	for _, e := range client.Expert.Query().WithSources().AllX(ctx) {
		add(e.ID, e.Edges.Sources)
	}
	for _, d := range client.Document.Query().AllX(ctx) {
		out[d.ID] = []string{string(d.ID)}
	}
	return out
}

// TestMixedOnSeed exports the mixed graph of the seed knowledge and checks it against
// the entities: as many Seminar.themes and Document.authors edges as ent's edges give,
// and every edge between nodes of the right types.
func TestMixedOnSeed(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client := db.Client()
		if err := seed.Run(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		m, err := export.LoadMixed(ctx, client)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := export.MixedGraphML(&buf, m); err != nil {
			t.Fatal(err)
		}
		var doc gml
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		types := map[string]string{}
		for _, n := range doc.Graph.Nodes {
			types[n.ID] = dataMap(n.Data)["n_type"]
		}
		ends := map[string][2]string{
			"Seminar.themes": {"Seminar", "Theme"}, "Expert.themes": {"Expert", "Theme"}, "Document.themes": {"Document", "Theme"},
			"Theme.parent": {"Theme", "Theme"}, "Seminar.municipalities": {"Seminar", "Municipality"},
			"Expert.municipality": {"Expert", "Municipality"}, "Document.authors": {"Document", "Expert"},
			"Seminar.sources": {"Seminar", "Document"}, "Expert.sources": {"Expert", "Document"},
			"Outcome.themes": {"Outcome", "Theme"}, "Outcome.municipalities": {"Outcome", "Municipality"},
			"Outcome.experts": {"Outcome", "Expert"}, "Outcome.seminar": {"Outcome", "Seminar"}, "Outcome.session": {"Outcome", "Session"},
			"Outcome.sources": {"Outcome", "Document"}, "Session.themes": {"Session", "Theme"},
			"Session.speakers": {"Session", "Expert"}, "Session.seminar": {"Session", "Seminar"},
		}
		count := map[string]int{}
		for _, e := range doc.Graph.Edges {
			rel := dataMap(e.Data)["e_relation"]
			count[rel]++
			if w, ok := ends[rel]; !ok || types[e.Source] != w[0] || types[e.Target] != w[1] {
				t.Errorf("%s edge from %s (%s) to %s (%s)", rel, e.Source, types[e.Source], e.Target, types[e.Target])
			}
		}
		want := map[string]int{}
		for _, s := range client.Seminar.Query().WithThemes().AllX(ctx) {
			want["Seminar.themes"] += len(s.Edges.Themes)
		}
		for _, d := range client.Document.Query().WithAuthors().AllX(ctx) {
			want["Document.authors"] += len(d.Edges.Authors)
		}
		for _, o := range client.Outcome.Query().WithMunicipalities().WithThemes().AllX(ctx) {
			want["Outcome.municipalities"] += len(o.Edges.Municipalities)
			want["Outcome.themes"] += len(o.Edges.Themes)
		}
		for rel, n := range want {
			if count[rel] != n || n == 0 {
				t.Errorf("%s: %d edges, the entities have %d", rel, count[rel], n)
			}
		}
		t.Logf("mixed graph: %d nodes, %d edges %v", len(doc.Graph.Nodes), len(doc.Graph.Edges), count)
	})
}

// TestNetworkxReads opens the exports with networkx's readers when python3 and networkx
// are installed (skipped otherwise): the dynamic GEXF keeps its spells and the mixed
// graph its types.
func TestNetworkxReads(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import networkx").Run() != nil {
		t.Skip("python3 with networkx is not installed")
	}
	g, _ := citedSample()
	in := sampleInput(g)
	dir := t.TempDir()
	for _, f := range []export.Format{export.FormatDynamicGEXF, export.FormatMixedGEXF, export.FormatMixedGraphML, export.FormatGEXF, export.FormatGraphML} {
		var buf bytes.Buffer
		if err := export.Write(&buf, f, in); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name()), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	script := `
import sys, networkx as nx
d = sys.argv[1]
g = nx.read_gexf(d + "/dynamic-gexf")
assert g.number_of_nodes() == 3 and g.number_of_edges() == 2, (g.number_of_nodes(), g.number_of_edges())
n = sorted(g.nodes)[0]
assert len(g.nodes[n]["spells"]) == 2, g.nodes[n]
assert g.graph["mode"] == "dynamic"
m = nx.read_gexf(d + "/mixed-gexf")
assert sorted(m.nodes[v]["type"] for v in m.nodes) == ["Municipality", "Theme"]
mg = nx.read_graphml(d + "/mixed-graphml")
assert mg.edges["t1", "m1"]["relation"] == "Seminar.themes"
s = nx.read_gexf(d + "/gexf")
e = list(s.edges(data=True))[0]
assert e[2]["outcome_ids"] == "o1 o2" and e[2]["source_document_ids"] == "d1 d2", e
gm = nx.read_graphml(d + "/graphml")
assert any(v.get("label_en") == "Participation" for _, v in gm.nodes(data=True))
print("ok")
`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("networkx: %v\n%s", err, out)
	}
}

// TestCitationStatements counts the statements of the loaders, which must not grow with
// the data or the number of objects asked for: LoadCitations 3, LoadMixed 2,
// LoadItemCitations 7 and one more per type with sources among the objects (at most 12):
// here 8, for the outcomes' sources (documents are their own), and 9 with themes, whose
// sources are the documents that discuss them.
func TestCitationStatements(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		client, c := testdb.Counting(db)
		if err := seed.Run(ctx, client, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			t.Fatal(err)
		}
		var few, many []pulid.ID
		for _, o := range client.Outcome.Query().AllX(ctx) {
			many = append(many, o.ID)
		}
		for _, d := range client.Document.Query().AllX(ctx) {
			many = append(many, d.ID)
		}
		few = many[:2]
		withThemes := slices.Clone(many)
		var discussed pulid.ID
		for _, th := range client.Theme.Query().WithDocuments().AllX(ctx) {
			withThemes = append(withThemes, th.ID)
			if len(th.Edges.Documents) > 0 {
				discussed = th.ID
			}
		}
		if discussed == "" {
			t.Fatal("no theme of the seed is discussed by a document")
		}
		for _, tc := range []struct {
			name string
			want int
			run  func() error
		}{
			{"LoadCitations", 3, func() error { _, err := export.LoadCitations(ctx, client); return err }},
			{"LoadMixed", 2, func() error { _, err := export.LoadMixed(ctx, client); return err }},
			{"LoadItemCitations, 2 objects", 8, func() error { _, _, err := export.LoadItemCitations(ctx, client, few); return err }},
			{"LoadItemCitations, all outcomes and documents", 8, func() error { _, _, err := export.LoadItemCitations(ctx, client, many); return err }},
			{"LoadItemCitations, themes too", 9, func() error {
				c, _, err := export.LoadItemCitations(ctx, client, withThemes)
				if err == nil && len(c.Items[discussed].Sources) == 0 {
					t.Errorf("theme %s has no sources in the citations", discussed)
				}
				return err
			}},
		} {
			c.Reset()
			if err := tc.run(); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if got := c.Total(); got != tc.want {
				t.Errorf("%s: %d statements, want %d", tc.name, got, tc.want)
			}
		}
	})
}
