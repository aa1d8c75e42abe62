package graph

import (
	"context"
	"errors"
	"github.com/teemaverkko/teemaverkko/internal/countcache"
	"strings"
	"time"

	"github.com/teemaverkko/teemaverkko/ent"
	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/graph/model"
	"github.com/teemaverkko/teemaverkko/internal/apierr"
	"github.com/teemaverkko/teemaverkko/internal/search"
)

func idStrings(ids []pulid.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// searchHits runs a search and loads the matched objects, one query per type.
func searchHits(ctx context.Context, r *Resolver, text string, types []model.SearchType, seminarIDs, termIDs, themeIDs []pulid.ID, from, to *time.Time, first *int, after *ent.Cursor) (*model.SearchConnection, error) {
	q := search.Query{Text: text, SeminarIDs: idStrings(seminarIDs), TermIDs: idStrings(termIDs), ThemeIDs: idStrings(themeIDs)}
	if from != nil {
		q.From = from.Format(time.DateOnly)
	}
	if to != nil {
		q.To = to.Format(time.DateOnly)
	}
	for _, t := range types {
		q.Types = append(q.Types, search.Type(t))
	}
	// first: 0 is an empty page, as on every connection (the search package reads 0 as
	// its default page): one hit is read for hasNextPage, and none is answered.
	empty := first != nil && *first == 0
	if first != nil {
		q.First = *first
	}
	if empty {
		q.First = 1
	}
	if after != nil {
		s, ok := searchAfter(after)
		if !ok {
			return nil, &apierr.Error{Code: apierr.BadInput, Field: "after", Message: "not a cursor of this search"}
		}
		q.After = s
	}
	if counts, ok := ctx.Value(searchCountsKey{}).(*countcache.Operation); ok {
		q.Counts = counts
	}
	res, err := search.SearchWith(ctx, r.client, r.dialect, q)
	var ie *search.InputError
	if errors.As(err, &ie) {
		return nil, &apierr.Error{Code: apierr.BadInput, Field: ie.Field, Message: ie.Message}
	}
	if err != nil {
		return nil, err
	}
	if empty {
		res.HasNextPage, res.Hits, res.EndCursor = len(res.Hits) > 0, nil, ""
	}
	ids := make([]pulid.ID, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = pulid.ID(h.ID)
	}
	nodes, err := nodesByID(ctx, r.client, ids)
	if err != nil {
		return nil, err
	}
	out := &model.SearchConnection{
		TotalCount:             res.TotalCount,
		TotalCountIsLowerBound: res.TotalCountIsLowerBound,
		PageInfo:               &ent.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: q.After != ""},
		Edges:                  make([]*model.SearchEdge, 0, len(res.Hits)),
	}
	if res.EndCursor != "" {
		out.PageInfo.EndCursor = searchCursor(res.EndCursor)
	}
	if len(res.Hits) > 0 {
		out.PageInfo.StartCursor = searchCursor(res.Hits[0].Cursor)
	}
	for _, h := range res.Hits {
		n := nodes[pulid.ID(h.ID)]
		if n == nil {
			continue // deleted between the search and the load
		}
		out.Edges = append(out.Edges, &model.SearchEdge{Cursor: *searchCursor(h.Cursor), Node: &model.SearchHit{
			Node: n, Type: model.SearchType(h.Type), Score: h.Score, Snippet: h.Snippet,
		}})
	}
	return out, nil
}

// A search cursor is the search's own string, carried in the Relay Cursor scalar that
// every connection uses.

// searchCursor carries a search's cursor in the Relay Cursor scalar.
func searchCursor(s string) *ent.Cursor { return &ent.Cursor{Value: s} }

// searchAfter is the search's cursor a Relay cursor carries, if it carries one.
func searchAfter(c *ent.Cursor) (string, bool) {
	s, ok := c.Value.(string)
	return s, ok && c.ID == ""
}

// SearchCursor is a search's cursor (search.Result.EndCursor) written as the API's
// search gives it in pageInfo.endCursor, so that GET /export/search gives and takes the
// same cursors as the API. "" stays "".
func SearchCursor(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	searchCursor(s).MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

// SearchAfter reads a cursor of the API's search (pageInfo.endCursor or an edge's
// cursor) as the search's own cursor (search.Query.After). ok is false when text is not
// such a cursor.
func SearchAfter(text string) (after string, ok bool) {
	var c ent.Cursor
	if c.UnmarshalGQL(text) != nil {
		return "", false
	}
	return searchAfter(&c)
}
