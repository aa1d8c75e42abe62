package export

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/document"
	"github.com/teemaverkko/teemaverkko/ent/expert"
	"github.com/teemaverkko/teemaverkko/ent/municipality"
	"github.com/teemaverkko/teemaverkko/ent/outcome"
	"github.com/teemaverkko/teemaverkko/ent/schema/calendar"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/ent/seminar"
	"github.com/teemaverkko/teemaverkko/ent/session"
	"github.com/teemaverkko/teemaverkko/ent/theme"
	"github.com/teemaverkko/teemaverkko/internal/search"
)

// LoadItemCitations reads the labels and sources of the given objects (search hits of
// any type) in a fixed number of statements: one per type (seven), and one more for the
// sources of each type among them that has sources (themes, whose sources are the
// documents that discuss them; outcomes, sessions, seminars, experts): at most twelve,
// however many objects. A theme's LabelEn is its English name; other types have none.
func LoadItemCitations(ctx context.Context, client *ent.Client, ids []pulid.ID) (*Citations, map[pulid.ID]string, error) {
	c := &Citations{Items: map[pulid.ID]Item{}, Documents: map[pulid.ID]Doc{}}
	en := map[pulid.ID]string{}
	if len(ids) == 0 {
		return c, en, nil
	}
	addDocs := func(id pulid.ID, typ, label string, docs []*ent.Document) {
		it := Item{Type: typ, Label: label}
		for _, d := range docs {
			it.Sources = append(it.Sources, d.ID)
			c.Documents[d.ID] = docOf(d)
		}
		c.Items[id] = it
	}
	themes, err := client.Theme.Query().Where(theme.IDIn(ids...)).WithDocuments().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("search citations: themes: %w", err)
	}
	for _, t := range themes {
		addDocs(t.ID, "Theme", t.Name, t.Edges.Documents)
		if t.NameEn != nil {
			en[t.ID] = *t.NameEn
		}
	}
	outcomes, err := client.Outcome.Query().Where(outcome.IDIn(ids...)).WithSources().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("search citations: outcomes: %w", err)
	}
	for _, o := range outcomes {
		addDocs(o.ID, "Outcome", o.Text, o.Edges.Sources)
	}
	sessions, err := client.Session.Query().Where(session.IDIn(ids...)).WithSources().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("search citations: sessions: %w", err)
	}
	for _, s := range sessions {
		addDocs(s.ID, "Session", s.Title, s.Edges.Sources)
	}
	seminars, err := client.Seminar.Query().Where(seminar.IDIn(ids...)).WithSources().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("search citations: seminars: %w", err)
	}
	for _, s := range seminars {
		addDocs(s.ID, "Seminar", s.Title, s.Edges.Sources)
	}
	experts, err := client.Expert.Query().Where(expert.IDIn(ids...)).WithSources().All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("search citations: experts: %w", err)
	}
	for _, e := range experts {
		addDocs(e.ID, "Expert", e.Name, e.Edges.Sources)
	}
	ms, err := client.Municipality.Query().Where(municipality.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("search citations: municipalities: %w", err)
	}
	for _, m := range ms {
		c.Items[m.ID] = Item{Type: "Municipality", Label: m.Name}
	}
	docs, err := client.Document.Query().Where(document.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("search citations: documents: %w", err)
	}
	for _, d := range docs {
		addDocs(d.ID, "Document", d.Title, []*ent.Document{d})
	}
	return c, en, nil
}

// docOf is a document as a citation gives it.
func docOf(d *ent.Document) Doc {
	doc := Doc{Title: d.Title}
	if d.URL != nil {
		doc.URL = *d.URL
	}
	if d.PublishedOn != nil {
		p := calendar.Day
		if d.PublishedOnPrecision != nil {
			p = *d.PublishedOnPrecision
		}
		doc.Date, doc.Precision = calendar.Format(*d.PublishedOn, p), string(p)
	}
	return doc
}

