package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/internal/network"
)

// Citations say what the evidence items of a network are and which documents they are
// taken from, so that an export can be cited: an edge's evidence, then the documents
// behind it (the document itself for the DOCUMENT signal; the sources of an outcome,
// session, seminar or expert; municipalities have no sources).
type Citations struct {
	// Items are every outcome, session, seminar, expert, municipality and document, by
	// ID.
	Items map[pulid.ID]Item
	// Documents are every document, by ID.
	Documents map[pulid.ID]Doc
	// full is every edge's evidence with all its items (WithFullEvidence), by the
	// edge's themes.
	full map[[2]pulid.ID][]network.Evidence
}

// WithFullEvidence makes the exports list every shared item of an edge, from full
// (network.BuildFullEvidence of the same request), instead of the first
// network.EvidenceCap per signal the network keeps. It returns c.
func (c *Citations) WithFullEvidence(full *network.Graph) *Citations {
	c.full = make(map[[2]pulid.ID][]network.Evidence, len(full.Edges))
	for _, e := range full.Edges {
		c.full[[2]pulid.ID{e.Source, e.Target}] = e.Evidence
	}
	return c
}

// evidence returns the evidence of an edge to export: all of it with WithFullEvidence,
// or the edge's own.
func (c *Citations) evidence(e network.Edge) []network.Evidence {
	if c != nil && c.full != nil {
		if ev, ok := c.full[[2]pulid.ID{e.Source, e.Target}]; ok {
			return ev
		}
	}
	return e.Evidence
}

// Item is an evidence item.
type Item struct {
	// Type is its GraphQL type: Outcome, Session, Seminar, Expert, Municipality, Document.
	Type string
	// Label is its title, name or (an outcome) its English text.
	Label string
	// Sources are the documents it is taken from, by ID (a document: itself).
	Sources []pulid.ID
}

// Doc is a document as a citation gives it.
type Doc struct {
	// Title and URL ("" when it has none).
	Title, URL string
	// Date is the publication date at its precision ("2017", "2017-03", "2017-03-14";
	// "" when unknown); Precision is DAY, MONTH or YEAR.
	Date, Precision string
}

// LoadCitations reads what citing a network needs in three statements: the labels of
// the evidence items, the sources of outcomes, sessions, seminars and experts, and the
// documents. It reads whole tables (their IDs, labels and source links), whatever the
// size of the network, so that no statement carries thousands of IDs.
func LoadCitations(ctx context.Context, client *ent.Client) (*Citations, error) {
	c := &Citations{Items: map[pulid.ID]Item{}, Documents: map[pulid.ID]Doc{}}
	labels := []struct{ typ, table, id, label string }{
		{"Outcome", outcome.Table, outcome.FieldID, outcome.FieldText},
		{"Session", session.Table, session.FieldID, session.FieldTitle},
		{"Seminar", seminar.Table, seminar.FieldID, seminar.FieldTitle},
		{"Expert", expert.Table, expert.FieldID, expert.FieldName},
		{"Municipality", municipality.Table, municipality.FieldID, municipality.FieldName},
	}
	parts := make([]string, len(labels))
	for i, l := range labels {
		parts[i] = fmt.Sprintf("SELECT '%s' AS t, %s AS id, %s AS label FROM %s", l.typ, l.id, l.label, l.table)
	}
	rows, err := client.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, fmt.Errorf("citations: query items: %w", err)
	}
	for rows.Next() {
		var typ, id, label string
		if err := rows.Scan(&typ, &id, &label); err != nil {
			rows.Close()
			return nil, fmt.Errorf("citations: scan item: %w", err)
		}
		c.Items[pulid.ID(id)] = Item{Type: typ, Label: label}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("citations: read items: %w", err)
	}

	sources := []struct{ table string }{
		{outcome.SourcesTable}, {session.SourcesTable}, {seminar.SourcesTable}, {expert.SourcesTable},
	}
	keys := [][]string{outcome.SourcesPrimaryKey, session.SourcesPrimaryKey, seminar.SourcesPrimaryKey, expert.SourcesPrimaryKey}
	parts = make([]string, len(sources))
	for i, s := range sources {
		parts[i] = fmt.Sprintf("SELECT %s AS x, %s AS d FROM %s", keys[i][0], keys[i][1], s.table)
	}
	rows, err = client.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, fmt.Errorf("citations: query sources: %w", err)
	}
	for rows.Next() {
		var x, d string
		if err := rows.Scan(&x, &d); err != nil {
			rows.Close()
			return nil, fmt.Errorf("citations: scan source: %w", err)
		}
		it := c.Items[pulid.ID(x)]
		it.Sources = append(it.Sources, pulid.ID(d))
		c.Items[pulid.ID(x)] = it
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("citations: read sources: %w", err)
	}
	for id, it := range c.Items {
		slices.Sort(it.Sources)
		c.Items[id] = it
	}

	docs, err := client.Document.Query().
		Select(document.FieldID, document.FieldTitle, document.FieldURL, document.FieldPublishedOn, document.FieldPublishedOnPrecision).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("citations: query documents: %w", err)
	}
	for _, d := range docs {
		c.Documents[d.ID] = docOf(d)
		c.Items[d.ID] = Item{Type: "Document", Label: d.Title, Sources: []pulid.ID{d.ID}}
	}
	return c, nil
}

