package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/teemaverkko/teemaverkko/ent/schema/pulid"
	"github.com/teemaverkko/teemaverkko/graph"
	"github.com/teemaverkko/teemaverkko/graph/pagelimit"
	"github.com/teemaverkko/teemaverkko/internal/errcode"
	"github.com/teemaverkko/teemaverkko/internal/export"
	"github.com/teemaverkko/teemaverkko/internal/search"
)

// parseSearchExport reads GET /export/search's parameters: q (the search text), format
// (json or csv, default json), type (search types, repeatable or comma-separated,
// case-insensitive), seminar, term, theme (IDs), first (default and at most the maximum
// page size) and after (the endCursor of the previous page, of this export or of the API's
// search: the cursors are the same).
func parseSearchExport(q url.Values, limits pagelimit.Limits) (search.Query, string, error) {
	sq := search.Query{Text: q.Get("q"), First: limits.Max}
	if v := q.Get("after"); v != "" {
		// The API's cursors: pageInfo.endCursor of search, or of this export.
		after, ok := graph.SearchAfter(v)
		if !ok {
			return sq, "", errors.New("after: not a cursor of this search (pageInfo.endCursor of the API's search, or endCursor of this export)")
		}
		sq.After = after
	}
	format := strings.ToLower(strings.TrimSpace(q.Get("format")))
	switch format {
	case "":
		format = "json"
	case "json", "csv":
	default:
		return sq, "", fmt.Errorf("format: %q is not json or csv", q.Get("format"))
	}
	list := func(name string) []string {
		var out []string
		for _, v := range q[name] {
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
		}
		return out
	}
	for _, t := range list("type") {
		typ := search.Type(strings.ToUpper(t))
		if !typ.Valid() {
			return sq, "", fmt.Errorf("type: %q is not a search type", t)
		}
		sq.Types = append(sq.Types, typ)
	}
	sq.SeminarIDs, sq.TermIDs, sq.ThemeIDs = list("seminar"), list("term"), list("theme")
	if v := q.Get("first"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > limits.Max {
			return sq, "", fmt.Errorf("first: %q is not a number from 1 to %d", v, limits.Max)
		}
		sq.First = n
	}
	return sq, format, nil
}

// searchExportHandler serves GET /export/search: one page of search hits, as the API's
// search finds them, with each hit's label and the documents it is taken from, as JSON
// or CSV.
func searchExportHandler(ready *atomic.Pointer[backend], limits pagelimit.Limits) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := ready.Load()
		if b == nil {
			unavailable(w, "the server is starting: the database is not connected yet")
			return
		}
		q, format, err := parseSearchExport(r.URL.Query(), limits)
		if err != nil {
			errcode.WriteHTTP(w, http.StatusBadRequest, errcode.BadInput, err.Error())
			return
		}
		res, err := search.SearchWith(r.Context(), b.client, b.db.Dialect, q)
		var ie *search.InputError
		if errors.As(err, &ie) {
			errcode.WriteHTTP(w, http.StatusBadRequest, errcode.BadInput, ie.Error())
			return
		}
		if err != nil {
			unavailable(w, "the search could not be run; try again shortly")
			return
		}
		// The cursor as the API's search gives it.
		res.EndCursor = graph.SearchCursor(res.EndCursor)
		ids := make([]pulid.ID, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = pulid.ID(h.ID)
		}
		c, en, err := export.LoadItemCitations(r.Context(), b.client, ids)
		if err != nil {
			unavailable(w, "the search could not be run; try again shortly")
			return
		}
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="teemaverkko-search.csv"`)
			if res.HasNextPage {
				w.Header().Set("X-End-Cursor", res.EndCursor)
			}
			_ = export.SearchCSV(w, res, c, en)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="teemaverkko-search.json"`)
		_ = export.SearchJSON(w, q.Text, res, c, en)
	})
}
