package export

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/theme"
)

// Mixed is the knowledge graph around the themes with typed nodes: themes,
// municipalities, experts, seminars, sessions, outcomes and documents, and the edges the
// API has between them, each named as the API names it (Type.field, from the source to
// the target). Outcomes and sessions are nodes because they are what ties
// municipalities and speakers to themes.
type Mixed struct {
	// Nodes are every theme and every municipality, expert, seminar, session, outcome
	// and document with at least one edge, by type then ID.
	Nodes []MixedNode
	// Edges are sorted by relation, source and target.
	Edges []MixedEdge
}

// MixedNode is a typed node.
type MixedNode struct {
	ID pulid.ID
	// Type is the GraphQL type: Theme, Municipality, Expert, Seminar, Session, Outcome,
	// Document.
	Type string
	// Label is the Finnish name or title; LabelEn the English one (a theme's English
	// name, an expert's English title after the name; otherwise the label).
	Label, LabelEn string
}

// MixedEdge is an edge of the mixed graph.
type MixedEdge struct {
	Source, Target pulid.ID
	// Relation is the API field the edge is: "Seminar.themes", "Document.authors" ….
	Relation string
}

// mixedRelations are the edges of the mixed graph: the API's field, and where the
// (source, target) pairs are stored.
var mixedRelations = []struct {
	relation, table, source, target string
	fk                              bool
}{
	{"Seminar.themes", seminar.ThemesTable, seminar.ThemesPrimaryKey[0], seminar.ThemesPrimaryKey[1], false},
	{"Expert.themes", expert.ThemesTable, expert.ThemesPrimaryKey[0], expert.ThemesPrimaryKey[1], false},
	{"Document.themes", document.ThemesTable, document.ThemesPrimaryKey[0], document.ThemesPrimaryKey[1], false},
	{"Theme.parent", theme.Table, theme.FieldID, theme.ParentColumn, true},
	{"Seminar.municipalities", seminar.MunicipalitiesTable, seminar.MunicipalitiesPrimaryKey[0], seminar.MunicipalitiesPrimaryKey[1], false},
	{"Expert.municipality", expert.Table, expert.FieldID, expert.MunicipalityColumn, true},
	{"Document.authors", document.AuthorsTable, document.AuthorsPrimaryKey[0], document.AuthorsPrimaryKey[1], false},
	{"Seminar.sources", seminar.SourcesTable, seminar.SourcesPrimaryKey[0], seminar.SourcesPrimaryKey[1], false},
	{"Expert.sources", expert.SourcesTable, expert.SourcesPrimaryKey[0], expert.SourcesPrimaryKey[1], false},
	{"Outcome.themes", outcome.ThemesTable, outcome.ThemesPrimaryKey[0], outcome.ThemesPrimaryKey[1], false},
	{"Outcome.municipalities", outcome.MunicipalitiesTable, outcome.MunicipalitiesPrimaryKey[0], outcome.MunicipalitiesPrimaryKey[1], false},
	{"Outcome.experts", outcome.ExpertsTable, outcome.ExpertsPrimaryKey[0], outcome.ExpertsPrimaryKey[1], false},
	{"Outcome.seminar", outcome.Table, outcome.FieldID, outcome.SeminarColumn, true},
	{"Outcome.session", outcome.Table, outcome.FieldID, outcome.SessionColumn, true},
	{"Outcome.sources", outcome.SourcesTable, outcome.SourcesPrimaryKey[0], outcome.SourcesPrimaryKey[1], false},
	{"Session.themes", session.ThemesTable, session.ThemesPrimaryKey[0], session.ThemesPrimaryKey[1], false},
	{"Session.speakers", session.SpeakersTable, session.SpeakersPrimaryKey[0], session.SpeakersPrimaryKey[1], false},
	{"Session.seminar", session.Table, session.FieldID, session.SeminarColumn, true},
}