// edgeSources returns the documents behind an edge's evidence (the listed items'), in
// ID order, without repeats.
func (c *Citations) edgeSources(e network.Edge) []pulid.ID {
	if c == nil {
		return nil
	}
	var out []pulid.ID
	for _, ev := range c.evidence(e) {
		for _, id := range ev.IDs {
			out = append(out, c.Items[id].Sources...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// idsColumn returns the edge column (attribute) name of a signal's evidence IDs:
// "outcome_ids".
func idsColumn(s network.Signal) string { return strings.ToLower(string(s)) + "_ids" }

// evidenceIDs returns the listed IDs of a signal's evidence on an edge, separated by
// spaces.
func (c *Citations) evidenceIDs(e network.Edge, s network.Signal) string {
	for _, ev := range c.evidence(e) {
		if ev.Signal == s {
			return joinIDs(ev.IDs, " ")
		}
	}
	return ""
}

func joinIDs(ids []pulid.ID, sep string) string {
	ss := make([]string, len(ids))
	for i, id := range ids {
		ss[i] = string(id)
	}
	return strings.Join(ss, sep)
}

// sourceColumns are the citation columns of an edge: the documents' IDs (separated by
// spaces), titles and URLs (separated by " | ", in the order of the IDs; a "|" or "\\"
// inside a title or URL is written with a backslash before it, so that the list splits
// back into as many values as there are IDs).
var sourceColumns = []string{"source_document_ids", "source_document_titles", "source_document_urls"}

// sourceValues returns the values of sourceColumns for an edge.
func (c *Citations) sourceValues(e network.Edge) []string {
	ids := c.edgeSources(e)
	titles := make([]string, len(ids))
	urls := make([]string, len(ids))
	for i, id := range ids {
		d := c.Documents[id]
		titles[i], urls[i] = listEscaper.Replace(d.Title), listEscaper.Replace(d.URL)
	}
	return []string{joinIDs(ids, " "), strings.Join(titles, " | "), strings.Join(urls, " | ")}
}

// listEscaper escapes the separator of a " | " list inside one of its values.
var listEscaper = strings.NewReplacer(`\`, `\\`, `|`, `\|`)

// EvidenceCSV writes the companion table of an edge list: one row per edge, evidence
// item and document behind it (an item without sources has one row with empty document
// columns). Columns: source, target (theme IDs), source_label, target_label (Finnish),
// source_label_en, target_label_en, signal, item_id, item_type, item_label,
// document_id, document_title, document_url, document_date (at its precision),
// document_date_precision. The items are all the shared items with WithFullEvidence,
// or those the edge lists (at most network.EvidenceCap per signal).
func EvidenceCSV(w io.Writer, g *network.Graph, c *Citations) error {
	if err := checkGraph(g); err != nil {
		return err
	}
	if c == nil {
		return fmt.Errorf("export: evidence CSV needs citations")
	}
	names, namesEn := labels(g), labelsEn(g)
	rows := [][]string{{"source", "target", "source_label", "target_label", "source_label_en", "target_label_en",
		"signal", "item_id", "item_type", "item_label",
		"document_id", "document_title", "document_url", "document_date", "document_date_precision"}}
	for _, e := range g.Edges {
		s, t := string(e.Source), string(e.Target)
		head := []string{s, t, names[s], names[t], namesEn[s], namesEn[t]}
		for _, ev := range c.evidence(e) {
			for _, id := range ev.IDs {
				it := c.Items[id]
				row := append(slices.Clone(head), string(ev.Signal), string(id), it.Type, it.Label)
				if len(it.Sources) == 0 {
					rows = append(rows, append(row, "", "", "", "", ""))
					continue
				}
				for _, d := range it.Sources {
					doc := c.Documents[d]
					rows = append(rows, append(slices.Clone(row), string(d), doc.Title, doc.URL, doc.Date, doc.Precision))
				}
			}
		}
	}
	return writeCSV(w, rows, "evidence CSV")
}
