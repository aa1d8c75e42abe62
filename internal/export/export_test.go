package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/internal/export"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// sample is a three-theme graph whose labels need escaping in XML and quoting in CSV.
func sample() *network.Graph {
	a, b, c := pulid.ID("th01AAAAAAAAAAAAAAAAAAAAAAAA"), pulid.ID("th01BBBBBBBBBBBBBBBBBBBBBBBB"), pulid.ID("th01CCCCCCCCCCCCCCCCCCCCCCCC")
	counts := func(o, s, m int) map[network.Signal]int {
		return map[network.Signal]int{network.SignalOutcome: o, network.SignalSession: s, network.SignalMunicipality: m}
	}
	return &network.Graph{
		Nodes: []network.Node{
			{ThemeID: a, Slug: "strategia", Name: "Strategia & <johtaminen>", Counts: counts(2, 1, 2), WeightedDegree: 8, Betweenness: 1.0 / 3, Community: 0},
			{ThemeID: b, Slug: "hyvinvointi", Name: `Hyvinvointi ja "yhteisöllisyys", ääni`, Counts: counts(3, 1, 2), WeightedDegree: 7.5, Betweenness: 0, Community: 0},
			{ThemeID: c, Slug: "osallisuus", Name: "Osallisuus\nrivinvaihto; ÄÖÅ", NameEn: "Participation", Counts: counts(1, 0, 1), WeightedDegree: 0.1, Betweenness: 2, Community: 1},
		},
		Edges: []network.Edge{
			{Source: a, Target: b, Weight: 7, Strength: 7.0 / 9, Evidence: []network.Evidence{
				{Signal: network.SignalOutcome, Count: 2}, {Signal: network.SignalSession, Count: 1}, {Signal: network.SignalMunicipality, Count: 4},
			}},
			{Source: a, Target: c, Weight: 1, Strength: 1.0 / 15, Evidence: []network.Evidence{{Signal: network.SignalMunicipality, Count: 1}}},
		},
	}
}

type (
	gml struct {
		XMLName xml.Name
		Keys    []struct {
			ID   string `xml:"id,attr"`
			For  string `xml:"for,attr"`
			Name string `xml:"attr.name,attr"`
			Type string `xml:"attr.type,attr"`
		} `xml:"key"`
		Graph struct {
			EdgeDefault string `xml:"edgedefault,attr"`
			Nodes       []struct {
				ID   string    `xml:"id,attr"`
				Data []gmlData `xml:"data"`
			} `xml:"node"`
			Edges []struct {
				Source string    `xml:"source,attr"`
				Target string    `xml:"target,attr"`
				Data   []gmlData `xml:"data"`
			} `xml:"edge"`
		} `xml:"graph"`
	}
	gmlData struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	}
)

func dataMap(ds []gmlData) map[string]string {
	m := map[string]string{}
	for _, d := range ds {
		m[d.Key] = d.Value
	}
	return m
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number: %v", s, err)
	}
	return f
}