// LoadMixed reads the mixed graph in two statements: the edges, and the nodes' labels.
func LoadMixed(ctx context.Context, client *ent.Client) (*Mixed, error) {
	parts := make([]string, len(mixedRelations))
	for i, r := range mixedRelations {
		q := fmt.Sprintf("SELECT %d AS k, %s AS s, %s AS t FROM %s", i, r.source, r.target, r.table)
		if r.fk {
			q += " WHERE " + r.target + " IS NOT NULL"
		}
		parts[i] = q
	}
	m := &Mixed{}
	connected := map[pulid.ID]bool{}
	rows, err := client.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, fmt.Errorf("mixed graph: query edges: %w", err)
	}
	for rows.Next() {
		var (
			k    int
			s, t string
		)
		if err := rows.Scan(&k, &s, &t); err != nil {
			rows.Close()
			return nil, fmt.Errorf("mixed graph: scan edge: %w", err)
		}
		if k < 0 || k >= len(mixedRelations) {
			rows.Close()
			return nil, fmt.Errorf("mixed graph: unexpected relation %d", k)
		}
		m.Edges = append(m.Edges, MixedEdge{Source: pulid.ID(s), Target: pulid.ID(t), Relation: mixedRelations[k].relation})
		connected[pulid.ID(s)], connected[pulid.ID(t)] = true, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mixed graph: read edges: %w", err)
	}

	nodes := fmt.Sprintf(
		"SELECT 'Theme' AS t, %s AS id, %s AS label, %s AS en FROM %s"+
			" UNION ALL SELECT 'Municipality', %s, %s, NULL FROM %s"+
			" UNION ALL SELECT 'Expert', %s, %s, %s FROM %s"+
			" UNION ALL SELECT 'Seminar', %s, %s, NULL FROM %s"+
			" UNION ALL SELECT 'Document', %s, %s, NULL FROM %s"+
			" UNION ALL SELECT 'Outcome', %s, %s, NULL FROM %s"+
			" UNION ALL SELECT 'Session', %s, %s, NULL FROM %s",
		theme.FieldID, theme.FieldName, theme.FieldNameEn, theme.Table,
		municipality.FieldID, municipality.FieldName, municipality.Table,
		expert.FieldID, expert.FieldName, expert.FieldTitleEn, expert.Table,
		seminar.FieldID, seminar.FieldTitle, seminar.Table,
		document.FieldID, document.FieldTitle, document.Table,
		outcome.FieldID, outcome.FieldText, outcome.Table,
		session.FieldID, session.FieldTitle, session.Table)
	rows, err = client.QueryContext(ctx, nodes)
	if err != nil {
		return nil, fmt.Errorf("mixed graph: query nodes: %w", err)
	}
	for rows.Next() {
		var (
			typ, id, label string
			en             *string
		)
		if err := rows.Scan(&typ, &id, &label, &en); err != nil {
			rows.Close()
			return nil, fmt.Errorf("mixed graph: scan node: %w", err)
		}
		if typ != "Theme" && !connected[pulid.ID(id)] {
			continue
		}
		n := MixedNode{ID: pulid.ID(id), Type: typ, Label: label, LabelEn: label}
		switch {
		case en != nil && *en != "" && typ == "Theme":
			n.LabelEn = *en
		case en != nil && *en != "" && typ == "Expert":
			n.LabelEn = label + " (" + *en + ")"
		}
		m.Nodes = append(m.Nodes, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("mixed graph: read nodes: %w", err)
	}
	rank := map[string]int{"Theme": 0, "Municipality": 1, "Expert": 2, "Seminar": 3, "Session": 4, "Outcome": 5, "Document": 6}
	sort.Slice(m.Nodes, func(i, j int) bool {
		a, b := m.Nodes[i], m.Nodes[j]
		if a.Type != b.Type {
			return rank[a.Type] < rank[b.Type]
		}
		return a.ID < b.ID
	})
	sort.Slice(m.Edges, func(i, j int) bool {
		a, b := m.Edges[i], m.Edges[j]
		if a.Relation != b.Relation {
			return a.Relation < b.Relation
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Target < b.Target
	})
	return m, nil
}

// MixedGraphML writes the mixed graph as undirected GraphML: node data type, label,
// label_en; edge data relation (the API field, from source to target).
func MixedGraphML(w io.Writer, m *Mixed) error {
	if m == nil {
		return fmt.Errorf("export: nil mixed graph")
	}
	doc := gmlDoc{XMLNS: "http://graphml.graphdrawing.org/xmlns", Keys: []gmlKey{
		{ID: "n_type", For: "node", Name: "type", Type: "string"},
		{ID: "n_label", For: "node", Name: "label", Type: "string"},
		{ID: "n_label_en", For: "node", Name: "label_en", Type: "string"},
		{ID: "e_relation", For: "edge", Name: "relation", Type: "string"},
	}}
	doc.Graph = gmlGraph{ID: "knowledge", EdgeDefault: "undirected", Nodes: []gmlNode{}, Edges: []gmlEdge{}}
	for _, n := range m.Nodes {
		doc.Graph.Nodes = append(doc.Graph.Nodes, gmlNode{ID: string(n.ID), Data: []gmlData{
			{"n_type", n.Type}, {"n_label", n.Label}, {"n_label_en", n.LabelEn}}})
	}
	for i, e := range m.Edges {
		doc.Graph.Edges = append(doc.Graph.Edges, gmlEdge{ID: "e" + strconv.Itoa(i), Source: string(e.Source), Target: string(e.Target),
			Data: []gmlData{{"e_relation", e.Relation}}})
	}
	return writeXML(w, doc, "mixed GraphML")
}

// MixedGEXF writes the mixed graph as a static, undirected GEXF 1.3 graph: nodes with
// the label as Gephi's label and the attributes type and label_en; edges with the
// attribute relation.
func MixedGEXF(w io.Writer, m *Mixed) error {
	if m == nil {
		return fmt.Errorf("export: nil mixed graph")
	}
	doc := newGEXF("Themes, municipalities, experts, seminars and documents of the knowledge base, with the edges between them")
	doc.Graph.Attributes = []gexfAttributes{
		{Class: "node", Attributes: []gexfAttribute{{ID: "type", Title: "type", Type: "string"}, {ID: "label_en", Title: "label_en", Type: "string"}}},
		{Class: "edge", Attributes: []gexfAttribute{{ID: "relation", Title: "relation", Type: "string"}}},
	}
	doc.Graph.Nodes = gexfNodes{Count: len(m.Nodes), Nodes: []gexfNode{}}
	doc.Graph.Edges = gexfEdges{Count: len(m.Edges), Edges: []gexfEdge{}}
	for _, n := range m.Nodes {
		doc.Graph.Nodes.Nodes = append(doc.Graph.Nodes.Nodes, gexfNode{ID: string(n.ID), Label: n.Label,
			AttValues: gexfAttValues{[]gexfAttValue{{For: "type", Value: n.Type}, {For: "label_en", Value: n.LabelEn}}}})
	}
	for i, e := range m.Edges {
		doc.Graph.Edges.Edges = append(doc.Graph.Edges.Edges, gexfEdge{ID: strconv.Itoa(i), Source: string(e.Source), Target: string(e.Target),
			Weight: "1", AttValues: gexfAttValues{[]gexfAttValue{{For: "relation", Value: e.Relation}}}})
	}
	return writeXML(w, doc, "mixed GEXF")
}