// plainSnippet is a search snippet as text: the <mark> tags dropped, the HTML escapes
// undone.
func plainSnippet(s string) string {
	return html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s))
}

// SearchCSV writes a page of search hits, best first: one row per hit and document it
// is taken from (a hit without sources has one row with empty document columns).
// Columns: rank, id, type, label, label_en, score, snippet (plain text), document_id,
// document_title, document_url, document_date (at its precision),
// document_date_precision.
func SearchCSV(w io.Writer, res *search.Result, c *Citations, en map[pulid.ID]string) error {
	rows := [][]string{{"rank", "id", "type", "label", "label_en", "score", "snippet",
		"document_id", "document_title", "document_url", "document_date", "document_date_precision"}}
	for i, h := range res.Hits {
		id := pulid.ID(h.ID)
		it := c.Items[id]
		head := []string{strconv.Itoa(i + 1), h.ID, it.Type, it.Label, en[id], num(h.Score), plainSnippet(h.Snippet)}
		if it.Type == "" {
			head[2] = typeName(h.Type)
		}
		if len(it.Sources) == 0 {
			rows = append(rows, append(head, "", "", "", "", ""))
			continue
		}
		for _, d := range it.Sources {
			doc := c.Documents[d]
			rows = append(rows, append(append([]string(nil), head...), string(d), doc.Title, doc.URL, doc.Date, doc.Precision))
		}
	}
	return writeCSV(w, rows, "search CSV", "rank", "score")
}

// typeName is the GraphQL type name of a search type ("OUTCOME": "Outcome").
func typeName(t search.Type) string {
	s := strings.ToLower(string(t))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// searchJSON is the JSON export of a page of hits.
type searchJSON struct {
	Query       string          `json:"query"`
	TotalCount  int             `json:"totalCount"`
	HasNextPage bool            `json:"hasNextPage"`
	EndCursor   string          `json:"endCursor,omitempty"`
	Hits        []searchHitJSON `json:"hits"`
}

type searchHitJSON struct {
	ID          string       `json:"id"`
	Type        string       `json:"type"`
	Label       string       `json:"label"`
	LabelEn     string       `json:"labelEn,omitempty"`
	Score       float64      `json:"score"`
	Snippet     string       `json:"snippet"`
	SnippetText string       `json:"snippetText"`
	Sources     []sourceJSON `json:"sources"`
}

type sourceJSON struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	URL           string `json:"url,omitempty"`
	Date          string `json:"date,omitempty"`
	DatePrecision string `json:"datePrecision,omitempty"`
}

// SearchJSON writes a page of search hits as one JSON object: query, totalCount,
// hasNextPage, endCursor (the after of the next page) and hits, best first, each with
// id, type, label, labelEn (themes), score, snippet (HTML, matches in <mark>),
// snippetText and sources (id, title, url, date at its precision, datePrecision).
func SearchJSON(w io.Writer, text string, res *search.Result, c *Citations, en map[pulid.ID]string) error {
	out := searchJSON{Query: text, TotalCount: res.TotalCount, HasNextPage: res.HasNextPage, EndCursor: res.EndCursor, Hits: []searchHitJSON{}}
	for _, h := range res.Hits {
		id := pulid.ID(h.ID)
		it := c.Items[id]
		hj := searchHitJSON{ID: h.ID, Type: it.Type, Label: it.Label, LabelEn: en[id], Score: h.Score,
			Snippet: h.Snippet, SnippetText: plainSnippet(h.Snippet), Sources: []sourceJSON{}}
		if hj.Type == "" {
			hj.Type = typeName(h.Type)
		}
		for _, d := range it.Sources {
			doc := c.Documents[d]
			hj.Sources = append(hj.Sources, sourceJSON{ID: string(d), Title: doc.Title, URL: doc.URL, Date: doc.Date, DatePrecision: doc.Precision})
		}
		out.Hits = append(out.Hits, hj)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("export search JSON: %w", err)
	}
	return nil
}