func TestGraphML(t *testing.T) {
	g := sample()
	var buf bytes.Buffer
	if err := export.GraphML(&buf, g, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "<?xml") {
		t.Errorf("no XML declaration: %.40q", out)
	}
	if !strings.Contains(out, "Strategia &amp; &lt;johtaminen&gt;") {
		t.Errorf("label not escaped:\n%s", out)
	}
	var doc gml
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	if doc.XMLName.Space != "http://graphml.graphdrawing.org/xmlns" || doc.XMLName.Local != "graphml" {
		t.Errorf("root = %v", doc.XMLName)
	}
	if doc.Graph.EdgeDefault != "undirected" {
		t.Errorf("edgedefault = %q", doc.Graph.EdgeDefault)
	}
	if len(doc.Graph.Nodes) != 3 || len(doc.Graph.Edges) != 2 {
		t.Fatalf("%d nodes, %d edges; want 3, 2", len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	keys := map[string]string{}
	for _, k := range doc.Keys {
		keys[k.ID] = k.For + " " + k.Name + " " + k.Type
	}
	for id, want := range map[string]string{
		"n_label": "node label string", "n_outcomes": "node outcomes int", "n_municipalities": "node municipalities int",
		"n_betweenness": "node betweenness double", "n_community": "node community int",
		"e_weight": "edge weight double", "e_strength": "edge strength double", "e_shared_sessions": "edge shared_sessions int",
	} {
		if keys[id] != want {
			t.Errorf("key %s = %q, want %q", id, keys[id], want)
		}
	}
	if _, ok := keys["n_documents"]; ok {
		t.Error("a key for a signal the graph was not built with")
	}
	for i, n := range doc.Graph.Nodes {
		want := g.Nodes[i]
		d := dataMap(n.Data)
		if n.ID != string(want.ThemeID) || d["n_label"] != want.Name || d["n_slug"] != want.Slug {
			t.Errorf("node %d = %s %q %q, want %s %q %q", i, n.ID, d["n_label"], d["n_slug"], want.ThemeID, want.Name, want.Slug)
		}
		if got := parseFloat(t, d["n_betweenness"]); got != want.Betweenness {
			t.Errorf("node %d betweenness = %v, want %v", i, got, want.Betweenness)
		}
		if got := parseFloat(t, d["n_weighted_degree"]); got != want.WeightedDegree {
			t.Errorf("node %d weighted degree = %v, want %v", i, got, want.WeightedDegree)
		}
		if d["n_outcomes"] != strconv.Itoa(want.Counts[network.SignalOutcome]) || d["n_community"] != strconv.Itoa(want.Community) {
			t.Errorf("node %d data = %v", i, d)
		}
	}
	for i, e := range doc.Graph.Edges {
		want := g.Edges[i]
		d := dataMap(e.Data)
		if e.Source != string(want.Source) || e.Target != string(want.Target) {
			t.Errorf("edge %d = %s–%s", i, e.Source, e.Target)
		}
		if got := parseFloat(t, d["e_weight"]); got != want.Weight {
			t.Errorf("edge %d weight = %v, want %v", i, got, want.Weight)
		}
		if got := parseFloat(t, d["e_strength"]); got != want.Strength {
			t.Errorf("edge %d strength = %v, want %v", i, got, want.Strength)
		}
	}
	if d := dataMap(doc.Graph.Edges[0].Data); d["e_shared_municipalities"] != "4" || d["e_shared_sessions"] != "1" {
		t.Errorf("edge 0 shared items = %v", d)
	}
	if d := dataMap(doc.Graph.Edges[1].Data); d["e_shared_outcomes"] != "0" {
		t.Errorf("edge 1 shared outcomes = %q, want 0", d["e_shared_outcomes"])
	}
}

type gexf struct {
	XMLName xml.Name
	Version string `xml:"version,attr"`
	Meta    struct {
		Creator string `xml:"creator"`
	} `xml:"meta"`
	Graph struct {
		DefaultEdgeType string `xml:"defaultedgetype,attr"`
		Mode            string `xml:"mode,attr"`
		Attributes      []struct {
			Class      string `xml:"class,attr"`
			Attributes []struct {
				ID    string `xml:"id,attr"`
				Title string `xml:"title,attr"`
				Type  string `xml:"type,attr"`
			} `xml:"attribute"`
		} `xml:"attributes"`
		Nodes struct {
			Count int `xml:"count,attr"`
			Nodes []struct {
				ID     string         `xml:"id,attr"`
				Label  string         `xml:"label,attr"`
				Values []gexfAttValue `xml:"attvalues>attvalue"`
			} `xml:"node"`
		} `xml:"nodes"`
		Edges struct {
			Count int `xml:"count,attr"`
			Edges []struct {
				ID     string         `xml:"id,attr"`
				Source string         `xml:"source,attr"`
				Target string         `xml:"target,attr"`
				Weight string         `xml:"weight,attr"`
				Values []gexfAttValue `xml:"attvalues>attvalue"`
			} `xml:"edge"`
		} `xml:"edges"`
	} `xml:"graph"`
}

type gexfAttValue struct {
	For   string `xml:"for,attr"`
	Value string `xml:"value,attr"`
}

func attMap(vs []gexfAttValue) map[string]string {
	m := map[string]string{}
	for _, v := range vs {
		m[v.For] = v.Value
	}
	return m
}

func TestGEXF(t *testing.T) {
	g := sample()
	var buf bytes.Buffer
	if err := export.GEXF(&buf, g, nil); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">`,
		`label="Strategia &amp; &lt;johtaminen&gt;"`,
		`label="Hyvinvointi ja &#34;yhteisöllisyys&#34;, ääni"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	var doc gexf
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	if doc.XMLName.Space != "http://gexf.net/1.3" || doc.XMLName.Local != "gexf" || doc.Version != "1.3" {
		t.Errorf("root = %v version %q", doc.XMLName, doc.Version)
	}
	if doc.Graph.DefaultEdgeType != "undirected" || doc.Graph.Mode != "static" || doc.Meta.Creator != "Teemaverkko" {
		t.Errorf("graph = %q %q, creator %q", doc.Graph.DefaultEdgeType, doc.Graph.Mode, doc.Meta.Creator)
	}
	if doc.Graph.Nodes.Count != 3 || len(doc.Graph.Nodes.Nodes) != 3 || doc.Graph.Edges.Count != 2 || len(doc.Graph.Edges.Edges) != 2 {
		t.Fatalf("counts: nodes %d/%d, edges %d/%d", doc.Graph.Nodes.Count, len(doc.Graph.Nodes.Nodes), doc.Graph.Edges.Count, len(doc.Graph.Edges.Edges))
	}
	declared := map[string]map[string]string{}
	for _, as := range doc.Graph.Attributes {
		declared[as.Class] = map[string]string{}
		for _, a := range as.Attributes {
			declared[as.Class][a.ID] = a.Type
		}
	}
	if declared["node"]["community"] != "integer" || declared["node"]["betweenness"] != "double" ||
		declared["node"]["outcomes"] != "integer" || declared["edge"]["strength"] != "double" ||
		declared["edge"]["shared_outcomes"] != "integer" {
		t.Errorf("attributes = %v", declared)
	}
	for i, n := range doc.Graph.Nodes.Nodes {
		want := g.Nodes[i]
		if n.ID != string(want.ThemeID) || n.Label != want.Name {
			t.Errorf("node %d = %s %q, want %s %q", i, n.ID, n.Label, want.ThemeID, want.Name)
		}
		vals := attMap(n.Values)
		for id := range vals {
			if _, ok := declared["node"][id]; !ok {
				t.Errorf("node %d: value for undeclared attribute %q", i, id)
			}
		}
		if got := parseFloat(t, vals["betweenness"]); got != want.Betweenness {
			t.Errorf("node %d betweenness = %v, want %v", i, got, want.Betweenness)
		}
		if vals["community"] != strconv.Itoa(want.Community) || vals["slug"] != want.Slug {
			t.Errorf("node %d values = %v", i, vals)
		}
	}
	for i, e := range doc.Graph.Edges.Edges {
		want := g.Edges[i]
		if e.Source != string(want.Source) || e.Target != string(want.Target) {
			t.Errorf("edge %d = %s–%s", i, e.Source, e.Target)
		}
		if got := parseFloat(t, e.Weight); got != want.Weight {
			t.Errorf("edge %d weight = %v, want %v", i, got, want.Weight)
		}
		for id := range attMap(e.Values) {
			if _, ok := declared["edge"][id]; !ok {
				t.Errorf("edge %d: value for undeclared attribute %q", i, id)
			}
		}
		if got := parseFloat(t, attMap(e.Values)["strength"]); got != want.Strength {
			t.Errorf("edge %d strength = %v, want %v", i, got, want.Strength)
		}
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b)
	}
	return rows
}

func TestNodesCSV(t *testing.T) {
	g := sample()
	var buf bytes.Buffer
	if err := export.NodesCSV(&buf, g); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	want := []string{"id", "label", "label_en", "slug", "outcomes", "sessions", "municipalities", "weighted_degree", "betweenness", "community"}
	if strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Fatalf("header = %v, want %v", rows[0], want)
	}
	if len(rows) != 1+len(g.Nodes) {
		t.Fatalf("%d rows, want %d", len(rows), 1+len(g.Nodes))
	}
	for i, n := range g.Nodes {
		r := rows[i+1]
		en := n.NameEn
		if en == "" {
			en = n.Name
		}
		if r[0] != string(n.ThemeID) || r[1] != n.Name || r[2] != en || r[3] != n.Slug {
			t.Errorf("row %d = %q", i, r)
		}
		r = append(r[:2:2], r[3:]...)
		if r[3] != strconv.Itoa(n.Counts[network.SignalOutcome]) || r[5] != strconv.Itoa(n.Counts[network.SignalMunicipality]) {
			t.Errorf("row %d counts = %q", i, r[3:6])
		}
		if parseFloat(t, r[6]) != n.WeightedDegree || parseFloat(t, r[7]) != n.Betweenness || r[8] != strconv.Itoa(n.Community) {
			t.Errorf("row %d measures = %q", i, r[6:])
		}
	}
}

func TestEdgesCSV(t *testing.T) {
	g := sample()
	var buf bytes.Buffer
	if err := export.EdgesCSV(&buf, g, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	want := []string{"source", "target", "weight", "strength", "source_label", "target_label", "source_label_en", "target_label_en",
		"shared_outcomes", "shared_sessions", "shared_municipalities", "outcome_ids", "session_ids", "municipality_ids",
		"source_document_ids", "source_document_titles", "source_document_urls"}
	if strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Fatalf("header = %v, want %v", rows[0], want)
	}
	if len(rows) != 1+len(g.Edges) {
		t.Fatalf("%d rows, want %d", len(rows), 1+len(g.Edges))
	}
	for i, e := range g.Edges {
		r := rows[i+1]
		if r[0] != string(e.Source) || r[1] != string(e.Target) {
			t.Errorf("row %d = %q", i, r)
		}
		if parseFloat(t, r[2]) != e.Weight || parseFloat(t, r[3]) != e.Strength {
			t.Errorf("row %d weight, strength = %q, %q; want %v, %v", i, r[2], r[3], e.Weight, e.Strength)
		}
	}
	if r := rows[2]; r[4] != g.Nodes[0].Name || r[5] != g.Nodes[2].Name || r[7] != "Participation" || r[8] != "0" || r[10] != "1" {
		t.Errorf("row 2 = %q", r)
	}
	if r := rows[1]; r[5] != `Hyvinvointi ja "yhteisöllisyys", ääni` {
		t.Errorf("target label = %q", r[5])
	}
}

func TestWriteAndNames(t *testing.T) {
	g := sample()
	for _, f := range export.Formats {
		var buf bytes.Buffer
		if err := export.Write(&buf, f, sampleInput(g)); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if buf.Len() == 0 {
			t.Errorf("%s: nothing written", f)
		}
		if export.FileName(string(f)) == "" || export.ContentType(string(f)) == "application/octet-stream" {
			t.Errorf("%s: file name %q, content type %q", f, export.FileName(string(f)), export.ContentType(string(f)))
		}
		// An empty graph is still a valid document.
		buf.Reset()
		if err := export.Write(&buf, f, export.Input{Graph: &network.Graph{}, Citations: &export.Citations{},
			Series: &network.Series{}, Mixed: &export.Mixed{}}); err != nil {
			t.Fatalf("%s, empty: %v", f, err)
		}
		if strings.Contains(export.ContentType(string(f)), "xml") {
			var v struct{ XMLName xml.Name }
			if err := xml.Unmarshal(buf.Bytes(), &v); err != nil {
				t.Errorf("%s, empty: %v", f, err)
			}
		}
	}
	for in, want := range map[string]struct{ name, ctype string }{
		"GRAPHML":   {"teemaverkko-themes.graphml", "application/graphml+xml; charset=utf-8"},
		"gexf":      {"teemaverkko-themes.gexf", "application/gexf+xml; charset=utf-8"},
		"nodes-csv": {"teemaverkko-themes-nodes.csv", "text/csv; charset=utf-8"},
		"EDGES_CSV": {"teemaverkko-themes-edges.csv", "text/csv; charset=utf-8"},
		"xlsx":      {"", "application/octet-stream"},
	} {
		if got := export.FileName(in); got != want.name {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want.name)
		}
		if got := export.ContentType(in); got != want.ctype {
			t.Errorf("ContentType(%q) = %q, want %q", in, got, want.ctype)
		}
	}
	if _, err := export.ParseFormat("pdf"); err == nil {
		t.Error("ParseFormat accepted pdf")
	}
	if err := export.Write(&bytes.Buffer{}, "PDF", sampleInput(g)); err == nil {
		t.Error("Write accepted PDF")
	}
	if err := export.GraphML(&bytes.Buffer{}, nil, nil); err == nil {
		t.Error("GraphML accepted a nil graph")
	}
}
