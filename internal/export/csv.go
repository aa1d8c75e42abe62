package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/teemaverkko/teemaverkko/internal/network"
)

// NodesCSV writes the node table: a header row, then one row per theme with the columns
// id, label, slug, one count column per signal (outcomes, sessions, …),
// weighted_degree, betweenness, community.
func NodesCSV(w io.Writer, g *network.Graph) error {
	if err := checkGraph(g); err != nil {
		return err
	}
	signals := signalsOf(g)
	header := []string{"id", "label", "label_en", "slug"}
	for _, s := range signals {
		header = append(header, column(s))
	}
	header = append(header, "weighted_degree", "betweenness", "community")
	rows := [][]string{header}
	for _, n := range g.Nodes {
		row := []string{string(n.ThemeID), label(n), labelEn(n), n.Slug}
		for _, s := range signals {
			row = append(row, strconv.Itoa(n.Counts[s]))
		}
		row = append(row, num(n.WeightedDegree), num(n.Betweenness), strconv.Itoa(n.Community))
		rows = append(rows, row)
	}
	numeric := []string{"weighted_degree", "betweenness", "community"}
	for _, s := range signals {
		numeric = append(numeric, column(s))
	}
	return writeCSV(w, rows, "nodes CSV", numeric...)
}

// EdgesCSV writes the edge table: a header row, then one row per edge with the columns
// source, target (theme IDs), weight, strength, source_label, target_label, and the
// number of shared items per signal (shared_outcomes, shared_sessions, …). The first three columns are
// what networkx (from_pandas_edgelist) and R (igraph::graph_from_data_frame) expect.
func EdgesCSV(w io.Writer, g *network.Graph, c *Citations) error {
	if err := checkGraph(g); err != nil {
		return err
	}
	signals := signalsOf(g)
	names, namesEn := labels(g), labelsEn(g)
	header := []string{"source", "target", "weight", "strength", "source_label", "target_label", "source_label_en", "target_label_en"}
	for _, s := range signals {
		header = append(header, sharedColumn(s))
	}
	for _, s := range signals {
		header = append(header, idsColumn(s))
	}
	header = append(header, sourceColumns...)
	rows := [][]string{header}
	for _, e := range g.Edges {
		row := []string{
			string(e.Source), string(e.Target), num(e.Weight), num(e.Strength),
			names[string(e.Source)], names[string(e.Target)], namesEn[string(e.Source)], namesEn[string(e.Target)],
		}
		for _, s := range signals {
			row = append(row, strconv.Itoa(shared(e, s)))
		}
		for _, s := range signals {
			row = append(row, c.evidenceIDs(e, s))
		}
		row = append(row, c.sourceValues(e)...)
		rows = append(rows, row)
	}
	numeric := []string{"weight", "strength"}
	for _, s := range signals {
		numeric = append(numeric, sharedColumn(s))
	}
	return writeCSV(w, rows, "edges CSV", numeric...)
}

// TextCell returns a text cell of a CSV export so that a spreadsheet shows it as text:
// a cell that begins with =, +, -, @, a tab or a carriage return, which Excel, LibreOffice
// and Google Sheets would evaluate as a formula (=HYPERLINK(…), +cmd|…), is written with a
// leading apostrophe, as OWASP advises against CSV injection. Other text is unchanged.
// Every CSV the exports write passes its text cells through it (writeCSV); numbers and
// IDs are left as they are.
func TextCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// writeCSV writes rows, the first of them the header. Every cell is text, and so passes
// through TextCell, except in the columns named in numeric (weights, counts, scores),
// which hold numbers as the writers format them and are written as they are.
func writeCSV(w io.Writer, rows [][]string, what string, numeric ...string) error {
	if len(rows) > 0 {
		isNumber := make([]bool, len(rows[0]))
		for i, h := range rows[0] {
			isNumber[i] = slices.Contains(numeric, h)
		}
		for _, row := range rows[1:] {
			for i, cell := range row {
				if i >= len(isNumber) || !isNumber[i] {
					row[i] = TextCell(cell)
				}
			}
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("export %s: %w", what, err)
	}
	return nil
}
